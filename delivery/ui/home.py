"""Home: live counts of couriers, orders and checks."""
from __future__ import annotations

from datetime import date

from delivery.extensions import db
from delivery.services.read_models.counts import counts
from delivery.ui import bp
from delivery.ui.render import page


@bp.get("/")
def home():
    """Show live counts, refreshing themselves every few seconds."""
    return page(
        "ui/home.html",
        "ui/_home_counts.html",
        counts=counts(db.session(), date.today()),
    )
