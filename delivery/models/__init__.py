"""SQLAlchemy models, one module per aggregate; importing this package registers all tables."""
from delivery.models.consumer import ConsumerBeat
from delivery.models.courier import COURIER_TYPES, Courier, CourierDistrict
from delivery.models.district import District
from delivery.models.order import ORDER_STATUSES, Order, Trip
from delivery.models.receipt import CHECK_STATUSES, CHECK_TYPES, Check, Printer
from delivery.models.task_run import TaskRun
from delivery.models.user import ROLES, User

__all__ = [
    "CHECK_STATUSES",
    "CHECK_TYPES",
    "COURIER_TYPES",
    "Check",
    "ConsumerBeat",
    "Courier",
    "CourierDistrict",
    "District",
    "ORDER_STATUSES",
    "Order",
    "Printer",
    "ROLES",
    "TaskRun",
    "Trip",
    "User",
]
