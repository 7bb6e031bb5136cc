"""The dispatcher's pages: one blueprint of server-rendered, htmx-enhanced views."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Blueprint, current_app, make_response, redirect, request, url_for
from flask_login import current_user
from htmx_flask import request as htmx_request

from delivery.domain.intervals import format_minute
from delivery.domain.receipts import FAILED as CHECK_FAILED
from delivery.models import CHECK_STATUSES, ORDER_STATUSES
from delivery.ui import labels

bp = Blueprint("ui", __name__)

# Pages open to anonymous visitors; everything else in this blueprint asks for sign-in.
PUBLIC_ENDPOINTS = {"ui.login", "ui.set_language"}

# Endpoint name prefixes of each nav section, so a courier's card highlights "Couriers".
_SECTIONS = (("ui.courier", "couriers"), ("ui.order", "orders"), ("ui.plan", "plan"),
             ("ui.check", "checks"), ("ui.task", "tasks"))


@bp.before_request
def require_sign_in():
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    if htmx_request.htmx:
        # A swap must not paste the sign-in page into a table: htmx sends the whole window there,
        # coming back afterwards to the page the user was on.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = current.path + (f"?{current.query}" if current.query else "") if current.path else None
        response = make_response("", 401)
        response.headers["HX-Redirect"] = url_for("ui.login", next=back) if back else url_for("ui.login")
        return response
    return redirect(url_for("ui.login", next=request.full_path.rstrip("?")))


@bp.app_template_filter("hhmm")
def hhmm(minute: int | None) -> str:
    return "—" if minute is None else format_minute(int(minute))


@bp.app_template_filter("task_args")
def task_args(stored: str | None) -> str:
    """A run's recorded arguments as a call would read: `2, force=True`."""
    try:
        data = json.loads(stored or "{}")
        parts = [json.dumps(a) for a in data.get("args", [])]
        parts += [f"{k}={json.dumps(v)}" for k, v in data.get("kwargs", {}).items()]
    except (ValueError, AttributeError, TypeError):
        return stored or ""
    return ", ".join(parts)


# Globals rather than context: the macros of ui/_macros.html use them too.
bp.add_app_template_global(labels.status_label, "status_label")
bp.add_app_template_global(labels.courier_type_label, "courier_type_label")
bp.add_app_template_global(labels.check_type_label, "check_type_label")
bp.add_app_template_filter(labels.shown, "shown")
bp.add_app_template_filter(labels.next_trip, "next_trip")


@bp.app_context_processor
def choices():
    # Lazy words: rendered in the page's language, and only by the pages that show them.
    return {"courier_types": labels.courier_type_choices(),
            "order_statuses": [(code, labels.STATUSES.get(code, code)) for code in ORDER_STATUSES],
            "check_statuses": [(code, labels.STATUSES.get(code, code)) for code in (*CHECK_STATUSES, CHECK_FAILED)]}


@bp.app_template_filter("say")
def say(text: str | None) -> str:
    """A service's English message in the page's language."""
    return labels.message(text)


@bp.app_context_processor
def navigation():
    def nav_section() -> str:
        endpoint = request.endpoint or ""
        return next((name for prefix, name in _SECTIONS if endpoint.startswith(prefix)), "home")

    return {"nav_section": nav_section}


@bp.app_context_processor
def pdf_notice():
    # Looked up per page, not once at start-up: installing wkhtmltopdf makes the notice go away.
    def pdf_missing_hint() -> str | None:
        from delivery.printing import INSTALL_HINT, find_wkhtmltopdf

        return None if find_wkhtmltopdf(current_app.config.get("WKHTMLTOPDF")) else INSTALL_HINT

    return {"pdf_missing_hint": pdf_missing_hint}


from delivery.ui.render import conditional  # noqa: E402

bp.after_request(conditional)
