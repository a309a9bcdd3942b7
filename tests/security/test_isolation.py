"""Organizer isolation across the three services: organizer B never sees or changes anything of
organizer A (another organizer's event or registration is 404, not 403, so ids reveal nothing);
no token, a garbage token or a wrong scheme is 401 everywhere."""
from __future__ import annotations

import pytest

from tests.factories import auth
from tests.security.conftest import ORGANIZER_A, ORGANIZER_B


@pytest.fixture()
def world(stack):
    """A owns a published event with one confirmed registration and its mails; B owns an event too."""
    a = stack.organizer(ORGANIZER_A)
    b = stack.organizer(ORGANIZER_B)
    event = stack.create_event(a, title="Ideenschmiede (A)")
    draft = stack.create_event(a, publish=False, deliver=False, title="Entwurf (A)")
    b_event = stack.create_event(b, title="Social Smart City (B)")
    signed = stack.sign_up(event["id"], name="Jana Petersen", email="jana@example.org")
    assert signed.status_code == 202, signed.json
    reg_id = signed.json["id"]
    confirmed = stack.reg.post("/api/v1/registrations/confirm", json={"token": stack.confirm_token("jana@example.org")})
    assert confirmed.status_code == 200, confirmed.json
    stack.relay_mails()
    assert stack.messages(), "the sign-up produced no mails in notifications"
    return stack, a, b, event, draft, b_event, reg_id


def test_events_of_another_organizer_are_404(world):
    stack, a, b, event, draft, b_event, _ = world
    before = stack.events.get(f"/api/v1/events/{event['id']}").json
    eid = event["id"]
    assert stack.events.patch(f"/api/v1/events/{eid}", json={"title": "Gekapert"}, headers=b.headers).status_code == 404
    assert stack.events.post(f"/api/v1/events/{eid}/cancel", json={"reason": "x"}, headers=b.headers).status_code == 404
    assert stack.events.post(f"/api/v1/events/{draft['id']}/publish", headers=b.headers).status_code == 404
    assert stack.events.patch(f"/api/v1/events/{draft['id']}", json={"title": "Gekapert"},
                              headers=b.headers).status_code == 404
    # a draft is invisible to others, also with a valid token of another organizer
    assert stack.events.get(f"/api/v1/events/{draft['id']}", headers=b.headers).status_code == 404
    assert stack.events.get(f"/api/v1/events/{draft['id']}/ics", headers=b.headers).status_code == 404
    assert stack.events.get(f"/api/v1/events/{draft['id']}", headers=a.headers).status_code == 200
    # the 404 of another's event looks exactly like the 404 of an unknown one
    unknown = stack.events.patch("/api/v1/events/999999", json={"title": "x"}, headers=b.headers)
    theirs = stack.events.patch(f"/api/v1/events/{eid}", json={"title": "x"}, headers=b.headers)
    assert unknown.status_code == theirs.status_code == 404
    assert unknown.json == theirs.json
    # nothing changed
    after = stack.events.get(f"/api/v1/events/{eid}").json
    assert after == before
    assert after["status"] == "published" and after["title"] == "Ideenschmiede (A)"
    drafted = stack.events.get(f"/api/v1/events/{draft['id']}", headers=a.headers).json
    assert drafted["status"] == "draft" and drafted["title"] == "Entwurf (A)"
    # B's own list holds only B's events
    mine = stack.events.get("/api/v1/organizers/me/events", headers=b.headers)
    assert mine.status_code == 200
    assert [e["id"] for e in mine.json] == [b_event["id"]]


def test_series_of_another_organizer_cannot_be_joined(world):
    stack, a, b, *_ = world
    series = stack.events.post("/api/v1/series", json={"title": "Reihe von A"}, headers=a.headers)
    assert series.status_code == 201, series.json
    from tests.factories import workshop_body
    joined = stack.events.post("/api/v1/events", json=workshop_body(series_id=series.json["id"]), headers=b.headers)
    assert joined.status_code == 422
    assert "series_id" in joined.json["errors"]


def test_registrations_of_another_organizer_are_404(world):
    stack, a, b, event, _, b_event, reg_id = world
    eid = event["id"]
    listing = stack.reg.get(f"/api/v1/events/{eid}/registrations", headers=b.headers)
    assert listing.status_code == 404
    assert "jana" not in listing.get_data(as_text=True).lower()
    csv = stack.reg.get(f"/api/v1/events/{eid}/registrations", headers={**b.headers, "Accept": "text/csv"})
    assert csv.status_code == 404
    assert "jana" not in csv.get_data(as_text=True).lower()
    for action in ("approve", "reject", "check-in"):
        response = stack.reg.post(f"/api/v1/registrations/{reg_id}/{action}", headers=b.headers)
        assert response.status_code == 404, (action, response.json)
        assert "jana" not in response.get_data(as_text=True).lower()
    # another's registration id and an unknown id are indistinguishable
    unknown = stack.reg.post("/api/v1/registrations/0123456789abcdef/reject", headers=b.headers)
    assert unknown.status_code == 404
    # erasing a person: B's request touches nothing of A's
    erased = stack.reg.delete("/api/v1/people/jana@example.org", headers=b.headers)
    assert erased.status_code == 200, erased.json
    assert erased.json["erased"] == 0 and eid not in erased.json["event_ids"]
    reg = stack.registration(reg_id)
    assert reg.status == "confirmed" and reg.checked_in_at is None and reg.name == "Jana Petersen"
    # B sees B's own (empty) list, A sees Jana
    assert stack.reg.get(f"/api/v1/events/{b_event['id']}/registrations", headers=b.headers).json == []
    own = stack.reg.get(f"/api/v1/events/{eid}/registrations", headers=a.headers)
    assert own.status_code == 200 and [r["id"] for r in own.json] == [reg_id]


