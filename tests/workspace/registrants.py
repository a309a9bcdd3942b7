"""Events with registrants for the registrations and messages tests: an event published through
the events API, citizens who sign up on the registrations API and confirm by their mail's link."""
from __future__ import annotations

import re
import time
import uuid

from tests.workspace.conftest import Org, Workspace


def event_body(**overrides) -> dict:
    body = {
        "title": f"Ideenschmiede Tiny Rathaus {uuid.uuid4().hex[:6]}",
        "summary": "Brainstorming im mobilen Rathaus", "language": "de", "timezone": "Europe/Berlin",
        "starts_at": "2030-09-13T10:00:00", "ends_at": "2030-09-13T16:00:00", "format": "in_person",
        "venue": {"name": "Stadtteilbücherei Dietrichsdorf", "street": "Langer Rehm 29", "postal_code": "24149",
                  "city": "Kiel"},
        "price": {"amount_cents": 0, "currency": "EUR"},
        "contacts": [{"name": "Anne Beispiel", "email": f"contact-{uuid.uuid4().hex[:6]}@example.org"}],
        "registration": {"mode": "required", "closes_at": "2030-09-10T09:00:00", "capacity": 5, "waitlist": True,
                         "max_companions": 2,
                         "questions": [{"key": "amt", "label": "Amt / Dienststelle", "type": "text"}]},
    }
    for key, value in overrides.items():
        body[key] = {**body[key], **value} if key == "registration" else value
    return body


def published_event(workspace: Workspace, org: Org, **overrides) -> dict:
    """Created and published with the organizer's API token; returns once registrations has it."""
    api = workspace.api(org.token)
    created = api.post("events", "/api/v1/events", json=event_body(**overrides))
    assert created.status_code == 201, created.text
    event = api.post("events", f"/api/v1/events/{created.json()['id']}/publish").json()
    deadline = time.monotonic() + 60
    while workspace.api().get("registrations", f"/api/v1/events/{event['id']}/availability").status_code != 200:
        assert time.monotonic() < deadline, "registrations never learned of the event"
        time.sleep(0.2)
    return event


def email(prefix: str = "citizen") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.org"


def sign_up(workspace: Workspace, event_id: int, name: str, address: str, *, confirm: bool = True, **extra) -> dict:
    """A citizen signs up (the public API) and, if `confirm`, opens the link of their mail."""
    public = workspace.api()
    answer = public.post("registrations", f"/api/v1/events/{event_id}/registrations",
                         json={"name": name, "email": address, "consent": True, **extra})
    assert answer.status_code == 202, answer.text
    if confirm:
        link = workspace.mailbox.wait_for(address, r"https?://\S+/confirm/[^\s/]+")
        token = re.search(r"/confirm/([^\s/?#]+)", link).group(1)
        confirmed = public.post("registrations", "/api/v1/registrations/confirm", json={"token": token})
        assert confirmed.status_code == 200, confirmed.text
        return confirmed.json()
    return answer.json()


def registrations(workspace: Workspace, org: Org, event_id: int) -> dict:
    """{email: registration} as the registrations API tells the organizer."""
    listed = workspace.api(org.token).get("registrations", f"/api/v1/events/{event_id}/registrations")
    assert listed.status_code == 200, listed.text
    return {r["email"]: r for r in listed.json()}
