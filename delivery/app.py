"""The application factory: config -> extensions -> blueprints -> admin -> errors -> cli."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

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
    _register_blueprints(app)
    ops.init_app(app)

    from delivery.admin import init_admin
    from delivery.cli import register_cli
    from delivery.errors import register_error_handlers
    from delivery.tasks import configure_huey

    init_admin(app)
    register_error_handlers(app)
    register_cli(app)
    configure_huey(settings)
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
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _register_blueprints(app: Flask) -> None:
    from delivery import guards
    from delivery.api import register_api
    from delivery.ui import bp as ui_bp

    guards.install(app)  # first: the bounded <int:> converter must exist before any route
    register_api(app, api)
    app.register_blueprint(ui_bp)
    from delivery.readiness import bp as readiness_bp

    app.register_blueprint(readiness_bp)  # GET /readyz


def _report_pdf_backend(app: Flask) -> None:
    from delivery.printing import INSTALL_HINT, find_wkhtmltopdf

    binary = find_wkhtmltopdf(app.config["WKHTMLTOPDF"])
    app.config["PDF_BACKEND"] = binary
    if not binary:
        log.warning(INSTALL_HINT)
