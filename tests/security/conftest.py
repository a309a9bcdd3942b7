"""Fixtures of the bad-input and security suite: the three services wired as in production.

- events runs behind a live HTTP server: registrations and notifications verify organizer
  tokens there (`EVENTS_URL`), and registrations fetches missed event snapshots from it;
- registrations runs in-process for the tests and behind a live server too, so that
  notifications can ask it for an event's registrants (`REGISTRATIONS_URL`);
- notifications sends over SMTP to a real aiosmtpd server of this suite.
Every service has its own throwaway database (SQLite, or PostgreSQL with TEST_POSTGRES_URL)
and the suite uses a Redis database index of its own, so nothing it publishes reaches another
suite's worker. Messages between the services are handed over in-process, exactly as the
consuming worker would run them (the consumer functions themselves, no mocks).
"""
from __future__ import annotations

import os
import re
import tempfile
from types import SimpleNamespace

import hypothesis.configuration
import pytest
import redis as redis_lib

from tests import factories
from tests.factories import auth, workshop_body
# the shared helpers stay importable from here too, for tests written before tests/factories.py
from tests.factories import csrf_of, link_token  # noqa: F401
from tests.factories import workshop_body as event_body  # noqa: F401
from tests.servers import Sink, clear_tables, engine_options, live, live_events_service, migrate, own_redis_database

# hypothesis (and schemathesis) keep caches and examples in a directory: not in the work tree
hypothesis.configuration.set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "civic-events-hypothesis"))

SECRET = "security-suite-secret-0123456789abcdef0123456789abcdef"
ORGANIZER_A = "Landeshauptstadt Kiel – Referat Kreative Stadt"
ORGANIZER_B = "Friedrich-Ebert-Stiftung"


@pytest.fixture(scope="session")
def sec_redis_url(redis_url):
    with own_redis_database(redis_url, 9) as url:
        yield url


# ---- a real SMTP server ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def smtp_sink():
    sink = Sink()
    sink.start()
    yield sink
    sink.stop()


# ---- the three services ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def events_live(databases, sec_redis_url, tmp_path_factory):
    url = databases.url("sec_events")
    with live_events_service(url, sec_redis_url, tmp_path_factory.mktemp("beat"), engine_options(url),
                             SECRET_KEY=SECRET, PROPAGATE_EXCEPTIONS=False) as server:
        yield server


@pytest.fixture(scope="session")
def reg_app(databases, sec_redis_url, events_live, tmp_path_factory):
    from services.registrations import create_app
    url = databases.url("sec_registrations")
    app = create_app({
        "TESTING": True, "PROPAGATE_EXCEPTIONS": False, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "REDIS_URL": sec_redis_url, "EVENTS_URL": events_live.url, "SECRET_KEY": SECRET,
        "REGISTRATIONS_URL": "http://registrations.test",
        "RATELIMIT_SIGNUP": "100000 per minute", "RATELIMIT_TOKEN": "100000 per minute",
        "RATELIMIT_SIGNUP_EMAIL": "100000 per minute", "SIGNUP_MIN_FILL_SECONDS": 0,
        "HTTP_TIMEOUT_SECONDS": 5,
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "registrations"),
    })
    migrate(app)
    return app


@pytest.fixture(scope="session")
def reg_live(reg_app):
    with live(reg_app) as server:
        yield server


@pytest.fixture(scope="session")
def notif_app(databases, sec_redis_url, smtp_sink, events_live, reg_live, tmp_path_factory):
    from services.notifications import create_app
    url = databases.url("sec_notifications")
    app = create_app({
        "TESTING": True, "PROPAGATE_EXCEPTIONS": False, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "REDIS_URL": sec_redis_url, "SECRET_KEY": SECRET,
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.port, "SMTP_SECURITY": "none", "SMTP_TIMEOUT_SECONDS": 5,
        "MAIL_FROM": "Civic Events <no-reply@civic-events.example>",
        "EVENTS_URL": events_live.url, "REGISTRATIONS_URL": reg_live.url, "HTTP_TIMEOUT_SECONDS": 5,
        "MAILBOX_DIR": str(tmp_path_factory.mktemp("mailbox")),
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "notifications"),
    })
    migrate(app)
    return app


def _reset_token_caches() -> None:
    from services.notifications.api import verify
    from services.registrations.api import verify_token
    verify_token._cache.clear()
    verify._cache.clear()


