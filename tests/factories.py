"""What tests build and read, shared by every suite: request bodies, the bearer header, the
sign-up steps, and readers of what a service wrote (outbox rows, registrations, seat pools).
Plain functions: each suite's conftest makes its apps and clients and hands them in.
"""
from __future__ import annotations

import copy
import re
import time

from shared import contract


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# ---- bodies --------------------------------------------------------------------------------
def event_body(**overrides) -> dict:
    """The Kiel week as its organizer posts it: five days, one bookable morning session with 8
    seats, an agenda, 20 seats in all. Each override replaces a field whole."""
    body = {
        "title": "Ideenschmiede Tiny Rathaus",
        "summary": "Brainstorming im mobilen Rathaus",
        "language": "de",
        "timezone": "Europe/Berlin",
        "starts_at": "2030-09-13T10:00:00",
        "ends_at": "2030-09-17T16:00:00",
        "format": "in_person",
        "venue": {"name": "Stadtteilbücherei Dietrichsdorf", "street": "Langer Rehm 29",
                  "postal_code": "24149", "city": "Kiel"},
        "price": {"amount_cents": 0, "currency": "EUR"},
        "contacts": [{"name": "Anne Czichowski", "email": "anne.czichowski@kiel.de", "phone": "0431/901-3086"}],
        "sessions": [{"title": "Ideenschmiede", "starts_at": "2030-09-13T10:00:00",
                      "ends_at": "2030-09-13T12:30:00", "capacity": 8, "registration": "required"}],
        "agenda": [{"starts_at": "2030-09-13T10:00:00", "title": "Begrüßung", "speakers": ["Anne Czichowski"]}],
        "registration": {"mode": "required", "closes_at": "2030-09-10T09:00:00", "capacity": 20,
                         "waitlist": True, "max_companions": 2},
    }
    body.update(overrides)
    return body


def workshop_body(**overrides) -> dict:
    """A one-day workshop with 5 seats, a waiting list and up to two companions, the event the
    sign-up suites fill. `registration` overrides are merged into its policy; others replace."""
    body = {key: value for key, value in event_body().items() if key not in ("sessions", "agenda")}
    body["ends_at"] = "2030-09-13T16:00:00"
    body["registration"] = {**body["registration"], "capacity": 5}
    for key, value in overrides.items():
        if key == "registration":
            body["registration"] = {**body["registration"], **value}
        else:
            body[key] = value
    return body


def signup_body(**overrides) -> dict:
    body = {"name": "Erika Mustermann", "email": "erika@example.org", "consent": True}
    body.update(overrides)
    return body


# ---- pages and links -----------------------------------------------------------------------
def link_token(url: str) -> str:
    return re.search(r"/(?:confirm|cancel)/([^/?#]+)", url).group(1)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def wait_until(predicate, timeout=15.0, interval=0.05):
    """The predicate's first truthy value; AssertionError if none came within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not reached in time")


# ---- events --------------------------------------------------------------------------------
def create_event(client, token, publish=False, **overrides) -> dict:
    """An event made (and published) through the events API with a test client of events."""
    response = client.post("/api/v1/events", json=event_body(**overrides), headers=auth(token))
    assert response.status_code == 201, response.json
    event = response.json
    if publish:
        response = client.post(f"/api/v1/events/{event['id']}/publish", headers=auth(token))
        assert response.status_code == 200, response.json
        event = response.json
    return event


def outbox_rows(events_app, event_id=None) -> list:
    """The outbox rows of events (snapshots and mails), oldest first, detached from any session."""
    from services.events.models import OutboxMessage, db
    with events_app.app_context():
        rows = db.session.query(OutboxMessage).order_by(OutboxMessage.created_at).all()
        db.session.expunge_all()
        db.session.remove()
    rows = sorted(rows, key=lambda r: (r.created_at, r.payload.get("revision", 0)))
    if event_id is not None:
        rows = [r for r in rows if r.payload.get("event_id") == event_id]
    return rows


# ---- events → registrations ----------------------------------------------------------------
def latest_snapshot(events, event_id: int) -> dict:
    """The newest snapshot message of an event in the events outbox (`events`: the events app,
    or the live server of one)."""
    from services.events.models import OutboxMessage, db
    events_app = getattr(events, "app", events)
    with events_app.app_context():
        rows = db.session.query(OutboxMessage).filter(OutboxMessage.task_name == contract.EVENT_SNAPSHOT).all()
        payloads = [copy.deepcopy(r.payload) for r in rows if r.payload.get("event_id") == event_id]
        db.session.remove()
    return max(payloads, key=lambda p: p["revision"])


def deliver(reg_app, payload: dict) -> bool:
    """Hand an events snapshot message to registrations as its worker would."""
    from services.registrations.models import db
    from services.registrations.tasks import consume_snapshot
    with reg_app.app_context():
        try:
            return consume_snapshot(payload)
        finally:
            db.session.remove()


# ---- signing up ----------------------------------------------------------------------------
def sign_up(client, event_id, **overrides):
    return client.post(f"/api/v1/events/{event_id}/registrations", json=signup_body(**overrides))


def registrations_outbox(reg_app) -> list[tuple[str, dict]]:
    """(task name, payload) of every outbox message of registrations, oldest first."""
    from services.registrations.models import OutboxMessage, db
    with reg_app.app_context():
        rows = db.session.query(OutboxMessage).order_by(OutboxMessage.created_at).all()
        messages = [(r.task_name, copy.deepcopy(r.payload)) for r in rows]
        db.session.remove()
    return messages


def mails_to(reg_app, email, kind=None) -> list[dict]:
    """The registrant mails (payloads) registrations wrote for this address."""
    return [p for task, p in registrations_outbox(reg_app) if task == contract.REGISTRATION_MAIL
            and p["registrant"]["email"] == email and (kind is None or p.get("kind") == kind)]


def confirm_token(reg_app, email) -> str:
    return link_token(mails_to(reg_app, email, "confirm_email")[-1]["links"]["confirm"])


def cancel_token(reg_app, email) -> str:
    return link_token(mails_to(reg_app, email)[-1]["links"]["cancel"])


def registration(reg_app, reg_id):
    """The registration row, detached (None if there is none)."""
    from services.registrations.models import Registration, db
    with reg_app.app_context():
        reg = db.session.get(Registration, reg_id)
        if reg is not None:
            db.session.expunge(reg)
        db.session.remove()
    return reg


def pools(reg_app, event_id) -> list[tuple]:
    """(session id, capacity, taken) of each seat pool of the event."""
    from services.registrations.models import SeatPool, db
    with reg_app.app_context():
        rows = [(p.session_id, p.capacity, p.taken) for p in
                db.session.query(SeatPool).filter_by(event_id=event_id).order_by(SeatPool.session_id)]
        db.session.remove()
    return rows
