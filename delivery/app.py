"""The application factory: config -> extensions -> blueprints -> admin -> errors -> cli."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from delivery.config import INSTANCE, ROOT, flask_config, load_settings
from delivery.extensions import api, csrf, db, htmx, limiter, login_manager, migrate
from delivery.services.tx import install_sqlite_hooks
from delivery.sessions import SessionInterface

log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the settings; `test_config` overrides them (tests use it)."""
    settings = load_settings(test_config)
    app = Flask(
        "delivery",
        root_path=str(ROOT / "delivery"),
        instance_path=str(INSTANCE),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(flask_config(settings))
    app.session_interface = SessionInterface()
    app.json.sort_keys = False
    # Contracts carry Russian texts (receipts): send them as UTF-8, not \u escapes.
    app.json.ensure_ascii = False
    INSTANCE.mkdir(parents=True, exist_ok=True)
    (Path(app.config["MEDIA_ROOT"]) / "pdf").mkdir(parents=True, exist_ok=True)
    from delivery import logs, ops

    logs.init_app(app)
    _init_extensions(app)
    _secure_responses(app)
    _register_blueprints(app)
    ops.init_app(app)

    from delivery.admin import init_admin
    from delivery.cli import register_cli
    from delivery.errors import register_error_handlers
    init_admin(app)
    register_error_handlers(app)
    register_cli(app)
    _init_queue(app, settings)
    _report_pdf_backend(app)
    return app


def _init_extensions(app: Flask) -> None:
    install_sqlite_hooks()
    import delivery.models  # noqa: F401  (registers every table with the metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    api.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    from delivery.i18n import init_i18n

    init_i18n(app)

    from delivery.models import User

    login_manager.login_view = "ui.login"

    @login_manager.user_loader
    def load_user(user_id: str):
        # "<id>:<session token>" (User.get_id): a session or remember cookie made before the user's
        # last sign-out carries an old token and loads nobody.
        raw_id, _, token = user_id.partition(":")
        if not raw_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(raw_id))
        return user if user is not None and user.has_session_token(token) else None


# What the pages may load: only this origin's scripts (and the nonce'd inline ones of Flask-Admin),
# styles and fonts, images also as data: URLs (Swagger UI's icons); nobody may frame them.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _secure_responses(app: Flask) -> None:
    """Security headers on every response (Flask-Talisman), the proxy's headers trusted as told,
    and printers' api keys masked in the development server's request log."""
    from delivery.access_log import mask_werkzeug_log

    # Registered before Talisman, so it runs after it: a PDF is shown by the browser's own viewer,
    # which a page's policy would block (object-src, inline styles); it keeps anti-framing only.
    @app.after_request
    def _pdf_policy(response):
        if response.mimetype == "application/pdf":
            response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        return response

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    Talisman(
        app,
        # TLS is the proxy's job: no redirect here, but HSTS on HTTPS requests and Secure cookies.
        force_https=False,
        session_cookie_secure=app.config["HTTPS"],
        session_cookie_samesite="Lax",
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="same-origin",
    )
    mask_werkzeug_log()


def _register_blueprints(app: Flask) -> None:
    from delivery import guards
    from delivery.api import register_api
    from delivery.ui.views import bp as ui_bp

    guards.install(app)  # first: the bounded <int:> converter must exist before any route
    register_api(app, api)
    app.register_blueprint(ui_bp)
    from delivery.readiness import bp as readiness_bp

    app.register_blueprint(readiness_bp)  # GET /readyz


def _init_queue(app: Flask, settings: dict[str, Any]) -> None:
    """Configure the queue for this app and hand its tasks to the services (services/jobs.py)."""
    from delivery import queue, tasks
    from delivery.services import jobs

    queue.init_app(app, settings)
    jobs.wire(tasks)


def _report_pdf_backend(app: Flask) -> None:
    from delivery.printing import INSTALL_HINT, find_wkhtmltopdf

    binary = find_wkhtmltopdf(app.config["WKHTMLTOPDF"])
    app.config["PDF_BACKEND"] = binary
    if not binary:
        log.warning(INSTALL_HINT)
