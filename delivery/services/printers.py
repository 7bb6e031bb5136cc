"""Receipt printers made for real use: each gets a random api key, shown once at creation."""
from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from delivery.errors import ApiError
from delivery.models import CHECK_TYPES, Printer


def create_printer(session: Session, point_id: int, check_type: str, name: str | None = None) -> Printer:
    """Add a printer of `check_type` at the point, with a random api key (43 URL-safe characters)."""
    if check_type not in CHECK_TYPES:
        raise ApiError(400, f"type must be one of {', '.join(CHECK_TYPES)}")
    printer = Printer(
        name=(name or "").strip() or f"Point {point_id} {check_type}",
        api_key=secrets.token_urlsafe(32),
        check_type=check_type,
        point_id=point_id,
    )
    session.add(printer)
    session.commit()
    return printer
