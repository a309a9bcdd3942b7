"""The organizer workspace: the organizers' web back office.

It owns no data: every read and write goes through the organizer APIs of events,
registrations and notifications, as the signed-in member (see auth.py and clients/)."""
from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from shared.health import init_health
from shared.inputs import init_input_guard
from shared.logging import configure_logging, init_request_id

from . import config as workspace_config

csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(workspace_config.settings())
    app.config.from_prefixed_env("CIVIC")  # CIVIC_<NAME>=... overrides any setting
    if config:
        app.config.from_mapping(config)
    workspace_config.finalize(app.config)
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # behind N reverse proxies: client address and scheme from X-Forwarded-* (rate limits,
        # Secure cookies); never without a proxy, clients could forge it
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    configure_logging("workspace")
    init_request_id(app)
    init_input_guard(app)
    init_health(app, None)
    csrf.init_app(app)
    from .ratelimit import limiter
    limiter.init_app(app)

    from .errors import register_error_pages
    register_error_pages(app)
    from .templating import init_templating
    init_templating(app)

    from .views.oidc import init_oidc
    init_oidc(app)
    from .views import BLUEPRINTS
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
