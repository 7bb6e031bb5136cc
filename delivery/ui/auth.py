"""Sign-in and sign-out.

Sign-ins are throttled twice, per username (every attempt) and per client address (failures),
`SIGN_IN_LIMIT` each, in Flask-Limiter's storage (Redis when set): past the budget the form answers
429 with a message, whatever the password. Signing out ends the user's sessions on the server (a new session token),
so a copied cookie stops working too.
"""
from __future__ import annotations

import hashlib
import math
import time
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded, RequestLimit
from flask_login import current_user, login_user, logout_user

from delivery.extensions import db, limiter
from delivery.i18n import LANG_COOKIE, LANGUAGES
from delivery.services.users import authenticate, end_sessions
from delivery.ui import bp
from delivery.ui.render import page

def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would send a signed-in dispatcher anywhere.
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("ui.home")


def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_LIMIT"])


def _username_key() -> str:
    # Hashed: any length of typed name makes one short storage key. Empty: no username limit.
    name = request.form.get("username", "").strip().lower()
    return "username:" + hashlib.sha256(name.encode()).hexdigest() if name else ""


def _address_key() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _failed(response) -> bool:
    return response.status_code == 401


def _login_form(error: str | None, status: int):
    # Keep the typed username after a wrong password, so only the password needs typing again.
    username = request.form.get("username", "")
    return page("ui/login.html", error=error, username=username, next=request.args.get("next", "")), status


def _throttled(request_limit: RequestLimit):
    # window[0]: when the oldest counted attempt leaves the moving window (reset_at rounds it up).
    wait = max(1, math.ceil(request_limit.window[0] - time.time()))
    minutes = math.ceil(wait / 60)
    text = ngettext("Too many sign-in attempts for this username or from this address. "
                    "Wait a minute before trying again.",
                    "Too many sign-in attempts for this username or from this address. "
                    "Wait %(num)d minutes before trying again.", minutes)
    response = current_app.make_response(_login_form(text, 429))
    response.headers["Retry-After"] = str(wait)
    return response


def _sign_in_throttle(key_func, count_only_failures: bool):
    # Once over budget every attempt is refused, right or wrong. A username counts every attempt,
    # taken before the password is checked, so parallel guesses cannot overtake the count (a failure
    # is only known afterwards); an address counts failures only, so an office behind one NAT signs in.
    return limiter.limit(_sign_in_limit, key_func=key_func, methods=["POST"],
                         deduct_when=_failed if count_only_failures else None,
                         on_breach=_throttled, scope=f"sign-in-{key_func.__name__}")


@bp.errorhandler(RateLimitExceeded)
def sign_in_throttled(error: RateLimitExceeded):
    """Answer a throttled sign-in with the form and its message (the response on_breach built)."""
    return error.get_response()


@bp.route("/login", methods=["GET", "POST"])
@_sign_in_throttle(_username_key, count_only_failures=False)
@_sign_in_throttle(_address_key, count_only_failures=True)
def login():
    """Sign in with a username and password."""
    if request.method == "POST":
        user = authenticate(db.session(), request.form.get("username", ""), request.form.get("password", ""))
        if user is not None:
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")))
        return _login_form(_("Wrong username or password."), 401)
    return _login_form(None, 200)


@bp.post("/logout")
def logout():
    """Sign out, here and in every other session of this user."""
    if current_user.is_authenticated:
        end_sessions(db.session(), current_user._get_current_object())
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
