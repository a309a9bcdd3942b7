"""The notifications service: every mail of the system, each delivered once."""
from __future__ import annotations

import os

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(config: dict | None = None):
    # imported here, not above: `python -m services.notifications.sink` (the embedded run's SMTP
    # server) imports this package first and would carry Flask, SQLAlchemy and Celery for nothing
    from shared.app import build_app

    from . import config as settings
    from .models import db, outbox
    app, api = build_app("notifications", __name__, title="civic-events: notifications", db=db,
                         migrations_dir=MIGRATIONS, service_defaults=settings.defaults(), config=config,
                         outbox=outbox)
    settings.check(app.config)
    celery = app.extensions["celery"]
    from .tasks import beat_schedule, register_tasks
    register_tasks(celery)
    # beside the outbox relay (registrations hears of mails that failed for good)
    celery.conf.beat_schedule.update(beat_schedule(app.config))
    celery.conf.update(app.config.get("CELERY", {}))
    from .api import BLUEPRINTS
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    if app.config["CIVIC_ENV"] == "development":
        from .mailbox import mailbox_bp
        app.register_blueprint(mailbox_bp)
    return app
