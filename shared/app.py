"""Wiring every service's create_app() shares: config, logging, errors, health, Celery, OpenAPI."""
from __future__ import annotations

import os

from flask import Flask

from shared.apidocs import init_api_docs
from shared.celery import make_celery
from shared.config import base_config, finalize
from shared.errors import Api, register_error_handlers
from shared.health import init_health
from shared.inputs import init_id_converter, init_input_guard
from shared.logging import configure_logging, init_request_id


def build_app(service: str, import_name: str, *, title: str, db, migrations_dir: str,
              service_defaults: dict, config: dict | None, outbox=None) -> tuple[Flask, Api]:
    app = Flask(import_name)
    settings = base_config(service)
    settings.update(service_defaults)
    settings["API_TITLE"] = title
    app.config.from_mapping(settings)
    app.config.from_prefixed_env("CIVIC")  # CIVIC_<NAME>=... overrides any setting
    if config:
        app.config.from_mapping(config)
    finalize(app.config)
    app.json.sort_keys = False
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # behind N reverse proxies: take client address and scheme from X-Forwarded-*, so rate
        # limits count people, not the proxy (never enable without a proxy: clients could forge it)
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    configure_logging(service)
    init_request_id(app)
    register_error_handlers(app)
    init_input_guard(app)
    db.init_app(app)
    init_migrations(app, db, migrations_dir)
    celery = make_celery(app)
    if outbox is not None:
        outbox.register_tasks(celery)
    init_health(app, db, outbox)
    api = Api(app, spec_kwargs={"info": {"description": f"civic-events {service} service"}})
    init_api_docs(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    init_id_converter(app, api)
    return app, api


class _MigrationsOnDemand:
    """Stands in for Flask-Migrate's extension until something asks for it (flask_migrate's
    upgrade() in a test, say): importing Flask-Migrate imports Alembic, ~12 MB in every web and
    worker process that never migrates anything."""

    def __init__(self, app, db, directory: str):
        self._args = (app, db, directory)

    def __getattr__(self, name):
        from flask_migrate import Migrate
        app, db, directory = self._args
        Migrate(app, db, directory=directory, render_as_batch=True)  # replaces this stand-in
        return getattr(app.extensions["migrate"], name)


def init_migrations(app, db, directory: str) -> None:
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true":  # `flask ... db upgrade` needs the commands
        from flask_migrate import Migrate
        Migrate(app, db, directory=directory, render_as_batch=True)
    else:
        app.extensions["migrate"] = _MigrationsOnDemand(app, db, directory)
