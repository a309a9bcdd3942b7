"""Fixtures of the registrations suite: a registrations app on a throwaway database, and a
real events service behind a live HTTP server (organizer tokens are checked there, events
are created there, and a replica miss is fetched from there)."""
from __future__ import annotations

import copy
import re

import pytest
import redis as redis_lib
import requests

from services.events import create_app as create_events_app
from services.events.cli import create_organizer
from services.events.models import OutboxMessage as EventsOutbox
from services.events.models import db as events_db
from services.registrations import create_app
from services.registrations.api import verify_token
from services.registrations.models import db
from services.registrations.replica import forget_misses
from services.registrations.tasks import consume_snapshot
from shared import contract
from tests.conftest import clear_tables, migrate, serve_app

SECRET = "registrations-test-secret-0123456789abcdef0123456789"


def own_redis_db(url: str, index: int = 12) -> str:
    """The same real Redis, a database index of its own: our mails never reach another suite's worker."""
    base, _, current = url.rpartition("/")
    return f"{base}/{index if current != str(index) else index - 1}"


@pytest.fixture(scope="session")
def reg_redis_url(redis_url):
    url = own_redis_db(redis_url)
    redis_lib.Redis.from_url(url).flushdb()
    yield url
    redis_lib.Redis.from_url(url).flushdb()


def engine_options(url: str) -> dict:
    # the load test sends hundreds of requests at once; let them queue for a connection
    options = {"pool_pre_ping": True, "pool_size": 20, "max_overflow": 40, "pool_timeout": 120}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 60}
    return options


@pytest.fixture(scope="session")
def events_live(databases, reg_redis_url, tmp_path_factory):
    url = databases.url("reg_events")
    app = create_events_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": reg_redis_url,
        "REGISTRATIONS_URL": "http://registrations.test", "SECRET_KEY": SECRET,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "events"),
    })
    migrate(app)
    with serve_app(app) as server:
        server.app = app
        yield server


@pytest.fixture(scope="session")
def reg_app(databases, reg_redis_url, events_live, tmp_path_factory):
    url = databases.url("reg_registrations")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "REDIS_URL": reg_redis_url,
        "EVENTS_URL": events_live.url,
        "REGISTRATIONS_URL": "http://registrations.test",
        "SECRET_KEY": SECRET,
        "RATELIMIT_SIGNUP": "10000 per minute",
        "RATELIMIT_SIGNUP_EMAIL": "10000 per minute",
        "RATELIMIT_TOKEN": "10000 per minute",
        "SIGNUP_MIN_FILL_SECONDS": 0,
        "HTTP_TIMEOUT_SECONDS": 5,
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "registrations"),
    })
    migrate(app)
    return app


@pytest.fixture()
def app(reg_app, events_live, reg_redis_url):
    with reg_app.app_context():
        clear_tables(db)
    with events_live.app.app_context():
        clear_tables(events_db)
    redis_lib.Redis.from_url(reg_redis_url).flushdb()
    verify_token._cache.clear()
    forget_misses()
    reg_app.config.update(RATELIMIT_SIGNUP="10000 per minute", RATELIMIT_SIGNUP_EMAIL="10000 per minute",
                          RATELIMIT_TOKEN="10000 per minute", SIGNUP_MIN_FILL_SECONDS=0)
    yield reg_app
    with reg_app.app_context():
        db.session.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def token(events_live, app):
    with events_live.app.app_context():
        return create_organizer("Landeshauptstadt Kiel – Referat Kreative Stadt")[1]


@pytest.fixture()
def other_token(events_live, app):
    with events_live.app.app_context():
        return create_organizer("Friedrich-Ebert-Stiftung")[1]


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def event_body(**overrides):
    body = {
        "title": "Ideenschmiede Tiny Rathaus",
        "summary": "Brainstorming im mobilen Rathaus",
        "language": "de",
        "timezone": "Europe/Berlin",
        "starts_at": "2030-09-13T10:00:00",
        "ends_at": "2030-09-13T16:00:00",
        "format": "in_person",
        "venue": {"name": "Stadtteilbücherei Dietrichsdorf", "street": "Langer Rehm 29",
                  "postal_code": "24149", "city": "Kiel"},
        "price": {"amount_cents": 0, "currency": "EUR"},
        "contacts": [{"name": "Anne Czichowski", "email": "anne.czichowski@kiel.de", "phone": "0431/901-3086"}],
        "registration": {"mode": "required", "closes_at": "2030-09-10T09:00:00", "capacity": 5,
                         "waitlist": True, "max_companions": 2},
    }
    for key, value in overrides.items():
        if key == "registration":
            body["registration"] = {**body["registration"], **value}
        else:
            body[key] = value
    return body


