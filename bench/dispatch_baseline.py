"""The benchmark's baseline app: the dispatch API with the assignment step switched off.

`gunicorn bench.dispatch_baseline:app` serves the same routes, parsing, district lookup, order insert
and commit as `wsgi:app`, but stores each order unassigned instead of picking and locking a courier.
The switch is a setting no environment variable reaches; only this module sets it.
"""
from delivery.app import create_app

app = create_app({"DISPATCH_SKIP_ASSIGNMENT": True})
