"""gunicorn settings read from the working directory by `make run`/`make web` (and the tests' servers).

Settings: checked here, in the master, before any worker starts, so unsafe settings (no SECRET_KEY
in production) stop gunicorn with one line instead of workers failing in a loop.

Logs: the app writes one line per request itself (`delivery.access`, with the request id, plain or
JSON as LOG_FORMAT says, path without the query string), so `make run`/`make web` give gunicorn no
access log. Given one (`--access-logfile`), its lines mask the printers' api keys, which travel in
the query string by contract.

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

from delivery.config import load_settings

load_settings()

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


logger_class = "delivery.access_log.MaskingLogger"
