"""Fixtures of the notifications suite: a real SMTP server (aiosmtpd), a real Redis of its own,
a real Celery worker, and the events service over HTTP for organizer tokens."""
from __future__ import annotations

import base64
import copy
import json
import uuid
from types import SimpleNamespace

import pytest
import redis

from shared.contract import SCHEMA_VERSION
from shared.embedded import free_port
# auth stays importable from here too, for tests written before tests/factories.py
from tests.factories import auth, wait_until  # noqa: F401
from tests.servers import Sink, emptied, live, migrate, redis_for_tests, start_celery_worker


# ---- a real SMTP server whose behaviour a test can steer ----------------------------------
@pytest.fixture(scope="session")
def smtp_sink():
    sink = Sink()
    sink.start()
    yield sink
    sink.release = True
    sink.stop()


@pytest.fixture()
def sink(smtp_sink):
    smtp_sink.reset()
    if smtp_sink.controller is None:
        smtp_sink.start()
    yield smtp_sink
    smtp_sink.release = True
    if smtp_sink.controller is None:
        smtp_sink.start()


# ---- our own Redis: the queue `notifications` must not be shared with other suites' workers ----
@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    with redis_for_tests(lambda: tmp_path_factory.mktemp("notifications-redis"), shared_local=None) as url:
        yield url


# ---- the events service, for organizer tokens --------------------------------------------
@pytest.fixture(scope="session")
def events_server(databases, redis_url, tmp_path_factory):
    from services.events import create_app as create_events_app
    app = create_events_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": databases.url("notif_events"),
        "REDIS_URL": redis_url,
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "events"),
    })
    migrate(app)
    with live(app) as server:
        yield server


@pytest.fixture(scope="session")
def organizers(events_server):
    from services.events.cli import create_organizer
    with events_server.app.app_context():
        kiel, kiel_token = create_organizer("Landeshauptstadt Kiel – Referat Kreative Stadt")
        fes, fes_token = create_organizer("Friedrich-Ebert-Stiftung")
        return SimpleNamespace(kiel=SimpleNamespace(id=kiel.id, name=kiel.name, token=kiel_token),
                               fes=SimpleNamespace(id=fes.id, name=fes.name, token=fes_token))


# ---- the notifications service -------------------------------------------------------------
TEST_SETTINGS = {
    "MAIL_RETRY_BASE_SECONDS": 0.3,
    "MAIL_RETRY_MAX_SECONDS": 1.0,
    "MAIL_MAX_ATTEMPTS": 4,
    "SWEEP_GRACE_SECONDS": 0.5,
    "SWEEP_REDRIVE_SECONDS": 2,
    "DELIVERY_LEASE_SECONDS": 5,
    "SMTP_TIMEOUT_SECONDS": 5,
    "SHORT_RETRY_SECONDS": 10,
}


@pytest.fixture(scope="session")
def notifications_app(databases, redis_url, smtp_sink, events_server, tmp_path_factory):
    from services.notifications import create_app
    db_url = databases.url("notif_service")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "REDIS_URL": redis_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_sink.port,
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "Civic Events <no-reply@civic-events.example>",
        "EVENTS_URL": events_server.url,
        "REGISTRATIONS_URL": f"http://127.0.0.1:{free_port()}",  # nobody there unless a test says so
        "MAILBOX_DIR": str(tmp_path_factory.mktemp("mailbox")),
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "notifications"),
        **TEST_SETTINGS,
    })
    app.test_database_url = db_url
    migrate(app)
    return app


# package scope: it must be gone before another suite starts a worker in this process (two
# in-process workers share kombu's event loop and one can block reading the other's socket)
@pytest.fixture(scope="package")
def worker(notifications_app):
    celery = notifications_app.extensions["celery"]
    with start_celery_worker(celery, ["notifications"], concurrency=2) as w:
        yield w


@pytest.fixture()
def app(notifications_app):
    from services.notifications.models import db
    notifications_app.config["REGISTRATIONS_URL"] = f"http://127.0.0.1:{free_port()}"
    with emptied(notifications_app, db):
        yield notifications_app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def celery(app):
    return app.extensions["celery"]


