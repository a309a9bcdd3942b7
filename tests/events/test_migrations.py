"""Alembic migrations of the events service: upgrade from empty on the test backend (SQLite,
or PostgreSQL when TEST_POSTGRES_URL is set), schema equal to the models, downgrade to base."""
import logging
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from services.events import create_app
from services.events.models import db


def fresh_app(databases, tmp_path, redis_url):
    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": databases.url(f"events_mig_{uuid.uuid4().hex[:6]}"),
        "REDIS_URL": redis_url,
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat"),
    })


def schema_diff(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_the_models_and_downgrades(databases, tmp_path, events_redis_url):
    app = fresh_app(databases, tmp_path, events_redis_url)
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert tables == set(db.metadata.tables) | {"alembic_version"}
        assert db.engine.dialect.name == databases.backend
    assert schema_diff(app) == []
    with app.app_context():
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()  # and up again
        assert "events" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_migrated_database_enforces_the_model_constraints(databases, tmp_path, events_redis_url):
    """The check constraints live in the migration too, not only in the models."""
    import pytest
    from datetime import datetime, timezone
    from sqlalchemy.exc import IntegrityError
    from services.events.models import Event, Organizer

    app = fresh_app(databases, tmp_path, events_redis_url)
    with app.app_context():
        upgrade()
        organizer = Organizer(name="ILS")
        db.session.add(organizer)
        db.session.commit()
        start = datetime(2030, 2, 22, 10, tzinfo=timezone.utc)
        db.session.add(Event(organizer_id=organizer.id, title="Rückwärts", starts_at=start,
                             ends_at=start.replace(hour=9)))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_upgrade_in_process_leaves_application_logging_alone(databases, tmp_path, events_redis_url):
    """env.py must not reset the root logger (the JSON request-id handler) nor disable loggers."""
    outbox_log = logging.getLogger("shared.outbox")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    app = fresh_app(databases, tmp_path, events_redis_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    assert root.handlers == handlers
    assert root.level == level
    assert not outbox_log.disabled
