"""Flask-Admin at /admin, built inside the factory; only signed-in admins get in."""
from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user

from delivery.extensions import db
from delivery.models import Check, Courier, District, Order, Printer, Trip, User


class _AdminOnly:
    """Mixin: redirect anonymous visitors to sign-in, refuse signed-in non-admins."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_admin

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            return "Admins only", 403
        return redirect(url_for("ui.login", next=request.full_path.rstrip("?")))


class SecureIndex(_AdminOnly, AdminIndexView):
    @expose("/")
    def index(self):
        return super().index()


class SecureModelView(_AdminOnly, ModelView):
    page_size = 50
    can_view_details = True


class PrinterView(SecureModelView):
    column_list = ("id", "name", "api_key", "check_type", "point_id")
    column_filters = ("check_type", "point_id")
    column_searchable_list = ("name", "api_key")
    form_choices = {"check_type": [("kitchen", "kitchen"), ("client", "client")]}


class CheckView(SecureModelView):
    can_create = False
    column_list = ("id", "order_id", "printer", "type", "status", "attempts", "created_at", "pdf_file")
    column_filters = ("printer.name", "printer.point_id", "type", "status", "order_id")
    column_default_sort = ("id", True)
    form_excluded_columns = ("created_at",)


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
    column_exclude_list = ("password_hash",)
    form_excluded_columns = ("password_hash", "created_at")


def init_admin(app: Flask) -> Admin:
    """Mount the admin views on this app."""
    admin = Admin(app, name="delivery admin", index_view=SecureIndex(url="/admin"))
    admin.add_view(PrinterView(Printer, db.session, category="Receipts"))
    admin.add_view(CheckView(Check, db.session, category="Receipts"))
    admin.add_view(CourierView(Courier, db.session, category="Delivery"))
    admin.add_view(OrderView(Order, db.session, category="Delivery"))
    admin.add_view(SecureModelView(Trip, db.session, category="Delivery"))
    admin.add_view(SecureModelView(District, db.session, category="Delivery"))
    admin.add_view(UserView(User, db.session))
    return admin
