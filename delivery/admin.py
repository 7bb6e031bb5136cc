"""Flask-Admin at /admin, built inside the factory; only signed-in admins get in."""
from __future__ import annotations

from flask import Flask, abort, current_app, has_request_context, redirect, request, send_file, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterConverter, FilterEqual
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import BigInteger, select

from delivery.domain.errors import DomainError
from delivery.domain.receipts import CheckStatus
from delivery.extensions import db
from delivery.jsontext import INT32_MAX, INT64_MAX, fits_int64
from delivery.models import CHECK_STATUSES, CHECK_TYPES, Check, Courier, District, Order, Printer, Trip, User
from delivery.services.receipts import pdf_path


class _AdminOnly:
    """Mixin: redirect anonymous visitors to sign-in, refuse signed-in non-admins."""

    # Cells wrap between words and long values (errors, file names) break, so wide lists fit the screen.
    extra_css = ["/static/admin.css"]
    # What Flask-Admin's templates did in inline event handlers (templates/admin/ overrides them).
    extra_js = ["/static/admin-csp.js"]

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_admin

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            abort(403, "The admin pages are for admins; your account is a dispatcher's.")
        return redirect(url_for("ui.login", next=request.full_path.rstrip("?")))


class SecureIndex(_AdminOnly, AdminIndexView):
    @expose("/")
    def index(self):
        return super().index()


class _Int64Filter:
    """Mixin of Flask-Admin's integer filters: a number no column holds is not a valid filter value
    (Flask-Admin then leaves the filter out), rather than an overflow in the database driver."""

    def clean(self, value):
        cleaned = super().clean(value)
        if not all(fits_int64(n) for n in (cleaned if isinstance(cleaned, list) else [cleaned])):
            raise ValueError(f"{value!r} is beyond a 64-bit integer")
        return cleaned


class Int64FilterConverter(FilterConverter):
    int_filters = tuple(type(f.__name__, (_Int64Filter, f), {}) for f in FilterConverter.int_filters)


class SecureModelView(_AdminOnly, ModelView):
    page_size = 50
    can_view_details = True
    filter_converter = Int64FilterConverter()

    def get_one(self, id):  # noqa: A002  (Flask-Admin's name)
        """The row with this id, or None ("Record does not exist") when the id is not a whole number
        its key column holds: PostgreSQL would refuse the query rather than find nothing."""
        try:
            number = int(id)
        except (TypeError, ValueError):
            return None
        key = self.model.__table__.primary_key.columns[0]
        if not 0 <= number <= (INT64_MAX if isinstance(key.type, BigInteger) else INT32_MAX):
            return None
        return super().get_one(str(number))


class PrinterView(SecureModelView):
    named_filter_urls = True
    column_list = ("id", "name", "api_key", "check_type", "point_id")
    column_filters = ("check_type", "point_id")
    column_searchable_list = ("name", "api_key")
    form_choices = {"check_type": [(t, t) for t in CHECK_TYPES]}


class RenderState(BaseSQLAFilter):
    """Checks still `new`: `failed` (its renders gave up, or wkhtmltopdf is missing), `retrying` (a
    render failed, a retry is due) or `waiting` (queued)."""

    def apply(self, query, value, alias=None):
        gave_up, erred = Check.failed_at.is_not(None), Check.last_error.is_not(None)
        state = {"failed": gave_up, "retrying": ~gave_up & erred}.get(value, ~gave_up & ~erred)
        return query.filter(Check.status == CheckStatus.NEW, state)

    def operation(self) -> str:
        return "is"


