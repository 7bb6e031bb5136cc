"""gunicorn settings of `make run`, `make web` and the tests' servers (`-c gunicorn.conf.py`).

The settings are checked here, in the master, before any worker starts: unsafe settings (no
SECRET_KEY in production) stop gunicorn with one line instead of workers failing in a loop.
"""
from delivery.config import load_settings

load_settings()

# The access log masks the printers' api keys (they travel in the query string).
logger_class = "delivery.access_log.MaskingLogger"
