"""Every events endpoint of API.md with good input (bad input: test_validation.py)."""
import json

from tests.factories import auth, create_event, event_body


def test_create_returns_the_event_as_a_draft_in_its_own_time_zone(client, organizer_token):
    response = client.post("/api/v1/events", json=event_body(), headers=auth(organizer_token))
    assert response.status_code == 201, response.json
    event = response.json
    assert isinstance(event["id"], int)
    assert event["status"] == "draft"
    assert event["revision"] == 1
    # wall-clock input is read in the event's zone (CEST in September)
    assert event["starts_at"] == "2030-09-13T10:00:00+02:00"
    assert event["ends_at"] == "2030-09-17T16:00:00+02:00"
    assert event["organizer"]["name"] == "Landeshauptstadt Kiel – Referat Kreative Stadt"
    assert event["venue"] == {"name": "Stadtteilbücherei Dietrichsdorf", "street": "Langer Rehm 29",
                              "postal_code": "24149", "city": "Kiel"}
    assert event["price"] == {"amount_cents": 0, "currency": "EUR", "note": None}
    assert event["contacts"][0]["email"] == "anne.czichowski@kiel.de"
    assert event["series"] is None
    [session] = event["sessions"]
    assert isinstance(session["id"], int)
    assert (session["starts_at"], session["capacity"], session["registration"]) == \
        ("2030-09-13T10:00:00+02:00", 8, "required")
    assert event["agenda"] == [{"starts_at": "2030-09-13T10:00:00+02:00", "ends_at": None, "title": "Begrüßung",
                                "description": None, "speakers": ["Anne Czichowski"]}]
    policy = event["registration"]
    assert policy["mode"] == "required"
    assert policy["closes_at"] == "2030-09-10T09:00:00+02:00"
    assert (policy["capacity"], policy["waitlist"], policy["approval"], policy["max_companions"]) == (20, True, False, 2)
    assert policy["opens_at"] is None and policy["questions"] == []


def test_api_md_event_fields_are_all_present(client, organizer_token):
    event = create_event(client, organizer_token)
    for name in ("id", "title", "summary", "description", "language", "timezone", "starts_at", "ends_at", "format",
                 "venue", "online_url", "price", "organizer", "contacts", "series", "sessions", "agenda",
                 "registration", "status"):
        assert name in event, name
    assert set(event["registration"]) >= {"mode", "opens_at", "closes_at", "capacity", "waitlist", "approval",
                                          "max_companions", "questions"}


def test_times_with_an_offset_are_kept_as_instants(client, organizer_token):
    event = create_event(client, organizer_token, starts_at="2030-01-10T09:00:00Z", ends_at="2030-01-10T11:00:00Z",
                         sessions=[], agenda=[], registration={"mode": "none"})
    assert event["starts_at"] == "2030-01-10T10:00:00+01:00"  # CET in January
    assert event["ends_at"] == "2030-01-10T12:00:00+01:00"


def test_detail_of_a_draft_is_404_to_the_public_and_200_to_its_organizer(client, organizer_token):
    event = create_event(client, organizer_token)
    public = client.get(f"/api/v1/events/{event['id']}")
    assert public.status_code == 404
    assert public.json["code"] == "not_found"
    own = client.get(f"/api/v1/events/{event['id']}", headers=auth(organizer_token))
    assert own.status_code == 200
    assert own.json["status"] == "draft"


def test_unknown_event_is_404(client):
    response = client.get("/api/v1/events/999999")
    assert response.status_code == 404
    assert set(response.json) == {"code", "message", "errors"}


def test_publish_makes_the_event_public(client, organizer_token):
    event = create_event(client, organizer_token)
    response = client.post(f"/api/v1/events/{event['id']}/publish", headers=auth(organizer_token))
    assert response.status_code == 200
    assert response.json["status"] == "published"
    assert response.json["published_at"] is not None
    assert response.json["revision"] == 2
    detail = client.get(f"/api/v1/events/{event['id']}")
    assert detail.status_code == 200
    assert detail.json["title"] == "Ideenschmiede Tiny Rathaus"
    # publishing twice changes nothing
    again = client.post(f"/api/v1/events/{event['id']}/publish", headers=auth(organizer_token))
    assert again.status_code == 200 and again.json["revision"] == 2