# ---- payloads as the registrations service sends them --------------------------------------
def kiel_event(organizer_id: int = 1, **overrides) -> dict:
    """Shaped like services/events/domain.represent_json (the Kiel seed, in 2030)."""
    day = "2030-09-13"
    event = {
        "id": 101, "title": "Tiny Rathaus in Dietrichsdorf – zweite Testwoche",
        "summary": "Das mobile Rathaus öffnet eine Woche lang vor der Stadtteilbücherei Dietrichsdorf.",
        "description": "Vormittags Ideenschmiede, nachmittags Open Hour.",
        "language": "de", "timezone": "Europe/Berlin",
        "starts_at": f"{day}T10:00:00+02:00", "ends_at": "2030-09-17T16:00:00+02:00",
        "format": "in_person",
        "venue": {"name": "vor der Stadtteilbücherei Neumühlen-Dietrichsdorf", "street": "Langer Rehm 29",
                  "postal_code": "24149", "city": "Kiel"},
        "online_url": None,
        "price": {"amount_cents": 0, "currency": "EUR", "note": None},
        "audience": None, "tags": [],
        "organizer": {"id": organizer_id, "name": "Landeshauptstadt Kiel – Referat Kreative Stadt"},
        "contacts": [
            {"name": "Anne Czichowski", "role": "LH Kiel, Referat Kreative Stadt",
             "email": "anne.czichowski@kiel.de", "phone": "0431/901-3086"},
            {"name": "Referat Kreative Stadt (Anmeldungen)", "role": None, "email": "kreativ@kiel.de", "phone": None},
        ],
        "series": None,
        "sessions": [
            {"id": 11, "title": "Ideenschmiede Tiny Rathaus", "starts_at": f"{day}T10:00:00+02:00",
             "ends_at": f"{day}T12:30:00+02:00", "capacity": 8, "registration": "required"},
            {"id": 12, "title": "Tiny Rathaus Open Hour", "starts_at": f"{day}T13:00:00+02:00",
             "ends_at": f"{day}T16:00:00+02:00", "capacity": None, "registration": "none"},
        ],
        "agenda": [],
        "registration": {"mode": "required", "opens_at": None, "closes_at": "2030-09-10T09:00:00+02:00",
                         "capacity": 20, "waitlist": True, "approval": False, "max_companions": 2,
                         "questions": [{"key": "dept", "label": "Abteilung", "type": "text", "required": False,
                                        "options": []}]},
        "reminder_hours_before": 24, "contact_notifications": "each",
        "status": "published", "revision": 3,
    }
    event.update(overrides)
    return event


def fes_event(organizer_id: int = 2, **overrides) -> dict:
    """The FES online seminar: 40,00 € Teilnahmepauschale, three parts, no venue."""
    event = {
        "id": 202, "title": "Social Smart City – Einblicke in eine sozial-digitale Kommunalpolitik",
        "summary": "Online-Seminar in drei Teilen über kommunale Digitalisierung.",
        "description": "Wie sieht die Stadt von morgen aus?",
        "language": "de", "timezone": "Europe/Berlin",
        "starts_at": "2030-10-25T18:00:00+02:00", "ends_at": "2030-10-26T16:30:00+02:00",
        "format": "online", "venue": None, "online_url": None,
        "price": {"amount_cents": 4000, "currency": "EUR", "note": "Teilnahmepauschale"},
        "organizer": {"id": organizer_id, "name": "Friedrich-Ebert-Stiftung"},
        "contacts": [], "series": None,
        "sessions": [
            {"id": 21, "title": "Teil 1: Grundlagen und Diskussionsrunde", "starts_at": "2030-10-25T18:00:00+02:00",
             "ends_at": "2030-10-25T20:30:00+02:00", "capacity": None, "registration": "required"},
            {"id": 22, "title": "Teil 2: Digitalisierungsstrategien", "starts_at": "2030-10-26T09:30:00+02:00",
             "ends_at": "2030-10-26T12:30:00+02:00", "capacity": None, "registration": "required"},
        ],
        "agenda": [],
        "registration": {"mode": "required", "opens_at": None, "closes_at": None, "capacity": 30,
                         "waitlist": True, "approval": False, "max_companions": 0, "questions": []},
        "reminder_hours_before": 24, "contact_notifications": "each",
        "status": "published", "revision": 1,
    }
    event.update(overrides)
    return event


