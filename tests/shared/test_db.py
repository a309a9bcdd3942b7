"""Column types and backend quirks every service relies on."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, literal, select, text

from services.events.models import db
from shared.db import UTCDateTime, utcnow
from tests.factories import create_event


def test_utcnow_is_aware():
    assert utcnow().tzinfo is timezone.utc


def test_utc_datetime_binds_and_reads_utc(app):
    column = UTCDateTime()
    with app.app_context():
        dialect = db.engine.dialect
        berlin = datetime(2030, 9, 13, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
        bound = column.process_bind_param(berlin, dialect)
        # naive UTC for SQLite (it has no zones), aware UTC elsewhere
        assert bound.replace(tzinfo=None) == datetime(2030, 9, 13, 8, 0)
        assert (bound.tzinfo is None) == (dialect.name == "sqlite")
        assert column.process_result_value(datetime(2030, 9, 13, 8, 0), dialect) == berlin
        assert column.process_result_value(None, dialect) is None
        with pytest.raises(ValueError):
            column.process_bind_param(datetime(2030, 9, 13, 10, 0), dialect)
        stored = db.session.execute(select(literal(berlin, UTCDateTime()))).scalar_one()
        assert stored == berlin and stored.utcoffset() == timedelta(0)
        db.session.remove()


def test_lower_knows_umlauts_on_every_backend(app):
    with app.app_context():
        assert db.session.execute(select(func.lower("ÜBERSICHT Ökologie ÄRZTE"))).scalar_one() == \
            "übersicht ökologie ärzte"
        assert db.session.execute(select(func.lower(None))).scalar_one() is None
        db.session.remove()


def test_search_finds_capitalised_umlauts(client, organizer_token):
    create_event(client, organizer_token, publish=True, title="Übersicht: Ökologie im Quartier")
    response = client.get("/api/v1/events", query_string={"q": "übersicht"})
    assert [e["title"] for e in response.json] == ["Übersicht: Ökologie im Quartier"]
    response = client.get("/api/v1/events", query_string={"q": "ÖKOLOGIE"})
    assert len(response.json) == 1


def test_sqlite_connections_enforce_foreign_keys_and_wal(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            db.session.remove()
            pytest.skip("PRAGMAs of SQLite")
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert db.session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        db.session.remove()


def test_a_pooled_connection_the_server_closed_while_idle_is_replaced(monkeypatch):
    """No pool_pre_ping (a round trip per transaction): a connection is pinged only after idling
    in the pool, and one the server closed meanwhile is swapped for a new one unnoticed."""
    import os
    import time

    from sqlalchemy import create_engine

    import shared.db
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("needs TEST_POSTGRES_URL: SQLite has no server to close a connection")
    monkeypatch.setattr(shared.db, "PING_AFTER_IDLE_SECONDS", 0.05)
    engine = create_engine(url, pool_size=1, max_overflow=0)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
        time.sleep(0.2)
        with engine.begin() as conn:
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()
        admin.dispose()
