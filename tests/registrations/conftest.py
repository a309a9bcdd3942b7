"""Fixtures of the registrations suite: a registrations app on a throwaway database, and a
real events service behind a live HTTP server (organizer tokens are checked there, events
are created there, and a replica miss is fetched from there)."""
from __future__ import annotations

import pytest
import redis as redis_lib
import requests

from services.events.cli import create_organizer
from services.events.models import db as events_db
from services.registrations import create_app
from services.registrations.api import verify_token
from services.registrations.models import db
from services.registrations.replica import forget_misses
# the shared helpers stay importable from here too, for tests written before tests/factories.py
from tests.factories import (auth, cancel_token, confirm_token, deliver, latest_snapshot, link_token,  # noqa: F401
                             mails_to, pools, registration, registrations_outbox, sign_up, signup_body, workshop_body)
from tests.servers import clear_tables, live_events_service, migrate, own_redis_database
from tests.servers import engine_options as suite_engine_options

SECRET = "registrations-test-secret-0123456789abcdef0123456789"


@pytest.fixture(scope="session")
def reg_redis_url(redis_url):
    # a database of our own: our mails never reach another suite's worker
    with own_redis_database(redis_url, 12) as url:
        yield url


def engine_options(url: str) -> dict:
    # the load test sends hundreds of requests at once; let them queue for a connection
    return suite_engine_options(url, pool_size=20, max_overflow=40, pool_timeout=120)


@pytest.fixture(scope="session")
def events_live(databases, reg_redis_url, tmp_path_factory):
    url = databases.url("reg_events")
    with live_events_service(url, reg_redis_url, tmp_path_factory.mktemp("beat"), engine_options(url),
                             SECRET_KEY=SECRET) as server:
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


def kiel_sessions():
    sessions = []
    for day in ("2030-09-13", "2030-09-14"):
        sessions.append({"title": "Ideenschmiede", "starts_at": f"{day}T10:00:00", "ends_at": f"{day}T12:30:00",
                         "capacity": 2, "registration": "required"})
        sessions.append({"title": "Open Hour", "starts_at": f"{day}T13:00:00", "ends_at": f"{day}T16:00:00",
                         "capacity": None, "registration": "none"})
    return sessions


def make_event(events_live, app, token, *, publish=True, deliver_snapshot=True, **overrides) -> dict:
    response = requests.post(f"{events_live.url}/api/v1/events", json=workshop_body(**overrides),
                             headers=auth(token), timeout=10)
    assert response.status_code == 201, response.text
    event = response.json()
    if publish:
        response = requests.post(f"{events_live.url}/api/v1/events/{event['id']}/publish", headers=auth(token),
                                 timeout=10)
        assert response.status_code == 200, response.text
        event = response.json()
    if deliver_snapshot:
        deliver(app, latest_snapshot(events_live.app, event["id"]))
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
        deliver(app, latest_snapshot(events_live.app, event_id))
    return response.json()


def outbox(app, task=None, kind=None) -> list[dict]:
    return [p for t, p in registrations_outbox(app)
            if (task is None or t == task) and (kind is None or p.get("kind") == kind)]


def sign_up_and_confirm(client, app, event_id, email, **overrides) -> dict:
    response = sign_up(client, event_id, email=email, **overrides)
    assert response.status_code == 202, response.json
    confirmed = client.post("/api/v1/registrations/confirm", json={"token": confirm_token(app, email)})
    assert confirmed.status_code == 200, confirmed.json
    return confirmed.json