def envelope() -> dict:
    return {"message_id": uuid.uuid4().hex, "schema_version": SCHEMA_VERSION, "origin": "registrations"}


def registration_mail(kind="confirmed", event=None, name="Jana Petersen", email="jana.petersen@example.org",
                      locale=None, registration_id=None, session_ids=(11,), status=None, companions=0) -> dict:
    rid = registration_id or uuid.uuid4().hex[:12]
    return {
        **envelope(), "kind": kind,
        "registrant": {"name": name, "email": email, "locale": locale},
        "registration": {"id": rid, "status": status or {"confirm_email": "pending_confirmation",
                                                         "promoted": "confirmed"}.get(kind, kind),
                         "companions": companions, "session_ids": list(session_ids),
                         "answers": {"dept": "Bürgeramt"}},
        "event": copy.deepcopy(event or kiel_event()),
        "links": {"confirm": f"https://anmeldung.example.org/confirm/tok-{rid}",
                  "cancel": f"https://anmeldung.example.org/cancel/tok-{rid}",
                  "event_page": "https://anmeldung.example.org/events/101"},
    }


def contact_mail(kind="new_registration", event=None, name="Jana Petersen", email="jana.petersen@example.org",
                 availability=None) -> dict:
    body = {**envelope(), "kind": kind, "event": copy.deepcopy(event or kiel_event()),
            "availability": availability or {"capacity": 20, "taken": 17, "available": 3, "waitlist": 0}}
    if kind in ("new_registration", "cancellation"):
        body["registrant"] = {"name": name, "email": email, "locale": None}
        body["registration"] = {"id": "r-contact-1", "status": "confirmed", "companions": 1, "session_ids": [11],
                                "answers": {"dept": "Bürgeramt"}}
    return body


def body_text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def body_html(msg) -> str:
    return msg.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")


def ics_of(msg):
    for part in msg.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    return None


def settled_rows(app, count: int = 1, timeout: float = 15.0) -> list:
    """The message rows once there are `count` and none is still queued (detached)."""
    from sqlalchemy import select
    from services.notifications.models import Message, db

    def check():
        with app.app_context():
            db.session.rollback()
            rows = db.session.execute(select(Message).order_by(Message.id)).scalars().all()
            if len(rows) >= count and all(r.status != "queued" for r in rows):
                db.session.expunge_all()
                return rows
            return None
    return wait_until(check, timeout)


def queued_row(app, payload=None) -> int:
    """A message row as the consumer writes it, without handing it to a worker."""
    from services.notifications import compose
    from services.notifications.models import db
    from shared.contract import REGISTRATION_MAIL, validate_payload
    payload = payload or registration_mail("confirmed")
    with app.app_context():
        [row] = compose.registration_mail(validate_payload(REGISTRATION_MAIL, payload))
        db.session.commit()
        return row.id


# ---- what notifications acknowledged to registrations -------------------------------------
def acknowledged(redis_url: str) -> list[str]:
    """Message ids acknowledged to registrations so far (its queue in this suite's Redis)."""
    client = redis.Redis.from_url(redis_url)
    try:
        ids = []
        for item in client.lrange("registrations", 0, -1):
            envelope = json.loads(item)
            _, kwargs, _ = json.loads(base64.b64decode(envelope["body"]))
            ids += [kwargs["message_id"]] if kwargs.get("message_id") else kwargs.get("message_ids") or []
        return ids
    finally:
        client.close()


@pytest.fixture()
def acks(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.delete("registrations")
    client.close()
    return lambda: acknowledged(redis_url)