def test_messages_of_another_organizer_are_never_shown(world):
    stack, a, b, event, _, b_event, reg_id = world
    eid = event["id"]
    mine = stack.notif.get("/api/v1/messages", headers=a.headers)
    assert mine.status_code == 200 and mine.json, "A should see the mails about A's event"
    theirs = stack.notif.get("/api/v1/messages", headers=b.headers)
    assert theirs.status_code == 200
    assert theirs.json == []
    assert stack.notif.get(f"/api/v1/messages?event_id={eid}", headers=b.headers).status_code == 404
    by_reg = stack.notif.get(f"/api/v1/messages?registration_id={reg_id}", headers=b.headers)
    assert by_reg.status_code == 200 and by_reg.json == []
    for response in (theirs, by_reg):
        assert "jana" not in response.get_data(as_text=True).lower()


def test_bulk_message_to_another_organizers_event_is_404(world):
    stack, a, b, event, *_ = world
    before = len(stack.messages())
    response = stack.notif.post(f"/api/v1/events/{event['id']}/messages",
                                json={"subject": "Gekapert", "body": "Bitte hier klicken"}, headers=b.headers)
    assert response.status_code == 404, response.json
    assert len(stack.messages()) == before
    assert not any("Gekapert" in (m.subject or "") for m in stack.messages())


ORGANIZER_ENDPOINTS = [
    ("events", "POST", "/api/v1/events"),
    ("events", "PATCH", "/api/v1/events/{eid}"),
    ("events", "POST", "/api/v1/events/{eid}/publish"),
    ("events", "POST", "/api/v1/events/{eid}/cancel"),
    ("events", "POST", "/api/v1/series"),
    ("events", "GET", "/api/v1/organizers/me"),
    ("events", "GET", "/api/v1/organizers/me/events"),
    ("reg", "GET", "/api/v1/events/{eid}/registrations"),
    ("reg", "GET", "/api/v1/events/{eid}/registrations#csv"),
    ("reg", "POST", "/api/v1/registrations/{rid}/approve"),
    ("reg", "POST", "/api/v1/registrations/{rid}/reject"),
    ("reg", "POST", "/api/v1/registrations/{rid}/check-in"),
    ("reg", "DELETE", "/api/v1/people/jana@example.org"),
    ("notif", "GET", "/api/v1/messages"),
    ("notif", "GET", "/api/v1/messages?event_id={eid}"),
    ("notif", "POST", "/api/v1/events/{eid}/messages"),
]

BAD_CREDENTIALS = {
    "none": {},
    "empty_bearer": {"Authorization": "Bearer "},
    "garbage": {"Authorization": "Bearer not-a-token"},
    "sql": {"Authorization": "Bearer ' OR '1'='1"},
    "long": {"Authorization": "Bearer " + "x" * 5000},
    "basic_scheme": {"Authorization": "Basic {token_b64}"},
    "token_without_scheme": {"Authorization": "{token}"},
    "altered_token": {"Authorization": "Bearer {altered}"},
    "token_in_query_only": {},
}


@pytest.mark.parametrize("credentials", sorted(BAD_CREDENTIALS))
def test_organizer_endpoints_refuse_bad_credentials(world, credentials):
    import base64
    stack, a, b, event, _, _, reg_id = world
    clients = {"events": stack.events, "reg": stack.reg, "notif": stack.notif}
    altered = a.token[:-1] + ("A" if a.token[-1] != "A" else "B")
    headers = {k: v.format(token=a.token, altered=altered,
                           token_b64=base64.b64encode(f"x:{a.token}".encode()).decode())
               for k, v in BAD_CREDENTIALS[credentials].items()}
    before = stack.events.get(f"/api/v1/events/{event['id']}").json
    for service, method, path in ORGANIZER_ENDPOINTS:
        path, _, variant = path.format(eid=event["id"], rid=reg_id).partition("#")
        if credentials == "token_in_query_only":
            path += ("&" if "?" in path else "?") + f"token={a.token}&access_token={a.token}"
        h = dict(headers)
        if variant == "csv":
            h["Accept"] = "text/csv"
        body = {"title": "Gekapert", "subject": "x", "body": "y"} if method in ("POST", "PATCH") else None
        response = clients[service].open(path, method=method, headers=h, json=body)
        assert response.status_code == 401, (service, method, path, response.status_code, response.get_data()[:300])
        assert response.is_json, (service, method, path)
        assert response.json["code"] == "unauthorized"
        assert response.headers.get("WWW-Authenticate", "").lower().startswith("bearer")
        text = response.get_data(as_text=True).lower()
        assert "jana" not in text and "ideenschmiede" not in text
    assert stack.events.get(f"/api/v1/events/{event['id']}").json == before
    assert stack.registration(reg_id).status == "confirmed"


def test_revoked_token_is_refused_everywhere(world):
    """A token revoked in events stops working in every service (after the verifiers' short cache)."""
    from shared.db import utcnow
    from services.events.models import ApiToken, db
    from tests.security.conftest import _reset_token_caches
    stack, a, b, event, *_ = world
    with stack.events_app.app_context():
        for row in db.session.query(ApiToken).filter_by(organizer_id=a.id):
            row.revoked_at = utcnow()
        db.session.commit()
        db.session.remove()
    _reset_token_caches()
    assert stack.events.get("/api/v1/organizers/me", headers=a.headers).status_code == 401
    assert stack.reg.get(f"/api/v1/events/{event['id']}/registrations", headers=a.headers).status_code == 401
    assert stack.notif.get("/api/v1/messages", headers=a.headers).status_code == 401
    assert stack.events.get("/api/v1/organizers/me", headers=auth(b.token)).status_code == 200
