"""The dispatcher's pages: one blueprint of server-rendered, htmx-enhanced views."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

bp = Blueprint("ui", __name__)

# Pages open to anonymous visitors; everything else in this blueprint asks for sign-in.
PUBLIC_ENDPOINTS = {"ui.login"}


@bp.before_request
def require_sign_in():
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return redirect(url_for("ui.login", next=request.full_path.rstrip("?")))


from delivery.ui import auth, home  # noqa: E402,F401  (views register on bp)
