"""gunicorn settings read from the working directory by `make run`/`make web` (and the tests' servers).

Logs: the app writes one line per request itself (`delivery.access`, with the request id, plain or
JSON as LOG_FORMAT says), so gunicorn's own access line (`--access-logfile`) is not written twice.

Metrics: every worker of this master counts requests into one directory of memory-mapped files
(prometheus_client's multiprocess mode), so /metrics answered by any worker reports them all. The
directory is `PROMETHEUS_MULTIPROC_DIR` when set (emptied at start: stale files would count twice),
else a fresh temporary one removed at exit. It is set here, in the master, before any worker imports
prometheus_client, which reads it at import.
"""
import os
import shutil
import tempfile
from pathlib import Path

from gunicorn.glogging import Logger

_given = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if _given:
    Path(_given).mkdir(parents=True, exist_ok=True)
    for stale in Path(_given).glob("*.db"):
        stale.unlink()
else:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="delivery-metrics-")


def child_exit(server, worker):
    """Drop a dead worker's live gauges; its counters stay counted."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if not _given:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


class AppLogsRequests(Logger):
    """gunicorn's logger without its access line: the app logs each request (see above)."""

    @property
    def access_log_enabled(self):
        return False

    def access(self, resp, req, environ, request_time):
        return None


logger_class = AppLogsRequests
