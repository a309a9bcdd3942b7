"""The registrations service: citizens sign up (API and public pages); seats never overbook."""
from __future__ import annotations

import os

from shared.app import build_app

from .config import service_defaults
from .models import db, outbox

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(config: dict | None = None):
    app, api = build_app("registrations", __name__, title="civic-events: registrations", db=db,
                         migrations_dir=MIGRATIONS, service_defaults=service_defaults(), config=config,
                         outbox=outbox)
    # the session cookie only carries the CSRF token of the sign-up and cancel forms
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    if app.config["CIVIC_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]

    from .ratelimit import limiter
    limiter.init_app(app)

    from .api import BLUEPRINTS, domain_error
    from .api_counts import BLUEPRINTS as COUNT_BLUEPRINTS
    from .domain.errors import RegistrationError
    from .organizer_api import BLUEPRINTS as ORGANIZER_BLUEPRINTS
    for blueprint in (*BLUEPRINTS, *ORGANIZER_BLUEPRINTS, *COUNT_BLUEPRINTS):
        api.register_blueprint(blueprint)
    app.register_error_handler(RegistrationError, domain_error)
    from .pages import bp as pages_bp
    app.register_blueprint(pages_bp)
    from .calendar import bp as calendar_bp
    app.register_blueprint(calendar_bp)
    from .text import linkify
    app.jinja_env.filters["linkify"] = linkify
    from .error_summary import error_summary
    app.jinja_env.globals["error_summary"] = error_summary
    from .site import bp as site_bp
    app.register_blueprint(site_bp)
    from .embed import bp as embed_bp
    app.register_blueprint(embed_bp)

    from .tasks import register_tasks
    register_tasks(app.extensions["celery"], app)
    from .cli import register_commands
    register_commands(app)
    return app
