"""The dispatcher's pages: `bp` (delivery/ui/__init__.py) with every view module's routes on it.

The view modules import `bp` from the package and register on it when imported; importing them
here, not in the package, keeps the package free of an import cycle with its own views.
"""
from delivery.ui import auth, checks, couriers, home, orders, plan, tasks  # noqa: F401  (views register on bp)
from delivery.ui import bp

__all__ = ["bp"]