class Stack:
    """The three services of one test, with the helpers the security tests share."""

    def __init__(self, events_live, reg_app, notif_app, smtp_sink):
        self.events_live = events_live
        self.events_app = events_live.app
        self.events = events_live.app.test_client()
        self.reg_app = reg_app
        self.reg = reg_app.test_client()
        self.notif_app = notif_app
        self.notif = notif_app.test_client()
        self.sink = smtp_sink

    # -- organizers and events --
    def organizer(self, name: str) -> SimpleNamespace:
        from services.events.cli import create_organizer
        with self.events_app.app_context():
            org, token = create_organizer(name)
            return SimpleNamespace(id=org.id, name=org.name, token=token, headers=auth(token))

    def create_event(self, org, publish=True, deliver=True, **overrides) -> dict:
        response = self.events.post("/api/v1/events", json=workshop_body(**overrides), headers=org.headers)
        assert response.status_code == 201, response.json
        event = response.json
        if publish:
            response = self.events.post(f"/api/v1/events/{event['id']}/publish", headers=org.headers)
            assert response.status_code == 200, response.json
            event = response.json
        if deliver:
            self.deliver_snapshot(event["id"])
        return event

    def deliver_snapshot(self, event_id: int) -> None:
        """Hand the newest snapshot of an event to registrations, as its worker would."""
        factories.deliver(self.reg_app, factories.latest_snapshot(self.events_app, event_id))

    # -- registrations --
    def sign_up(self, event_id, **overrides):
        return factories.sign_up(self.reg, event_id, **overrides)

    def outbox(self, task=None) -> list[tuple[str, dict]]:
        return [(t, p) for t, p in factories.registrations_outbox(self.reg_app) if task is None or t == task]

    def mails_to(self, email, kind=None) -> list[dict]:
        return factories.mails_to(self.reg_app, email, kind)

    def confirm_token(self, email) -> str:
        return factories.confirm_token(self.reg_app, email)

    def cancel_token(self, email) -> str:
        return factories.cancel_token(self.reg_app, email)

    def registration(self, reg_id):
        return factories.registration(self.reg_app, reg_id)

    def registrations(self) -> list:
        from services.registrations.models import Registration, db
        with self.reg_app.app_context():
            rows = db.session.query(Registration).order_by(Registration.created_at).all()
            db.session.expunge_all()
            db.session.remove()
        return rows

    def pools(self, event_id):
        return factories.pools(self.reg_app, event_id)

    # -- notifications --
    def relay_mails(self) -> list[int]:
        """Hand every notifications.* message of the registrations outbox to notifications (each
        once, as its worker would; the inbox deduplicates by message id), which sends the mails."""
        from services.notifications.models import db
        from services.notifications.tasks import consume
        ids: list[int] = []
        for task, payload in self.outbox():
            if not task.startswith("notifications."):
                continue
            with self.notif_app.app_context():
                try:
                    ids.extend(consume(task, payload))
                finally:
                    db.session.remove()
        return ids

    def messages(self) -> list:
        from services.notifications.models import Message, db
        with self.notif_app.app_context():
            rows = db.session.query(Message).order_by(Message.id).all()
            db.session.expunge_all()
            db.session.remove()
        return rows

    def wait_for_mails(self, count: int, timeout: float = 10.0) -> list:
        return self.sink.wait_for(count, timeout)


@pytest.fixture()
def stack(events_live, reg_app, reg_live, notif_app, smtp_sink, sec_redis_url):
    from services.events.models import db as events_db
    from services.notifications.models import db as notif_db
    from services.registrations.models import db as reg_db
    for app, db in ((events_live.app, events_db), (reg_app, reg_db), (notif_app, notif_db)):
        with app.app_context():
            clear_tables(db)
            db.session.remove()
    redis_lib.Redis.from_url(sec_redis_url).flushdb()
    _reset_token_caches()
    smtp_sink.mails.clear()
    reg_app.config.update(RATELIMIT_SIGNUP="100000 per minute", RATELIMIT_TOKEN="100000 per minute")
    yield Stack(events_live, reg_app, notif_app, smtp_sink)
    reg_app.config.update(RATELIMIT_SIGNUP="100000 per minute", RATELIMIT_TOKEN="100000 per minute")
    for app, db in ((events_live.app, events_db), (reg_app, reg_db), (notif_app, notif_db)):
        with app.app_context():
            db.session.remove()


# what must never reach a client: a Python stack trace, source file paths, exception reprs
LEAK_PATTERNS = [
    re.compile(r"Traceback \(most recent call last\)"),
    re.compile(r'File "[^"]+\.py", line \d+'),
    re.compile(r"/(?:work|home|usr|opt|tmp|site-packages)/[\w./-]+\.py"),
    re.compile(r"\b(?:sqlalchemy|psycopg|sqlite3)\.\w*(?:Error|Exception)\b"),
    re.compile(r"\b(?:IntegrityError|OperationalError|ProgrammingError|DataError|KeyError|TypeError|AttributeError)\b"),
    re.compile(r"Werkzeug Debugger"),
]


def leaks(text: str) -> list[str]:
    return [m.group(0) for p in LEAK_PATTERNS for m in [p.search(text)] if m]
