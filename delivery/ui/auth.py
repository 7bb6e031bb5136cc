"""Sign-in and sign-out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from delivery.extensions import db
from delivery.i18n import LANG_COOKIE, LANGUAGES
from delivery.services.users import authenticate
from delivery.ui import bp
from delivery.ui.render import page


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would send a signed-in dispatcher anywhere.
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("ui.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with a username and password."""
    error = None
    if request.method == "POST":
        user = authenticate(db.session, request.form.get("username", ""), request.form.get("password", ""))
        if user is not None:
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")))
        error = _("Wrong username or password.")
    # Keep the typed username after a wrong password, so only the password needs typing again.
    username = request.form.get("username", "")
    return page("ui/login.html", error=error, username=username, next=request.args.get("next", "")), (
        401 if error else 200
    )


@bp.post("/logout")
def logout():
    """Sign out."""
    logout_user()
    flash(_("Signed out."))
    return redirect(url_for("ui.login"))


@bp.get("/lang/<code>")
def set_language(code: str):
    """Switch the pages' language and remember it for a year; back to the page the switch was on."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(_safe_next(request.args.get("next")))
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
