"""Home: live counts of couriers, orders and checks."""
from __future__ import annotations

from flask import current_app

from delivery.extensions import db
from delivery.printing import INSTALL_HINT
from delivery.services import dashboard
from delivery.ui import bp
from delivery.ui.render import page


@bp.get("/")
def home():
    """Show live counts, refreshing themselves every few seconds."""
    return page(
        "ui/home.html",
        "ui/_home_counts.html",
        counts=dashboard.counts(db.session),
        pdf_backend=current_app.config.get("PDF_BACKEND"),
        pdf_hint=INSTALL_HINT,
    )