class CheckView(SecureModelView):
    """Checks with their PDFs; a check still `new` whose renders gave up is failed, shown in red."""

    can_create = False
    named_filter_urls = True  # stable filter URLs: ?flt0_status_equals=new
    # The PDF next to the status, so it stays on screen however many time columns follow.
    column_list = ("id", "order_id", "printer", "type", "status", "pdf_file", "attempts", "last_error",
                   "created_at", "rendered_at", "printed_at", "failed_at")
    column_filters = (
        FilterEqual(Check.printer_id, "Printer", options=lambda: _printer_options()),
        FilterEqual(Check.type, "Type", options=[(t, t) for t in CHECK_TYPES]),
        FilterEqual(Check.status, "Status", options=[(s, s) for s in CHECK_STATUSES]),
        "order_id",
        "printer.point_id",
        "last_error",
        RenderState(Check.status, "Render",
                    options=[("failed", "failed"), ("retrying", "retrying"), ("waiting", "waiting")]),
    )
    column_default_sort = ("id", True)
    column_labels = {"pdf_file": "PDF", "last_error": "Last error"}
    column_formatters = {
        "pdf_file": lambda view, context, check, name: _pdf_link(check),
        "status": lambda view, context, check, name: _status_badge(check),
        "last_error": lambda view, context, check, name: (check.last_error or "")[:200],
    }
    form_columns = ("status",)
    form_choices = {"status": [(s, s) for s in CHECK_STATUSES]}

    @expose("/")
    def index_view(self):
        """List checks; the printer filter's choices are read afresh, as printers come and go."""
        self._refresh_filters_cache()
        return super().index_view()

    @expose("/pdf/<int:check_id>")
    def pdf(self, check_id: int):
        """Show a check's PDF to an admin (no api key, and the check is not marked printed)."""
        try:
            check, path = pdf_path(db.session(), check_id, current_app.config["MEDIA_ROOT"])
        except DomainError:  # no such check, no PDF yet, or its file is gone
            abort(404)
        return send_file(path, mimetype="application/pdf", download_name=check.file_name, max_age=0)


def _printer_options() -> list[tuple[int, str]]:
    # Flask-Admin asks once while the app is built: no query then (the tables may not exist yet, and a
    # query would open a transaction in whatever app context is current); index_view asks again.
    if not has_request_context():
        return []
    return [(p.id, str(p)) for p in db.session.scalars(select(Printer).order_by(Printer.id))]


def _pdf_link(check: Check) -> Markup:
    if not check.pdf_file:
        return Markup("")
    return Markup('<a href="{}">{}</a>').format(url_for("check.pdf", check_id=check.id), check.file_name)


def _status_badge(check: Check) -> Markup:
    # A new check that gave up (or waits for wkhtmltopdf) must stand out, not look merely queued.
    if check.failed:
        return Markup('<span class="text-danger" data-failed="1">new (failed)</span>')
    if check.status == CheckStatus.NEW and check.last_error:
        return Markup('<span class="text-warning" data-retrying="1">new (retrying)</span>')
    return Markup("{}").format(check.status)


class CourierView(SecureModelView):
    column_list = ("id", "name", "type", "working_hours", "free_since", "avg_day_orders")
    column_filters = ("type",)
    form_excluded_columns = ("districts", "active_order", "created_at")


class OrderView(SecureModelView):
    column_list = ("id", "name", "district", "weight", "cost", "status", "courier_id", "completed_at")
    column_filters = ("status", "district.name", "courier_id")
    column_default_sort = ("id", True)
    form_excluded_columns = ("created_at", "trip")


class UserView(SecureModelView):
    column_list = ("id", "username", "role", "active", "created_at")
    column_exclude_list = ("password_hash", "session_token")
    # Secrets stay out of the pages: the hash, and the token that every session of the user carries.
    column_details_exclude_list = ("password_hash", "session_token")
    form_excluded_columns = ("password_hash", "created_at", "session_token")


def init_admin(app: Flask) -> Admin:
    """Mount the admin views on this app."""
    # Full width (the checks' list has eleven columns) and a few rules of ours for narrow screens;
    # Flask-Admin's inline scripts carry this request's CSP nonce (Flask-Talisman's, set up before).
    admin = Admin(app, name="delivery admin", index_view=SecureIndex(url="/admin"),
                  theme=Bootstrap4Theme(fluid=True), csp_nonce_generator=app.jinja_env.globals["csp_nonce"])
    admin.add_view(PrinterView(Printer, db.session, category="Receipts"))
    admin.add_view(CheckView(Check, db.session, category="Receipts"))
    admin.add_view(CourierView(Courier, db.session, category="Delivery"))
    admin.add_view(OrderView(Order, db.session, category="Delivery"))
    admin.add_view(SecureModelView(Trip, db.session, category="Delivery"))
    admin.add_view(SecureModelView(District, db.session, category="Delivery"))
    admin.add_view(UserView(User, db.session))
    return admin
