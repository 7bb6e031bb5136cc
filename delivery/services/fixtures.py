"""Demo and fixture data, loaded idempotently by `make run` and `flask seed`.

Demo accounts (admin/admin) and printers with guessable keys (key1...) belong to the embedded
default database and to tests only: `demo_allowed` says where `flask seed` may load them.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from delivery.domain.courier_types import CourierType
from delivery.models import Courier, District, Order, Printer, User
from delivery.services import couriers, receipts, users
from delivery.services.tx import write_transaction

# Printers of both types at several points; keys key1, key2, ... so the sample requests run as they are.
PRINTERS = [
    ("Point 1 kitchen", "key1", "kitchen", 1),
    ("Point 1 client", "key2", "client", 1),
    ("Point 2 kitchen", "key3", "kitchen", 2),
    ("Point 2 client", "key4", "client", 2),
    ("Point 3 kitchen", "key5", "kitchen", 3),
    ("Point 3 client", "key6", "client", 3),
    ("Point 3 bar", "key7", "kitchen", 3),
]

DISTRICTS = [(1, "Center"), (2, "North"), (3, "South")]

# (name, type, working hours, district ids)
COURIERS = [
    ("Anna", CourierType.FOOT.value, ["09:00-13:00"], [1]),
    ("Boris", CourierType.BIKE.value, ["10:00-14:00", "16:00-20:00"], [1, 2]),
    ("Vera", CourierType.AUTO.value, ["08:00-20:00"], [1, 2, 3]),
    ("Gleb", CourierType.FOOT.value, ["12:00-18:00"], [3]),
]

# (weight, district id, delivery hours, cost)
ORDERS = [
    (1.5, 1, ["10:00-11:00"], 300),
    (4.0, 1, ["10:30-12:00"], 450),
    (12.0, 2, ["11:00-13:00"], 900),
    (0.7, 3, ["12:00-15:00"], 250),
    (25.0, 3, ["09:00-18:00"], 1500),
    (3.3, 2, ["16:30-18:00"], 520),
]

DEMO_USERS = [("admin", "admin", "admin"), ("dispatcher", "dispatcher", "dispatcher")]

NO_DEMO_HERE = (
    "seed: no demo data loaded: this is not the embedded default database (or DELIVERY_ENV=production). "
    "Make the first admin with `flask users create NAME --role admin` and each printer with "
    "`flask printers create --point N --type kitchen|client`."
)


def demo_allowed(config: Mapping[str, Any]) -> bool:
    """Demo rows go into the embedded default database, or a test's database; never production."""
    return not config["PRODUCTION"] or bool(config.get("TESTING"))


def load_printers(session: Session) -> int:
    """Create missing fixture printers (matched by api key); return how many were added."""
    with write_transaction(session):
        return _add_printers(session)


def _add_printers(session: Session) -> int:
    existing = set(session.scalars(select(Printer.api_key)))
    missing = [p for p in PRINTERS if p[1] not in existing]
    for name, key, check_type, point in missing:
        session.add(receipts.new_printer(point, check_type, name, key))
    return len(missing)


def load_demo(session: Session) -> dict[str, int]:
    """Load printers, demo users, districts, couriers and orders in one transaction, through the
    services' own rules (users hashed and checked, couriers free from registration); a second run
    adds nothing."""
    with write_transaction(session):
        loaded = {"printers": _add_printers(session), "users": 0, "couriers": 0, "orders": 0}
        for username, password, role in DEMO_USERS:
            if session.scalar(select(User.id).where(User.username == username)) is None:
                users.add_user(session, users.new_user(username, password, role))
                loaded["users"] += 1
        for district_id, name in DISTRICTS:
            if session.get(District, district_id) is None and session.scalar(
                select(District).where(District.name == name)
            ) is None:
                session.add(District(id=district_id, name=name))
        session.flush()
        if not session.scalar(select(func.count()).select_from(Courier)):
            # Registered as every door registers them (couriers' store: free from now on).
            loaded["couriers"] = len(couriers.store(session, [
                couriers.NewCourier(name, ctype, hours, districts) for name, ctype, hours, districts in COURIERS
            ]))
        if not session.scalar(select(func.count()).select_from(Order)):
            for weight, district_id, hours, cost in ORDERS:
                session.add(Order(weight=weight, district_id=district_id, delivery_hours=hours, cost=cost))
                loaded["orders"] += 1
    return loaded