def kiel_sessions():
    sessions = []
    for day in ("2030-09-13", "2030-09-14"):
        sessions.append({"title": "Ideenschmiede", "starts_at": f"{day}T10:00:00", "ends_at": f"{day}T12:30:00",
                         "capacity": 2, "registration": "required"})
        sessions.append({"title": "Open Hour", "starts_at": f"{day}T13:00:00", "ends_at": f"{day}T16:00:00",
                         "capacity": None, "registration": "none"})
    return sessions


def latest_snapshot(events_live, event_id: int) -> dict:
    with events_live.app.app_context():
        rows = events_db.session.query(EventsOutbox).filter(EventsOutbox.task_name == contract.EVENT_SNAPSHOT).all()
        payloads = [copy.deepcopy(r.payload) for r in rows if r.payload.get("event_id") == event_id]
        events_db.session.remove()
    return max(payloads, key=lambda p: p["revision"])


def deliver(app, payload: dict) -> bool:
    """Hand an events snapshot message to registrations as its worker would."""
    with app.app_context():
        try:
            return consume_snapshot(payload)
        finally:
            db.session.remove()


def make_event(events_live, app, token, *, publish=True, deliver_snapshot=True, **overrides) -> dict:
    response = requests.post(f"{events_live.url}/api/v1/events", json=event_body(**overrides), headers=auth(token),
                             timeout=10)
    assert response.status_code == 201, response.text
    event = response.json()
    if publish:
        response = requests.post(f"{events_live.url}/api/v1/events/{event['id']}/publish", headers=auth(token),
                                 timeout=10)
        assert response.status_code == 200, response.text
        event = response.json()
    if deliver_snapshot:
        deliver(app, latest_snapshot(events_live, event["id"]))
    return event


def change_event(events_live, app, token, event_id, action="patch", body=None, deliver_snapshot=True) -> dict:
    if action == "patch":
        response = requests.patch(f"{events_live.url}/api/v1/events/{event_id}", json=body, headers=auth(token),
                                  timeout=10)
    else:
        response = requests.post(f"{events_live.url}/api/v1/events/{event_id}/{action}", json=body or {},
                                 headers=auth(token), timeout=10)
    assert response.status_code == 200, response.text
    if deliver_snapshot:
        deliver(app, latest_snapshot(events_live, event_id))
    return response.json()


def signup_body(**overrides):
    body = {"name": "Erika Mustermann", "email": "erika@example.org", "consent": True}
    body.update(overrides)
    return body


def outbox(app, task=None, kind=None) -> list[dict]:
    from services.registrations.models import OutboxMessage
    with app.app_context():
        rows = db.session.query(OutboxMessage).order_by(OutboxMessage.created_at).all()
        payloads = [(r.task_name, copy.deepcopy(r.payload)) for r in rows]
        db.session.remove()
    return [p for t, p in payloads if (task is None or t == task) and (kind is None or p.get("kind") == kind)]


def link_token(url: str) -> str:
    return re.search(r"/(?:confirm|cancel)/([^/?#]+)", url).group(1)


def mails_to(app, email, kind=None) -> list[dict]:
    return [p for p in outbox(app, contract.REGISTRATION_MAIL, kind) if p["registrant"]["email"] == email]


def sign_up(client, event_id, **overrides):
    return client.post(f"/api/v1/events/{event_id}/registrations", json=signup_body(**overrides))


def confirm_token(app, email) -> str:
    mail = mails_to(app, email, "confirm_email")[-1]
    return link_token(mail["links"]["confirm"])


def cancel_token(app, email) -> str:
    mail = mails_to(app, email)[-1]
    return link_token(mail["links"]["cancel"])


def sign_up_and_confirm(client, app, event_id, email, **overrides) -> dict:
    response = sign_up(client, event_id, email=email, **overrides)
    assert response.status_code == 202, response.json
    confirmed = client.post("/api/v1/registrations/confirm", json={"token": confirm_token(app, email)})
    assert confirmed.status_code == 200, confirmed.json
    return confirmed.json


def registration(app, reg_id):
    from services.registrations.models import Registration
    with app.app_context():
        reg = db.session.get(Registration, reg_id)
        if reg is not None:
            db.session.expunge(reg)
        db.session.remove()
    return reg


def pools(app, event_id):
    from services.registrations.models import SeatPool
    with app.app_context():
        rows = [(p.session_id, p.capacity, p.taken) for p in
                db.session.query(SeatPool).filter_by(event_id=event_id).order_by(SeatPool.session_id)]
        db.session.remove()
    return rows