def test_cancel_keeps_the_event_visible_as_cancelled(client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    response = client.post(f"/api/v1/events/{event['id']}/cancel", json={"reason": "Sturmwarnung"},
                           headers=auth(organizer_token))
    assert response.status_code == 200, response.json
    assert response.json["status"] == "cancelled"
    assert response.json["cancellation_reason"] == "Sturmwarnung"
    assert response.json["cancelled_at"] is not None
    assert client.get(f"/api/v1/events/{event['id']}").json["status"] == "cancelled"
    # a cancelled event is no longer listed as upcoming
    assert client.get("/api/v1/events").json == []


def test_cancel_without_a_body(client, organizer_token):
    event = create_event(client, organizer_token)
    response = client.post(f"/api/v1/events/{event['id']}/cancel", headers=auth(organizer_token))
    assert response.status_code == 200, response.json
    assert response.json["status"] == "cancelled"
    assert response.json["cancellation_reason"] is None


def test_a_cancelled_event_cannot_be_patched_or_published(client, organizer_token):
    event = create_event(client, organizer_token)
    client.post(f"/api/v1/events/{event['id']}/cancel", headers=auth(organizer_token))
    patch = client.patch(f"/api/v1/events/{event['id']}", json={"title": "Neu"}, headers=auth(organizer_token))
    assert patch.status_code == 409
    assert patch.json["code"] == "event_cancelled"
    publish = client.post(f"/api/v1/events/{event['id']}/publish", headers=auth(organizer_token))
    assert publish.status_code == 409


def test_patch_changes_only_what_is_sent(client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    response = client.patch(f"/api/v1/events/{event['id']}", json={"title": "Ideenschmiede (verlegt)"},
                            headers=auth(organizer_token))
    assert response.status_code == 200, response.json
    patched = response.json
    assert patched["title"] == "Ideenschmiede (verlegt)"
    assert patched["revision"] == event["revision"] + 1
    for name in ("starts_at", "ends_at", "venue", "contacts", "agenda", "registration", "status", "price"):
        assert patched[name] == event[name], name
    # sessions keep their ids, so registrations for them stay valid
    assert [s["id"] for s in patched["sessions"]] == [s["id"] for s in event["sessions"]]
    assert client.get(f"/api/v1/events/{event['id']}").json["title"] == "Ideenschmiede (verlegt)"


def test_patch_with_a_policy_replaces_the_stored_policy_whole(client, organizer_token):
    event = create_event(client, organizer_token)
    response = client.patch(f"/api/v1/events/{event['id']}", json={"registration": {"capacity": 12}},
                            headers=auth(organizer_token))
    assert response.status_code == 200, response.json
    policy = response.json["registration"]
    assert policy["capacity"] == 12
    # the fields not sent take their defaults, not the stored values
    assert policy["closes_at"] is None
    assert policy["max_companions"] == 0


def test_patch_with_a_new_venue_replaces_the_old_address_whole(client, organizer_token):
    event = create_event(client, organizer_token)
    response = client.patch(f"/api/v1/events/{event['id']}", json={"venue": {"name": "Rathaus Kiel", "city": "Kiel"}},
                            headers=auth(organizer_token))
    assert response.status_code == 200, response.json
    assert response.json["venue"] == {"name": "Rathaus Kiel", "street": None, "postal_code": None, "city": "Kiel"}


def test_patch_with_a_price_replaces_the_stored_price_whole(client, organizer_token):
    event = create_event(client, organizer_token, price={"amount_cents": 4000, "currency": "EUR",
                                                         "note": "Teilnahmepauschale"})
    response = client.patch(f"/api/v1/events/{event['id']}", json={"price": {"amount_cents": 0}},
                            headers=auth(organizer_token))
    assert response.status_code == 200, response.json
    assert response.json["price"] == {"amount_cents": 0, "currency": "EUR", "note": None}


def test_openapi_says_a_patch_replaces_venue_price_and_registration_whole(client):
    operation = client.get("/openapi.json").json["paths"]["/api/v1/events/{event_id}"]["patch"]
    assert "replaced, not merged" in operation["description"]
    for name in ("venue", "price", "registration"):
        assert f"`{name}`" in operation["description"]


def test_patch_can_add_and_replace_sessions(client, organizer_token):
    event = create_event(client, organizer_token)
    kept = event["sessions"][0]
    response = client.patch(f"/api/v1/events/{event['id']}", headers=auth(organizer_token), json={"sessions": [
        {"id": kept["id"], "title": "Ideenschmiede", "starts_at": "2030-09-13T10:00:00",
         "ends_at": "2030-09-13T12:30:00", "capacity": 10},
        {"title": "Open Hour", "starts_at": "2030-09-13T13:00:00", "ends_at": "2030-09-13T16:00:00",
         "registration": "none"},
    ]})
    assert response.status_code == 200, response.json
    sessions = response.json["sessions"]
    assert [s["title"] for s in sessions] == ["Ideenschmiede", "Open Hour"]
    assert sessions[0]["id"] == kept["id"] and sessions[0]["capacity"] == 10
    assert sessions[1]["id"] != kept["id"] and sessions[1]["registration"] == "none"


def test_patch_with_null_clears_an_optional_field(client, organizer_token):
    event = create_event(client, organizer_token, summary="Kurz")
    response = client.patch(f"/api/v1/events/{event['id']}", json={"summary": None}, headers=auth(organizer_token))
    assert response.status_code == 200, response.json
    assert response.json["summary"] is None


def test_organizers_me(client, organizer_token):
    response = client.get("/api/v1/organizers/me", headers=auth(organizer_token))
    assert response.status_code == 200
    assert response.json["name"] == "Landeshauptstadt Kiel – Referat Kreative Stadt"
    assert isinstance(response.json["id"], int)


def test_organizers_me_events_lists_drafts_and_past_events(client, organizer_token, other_token):
    draft = create_event(client, organizer_token)
    past = create_event(client, organizer_token, publish=True, starts_at="2020-09-13T10:00:00",
                        ends_at="2020-09-13T16:00:00", sessions=[], agenda=[], registration={"mode": "none"})
    create_event(client, other_token, title="Fremd")
    response = client.get("/api/v1/organizers/me/events", headers=auth(organizer_token))
    assert response.status_code == 200
    assert {e["id"] for e in response.json} == {draft["id"], past["id"]}
    assert json.loads(response.headers["X-Pagination"])["total"] == 2


# ---- authentication -------------------------------------------------------------------------
WRITES = [
    ("post", "/api/v1/events"),
    ("patch", "/api/v1/events/{id}"),
    ("post", "/api/v1/events/{id}/publish"),
    ("post", "/api/v1/events/{id}/cancel"),
    ("post", "/api/v1/series"),
    ("get", "/api/v1/organizers/me"),
    ("get", "/api/v1/organizers/me/events"),
]


def test_writes_need_a_token(client, organizer_token):
    event = create_event(client, organizer_token)
    for method, path in WRITES:
        url = path.format(id=event["id"])
        for headers in ({}, auth("ce_not-a-real-token"), {"Authorization": "Basic dXNlcjpwYXNz"},
                        {"Authorization": "Bearer "}):
            response = getattr(client, method)(url, json={"title": "x"}, headers=headers)
            assert response.status_code == 401, (method, url, headers, response.status_code)
            assert response.json["code"] == "unauthorized"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # nothing was changed by those attempts
    assert client.get(f"/api/v1/events/{event['id']}", headers=auth(organizer_token)).json["title"] == event["title"]


def test_bad_token_on_a_draft_detail_is_401_not_a_leak(client, organizer_token):
    event = create_event(client, organizer_token)
    response = client.get(f"/api/v1/events/{event['id']}", headers=auth("ce_wrong"))
    assert response.status_code == 401
    assert "title" not in response.json


def test_a_revoked_token_no_longer_works(app, client, organizer_token):
    from services.events.models import ApiToken, db
    from shared.auth import hash_token
    from shared.db import utcnow
    with app.app_context():
        row = db.session.query(ApiToken).filter_by(token_hash=hash_token(organizer_token)).one()
        row.revoked_at = utcnow()
        db.session.commit()
    assert client.get("/api/v1/organizers/me", headers=auth(organizer_token)).status_code == 401
