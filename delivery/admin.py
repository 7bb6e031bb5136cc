"""Flask-Admin at /admin, built inside the factory; only signed-in admins get in.

The admin is a window on the data, and a door only where a write cannot break a rule: what belongs
to a state machine or to a service's side effects (orders' status, courier and trip, couriers'
current order and free time, checks' status and leases, trips) is shown, never edited here. Orders,
couriers, trips and districts change through the APIs and the pages; checks through their printers
and the PDF task. A printer is created by the receipts service (its api key random, never typed),
a user by the users service (the password hashed); editing either touches no secret.
"""
from __future__ import annotations

from flask import Flask, abort, current_app, flash, has_request_context, redirect, request, send_file, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterConverter, FilterEqual
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import BigInteger, select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import InputRequired

from delivery.domain.errors import DomainError
from delivery.domain.receipts import CheckStatus
from delivery.extensions import db
from delivery.jsontext import INT32_MAX, INT64_MAX, fits_int64
from delivery.models import CHECK_STATUSES, CHECK_TYPES, ROLES, Check, Courier, District, Order, Printer, Trip, User
from delivery.services import users
from delivery.services.receipts import create_printer, pdf_path


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
    """Read-only unless a view says otherwise (see the module's docstring)."""

    page_size = 50
    can_view_details = True
    can_create = can_edit = can_delete = False
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
    """Printers: created with a random api key by the receipts service (as `flask printers create`);
    name, type and point editable, the key never typed by hand."""

    can_create = can_edit = can_delete = True
    named_filter_urls = True
    column_list = ("id", "name", "api_key", "check_type", "point_id")
    column_filters = ("check_type", "point_id")
    column_searchable_list = ("name", "api_key")
    form_columns = ("name", "check_type", "point_id")
    form_choices = {"check_type": [(t, t) for t in CHECK_TYPES]}

    def create_model(self, form):
        try:
            return create_printer(self.session(), form.point_id.data, form.check_type.data, form.name.data)
        except DomainError as error:
            flash(error.message, "error")
            return False


class RenderState(BaseSQLAFilter):
    """Checks still `new`: `failed` (its renders gave up, or wkhtmltopdf is missing), `retrying` (a
    render failed, a retry is due) or `waiting` (queued)."""

    def apply(self, query, value, alias=None):
        if value == "failed":
            return query.filter(Check.failed)  # the pages' one rule of a failed check
        erred = Check.last_error.is_not(None)
        state = erred if value == "retrying" else ~erred
        return query.filter(Check.status == CheckStatus.NEW, Check.failed_at.is_(None), state)

    def operation(self) -> str:
        return "is"


class CheckView(SecureModelView):
    """Checks with their PDFs; a check still `new` whose renders gave up is failed, shown in red.

    Read-only: a check's status and leases move only with its printer and the PDF task."""

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
    """Read-only: couriers register and change through the APIs and the pages (their rules, the
    orders waiting for them); their current order and free time are the dispatch's."""

    column_list = ("id", "name", "type", "working_hours", "free_since", "avg_day_orders")
    column_filters = ("type",)


class OrderView(SecureModelView):
    """Read-only: an order's status, courier, trip and completion follow its state machine."""

    column_list = ("id", "name", "district", "weight", "cost", "status", "courier_id", "completed_at")
    column_filters = ("status", "district.name", "courier_id")
    column_default_sort = ("id", True)


class UserView(SecureModelView):
    """Users: created by the users service (name checked, password hashed); role and whether the
    account is active editable. Passwords are set with `flask users create`."""

    can_create = can_edit = can_delete = True
    column_list = ("id", "username", "role", "active", "created_at")
    column_exclude_list = ("password_hash", "session_token")
    # Secrets stay out of the pages: the hash, and the token that every session of the user carries.
    column_details_exclude_list = ("password_hash", "session_token")
    form_columns = ("role", "active")  # the edit form
    form_choices = {"role": [(r, r) for r in ROLES]}

    def get_create_form(self):
        class NewUser(self.form_base_class):
            username = StringField("Username", [InputRequired()])
            password = PasswordField("Password", [InputRequired()])
            role = SelectField("Role", choices=[(r, r) for r in ROLES], default="dispatcher")

        return NewUser

    def on_model_change(self, form, model, is_created):
        # An account turned off, or given another role, is signed out everywhere: its sessions were
        # opened under what it no longer is.
        if not is_created and (form.active.object_data != form.active.data
                               or form.role.object_data != form.role.data):
            model.end_sessions()

    def create_model(self, form):
        try:
            return users.create_user(self.session(), form.username.data, form.password.data, form.role.data)
        except DomainError as error:
            flash(error.message, "error")
            return False


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
