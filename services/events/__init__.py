"""The events service: organizers publish events; the public reads them."""
from __future__ import annotations

import os

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(config: dict | None = None):
    # imported here, not above: `make run` (deploy/local/run.py) reads a constant of this
    # package and would otherwise carry Flask, SQLAlchemy and Celery in its process for nothing
    from shared.app import build_app

    from .config import service_defaults
    from .models import db, outbox
    app, api = build_app("events", __name__, title="civic-events: events", db=db, migrations_dir=MIGRATIONS,
                         service_defaults=service_defaults(), config=config, outbox=outbox)
    from .api import BLUEPRINTS
    from .api_calendar import BLUEPRINTS as CALENDAR_BLUEPRINTS
    from .api_copies import BLUEPRINTS as COPY_BLUEPRINTS
    from .api_import import BLUEPRINTS as IMPORT_BLUEPRINTS
    from .api_organizers import BLUEPRINTS as ORGANIZER_BLUEPRINTS
    from .api_series import BLUEPRINTS as SERIES_BLUEPRINTS
    from .api_settings import BLUEPRINTS as EMBEDDING_BLUEPRINTS
    from .history_api import BLUEPRINTS as HISTORY_BLUEPRINTS
    from .members_api import BLUEPRINTS as MEMBER_BLUEPRINTS
    from .sign_in_api import BLUEPRINTS as SIGN_IN_BLUEPRINTS
    for blueprint in (*BLUEPRINTS, *SERIES_BLUEPRINTS, *CALENDAR_BLUEPRINTS, *ORGANIZER_BLUEPRINTS, *COPY_BLUEPRINTS,
                      *MEMBER_BLUEPRINTS, *SIGN_IN_BLUEPRINTS, *HISTORY_BLUEPRINTS, *EMBEDDING_BLUEPRINTS,
                      *IMPORT_BLUEPRINTS):
        api.register_blueprint(blueprint)
    from shared.errors import error_response

    from .members import MemberError
    app.register_error_handler(MemberError, lambda exc: error_response(exc.status, exc.message, exc.errors,
                                                                        exc.code))
    from .cli import register_commands
    register_commands(app)
    from .cli_import import register_import_command
    register_import_command(app)
    return app
