"""Migrations of the registrations service: from empty to head on the test backend (SQLite, or
PostgreSQL with TEST_POSTGRES_URL), equal to the models, and down to base again."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from services.registrations import create_app
from services.registrations.models import db


def test_upgrade_matches_models_and_downgrades(databases, tmp_path, reg_redis_url):
    app = create_app({"TESTING": True, "REDIS_URL": reg_redis_url,
                      "SQLALCHEMY_DATABASE_URI": databases.url(f"reg_mig_{uuid.uuid4().hex[:6]}"),
                      "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat")})
    with app.app_context():
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == set(db.metadata.tables) | {"alembic_version"}
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        # the seat guard lives in the database too: taken can never go below zero
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO events (id, organizer_id, revision, status, starts_at, ends_at, data, "
                              "updated_at) VALUES (1, 1, 1, 'published', '2030-01-01 10:00:00', "
                              "'2030-01-01 12:00:00', '{}', '2030-01-01 10:00:00')"))
            conn.execute(text("INSERT INTO seat_pools (event_id, session_id, capacity, taken) VALUES (1, 0, 5, 0)"))
        with pytest.raises(IntegrityError):
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE seat_pools SET taken = taken - 1"))
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        db.engine.dispose()
