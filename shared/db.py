"""Column types and session helpers every service's models use."""
from __future__ import annotations

import functools
import time
from datetime import datetime, timezone

from sqlalchemy import DateTime, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator

# a pooled connection unused for this long is checked with a ping before it is handed out
PING_AFTER_IDLE_SECONDS = 5.0


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@functools.lru_cache(maxsize=32)
def insert_unless_present(table, key: str, dialect_name: str):
    """INSERT … ON CONFLICT (key) DO NOTHING RETURNING key, built once per table: the rows it
    returns are those it wrote. A row being written by another transaction at that moment
    makes it wait for that one, then skip. PostgreSQL and SQLite (the two we run on).
    `key` is the column's name (a Column compares by building SQL, no use as a cache key)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    column = table.c[key]
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[column]).returning(column)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in Python on every backend.

    SQLite has no time zones and hands back naive values; storing naive UTC there and
    re-attaching UTC on the way out keeps comparisons with aware datetimes working.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # WAL lets readers go on while a sign-up writes; foreign keys are off by default in SQLite
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite's own lower() knows only ASCII: a search for "über" would miss "Übersicht"
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Pool, "checkin")
def _note_checkin(dbapi_connection, connection_record):
    connection_record.info["checked_in_at"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_after_idle(dbapi_connection, connection_record, connection_proxy):
    """A connection that sat in the pool for a while may have been closed by the server (a
    restart, an idle timeout, a proxy): it is pinged first and replaced if dead. SQLAlchemy's
    pool_pre_ping pings before every checkout, i.e. every transaction: a round trip and a
    statement on the server for each sign-up, each mail's two transactions and each
    acknowledgement, for connections in use a millisecond before. A connection that died
    while busy is still found out: its statement fails and the pool discards it."""
    idle_since = connection_record.info.get("checked_in_at")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        return  # a file, not a server
    autocommit = getattr(dbapi_connection, "autocommit", None)
    try:
        if autocommit is False:
            dbapi_connection.autocommit = True  # the ping opens no transaction
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        if autocommit is False:
            dbapi_connection.autocommit = False
    except Exception as error:
        # the pool drops this connection and hands out a new one
        raise exc.DisconnectionError(f"pooled connection found dead after idling: {error}") from error
