"""The Huey consumer's entry point: `huey_consumer delivery.worker.huey` builds the app first.

The consumer's tasks run in this app (its database, media folder and settings), configured by
`create_app` exactly as the web app is; importing this module is starting a consumer, as importing
wsgi.py is starting the web app.
"""
from delivery.app import create_app
from delivery.queue import huey

app = create_app()

__all__ = ["app", "huey"]
