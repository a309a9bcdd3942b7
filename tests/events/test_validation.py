"""Bad input gets a 422 in the project's error shape, naming the field (nested fields as nested keys)."""
import pytest

from tests.factories import auth, create_event, event_body


def field_errors(response, path: str) -> list:
    """The messages at a dotted path of the `errors` object, e.g. "sessions.0.starts_at"."""
    assert response.status_code == 422, (response.status_code, response.json)
    body = response.json
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == "validation_error"
    assert body["message"]
    node = body["errors"]
    for part in path.split("."):
        assert isinstance(node, dict) and part in node, (path, body["errors"])
        node = node[part]
    assert isinstance(node, list) and node and all(isinstance(m, str) for m in node), node
    return node


def post(client, token, **overrides):
    return client.post("/api/v1/events", json=event_body(**overrides), headers=auth(token))


def session(starts, ends, **extra):
    return {"title": "Teil", "starts_at": starts, "ends_at": ends, **extra}


CASES = [
    ("end before start", {"ends_at": "2030-09-12T10:00:00", "sessions": [], "agenda": [],
                          "registration": {"mode": "none"}}, "ends_at"),
    ("unknown time zone", {"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ("time zone without region", {"timezone": "Berlin"}, "timezone"),
    ("negative capacity", {"registration": {"capacity": -1}}, "registration.capacity"),
    ("capacity as a string", {"registration": {"capacity": "20"}}, "registration.capacity"),
    ("deadline after the end", {"registration": {"closes_at": "2030-09-18T09:00:00"}}, "registration.closes_at"),
    ("opens after it closes", {"registration": {"opens_at": "2030-09-11T00:00:00",
                                                "closes_at": "2030-09-10T09:00:00"}}, "registration.opens_at"),
    ("opens after the event's end", {"registration": {"opens_at": "2030-09-18T00:00:00", "closes_at": None}},
     "registration.opens_at"),
    ("unknown registration mode", {"registration": {"mode": "maybe"}}, "registration.mode"),
    ("negative companions", {"registration": {"max_companions": -1}}, "registration.max_companions"),
    ("duplicate question keys", {"registration": {"questions": [{"key": "amt", "label": "Amt"},
                                                               {"key": "amt", "label": "Amt 2"}]}},
     "registration.questions"),
    ("choice with one option", {"registration": {"questions": [{"key": "essen", "label": "Essen", "type": "choice",
                                                               "options": ["vegan"]}]}},
     "registration.questions.0.options"),
    ("session before the event", {"sessions": [session("2030-09-12T10:00:00", "2030-09-12T12:00:00")]},
     "sessions.0.starts_at"),
    ("second session after the event", {"sessions": [session("2030-09-13T10:00:00", "2030-09-13T12:00:00"),
                                                     session("2030-09-17T15:00:00", "2030-09-17T17:00:00")]},
     "sessions.1.starts_at"),
    ("session ends before it starts", {"sessions": [session("2030-09-13T12:00:00", "2030-09-13T10:00:00")]},
     "sessions.0.ends_at"),
    ("negative session capacity", {"sessions": [session("2030-09-13T10:00:00", "2030-09-13T12:00:00",
                                                        capacity=-3)]}, "sessions.0.capacity"),
    ("agenda item outside", {"agenda": [{"starts_at": "2030-09-20T10:00:00", "title": "Später"}]},
     "agenda.0.starts_at"),
    ("bad contact email", {"contacts": [{"name": "Anne", "email": "anne.kiel.de"}]}, "contacts.0.email"),
    ("bad contact phone", {"contacts": [{"name": "Anne", "phone": "call me"}]}, "contacts.0.phone"),
    ("contact without name", {"contacts": [{"email": "anne@kiel.de"}]}, "contacts.0.name"),
    ("bad online url", {"format": "hybrid", "online_url": "not a url"}, "online_url"),
    ("online url with another scheme", {"format": "hybrid", "online_url": "javascript:alert(1)"}, "online_url"),
    ("unknown language", {"language": "fr"}, "language"),
    ("unknown format", {"format": "telepathic"}, "format"),
    ("in person without venue", {"venue": None}, "venue"),
    ("negative price", {"price": {"amount_cents": -4000, "currency": "EUR"}}, "price.amount_cents"),
    ("price as a float", {"price": {"amount_cents": 40.5, "currency": "EUR"}}, "price.amount_cents"),
    ("bad currency", {"price": {"amount_cents": 4000, "currency": "euro"}}, "price.currency"),
    ("bad postal code", {"venue": {"name": "Rathaus", "postal_code": "<script>"}}, "venue.postal_code"),
    ("missing title", {"title": None}, "title"),
    ("empty title", {"title": ""}, "title"),
    ("not a date", {"starts_at": "13.09.2030 10:00"}, "starts_at"),
    ("unknown field", {"colour": "blue"}, "colour"),
]


@pytest.mark.parametrize("overrides, field", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_create_rejects_with_the_field_named(client, organizer_token, overrides, field):
    field_errors(post(client, organizer_token, **overrides), field)
    # nothing was stored
    assert client.get("/api/v1/organizers/me/events", headers=auth(organizer_token)).json == []


def test_missing_required_fields(client, organizer_token):
    response = client.post("/api/v1/events", json={}, headers=auth(organizer_token))
    for name in ("title", "starts_at", "ends_at"):
        field_errors(response, name)


def test_a_body_that_is_not_json_is_rejected_in_the_error_shape(client, organizer_token):
    response = client.post("/api/v1/events", data="title=x", headers={**auth(organizer_token),
                                                                      "Content-Type": "text/plain"})
    # not JSON at all: read as no fields
    field_errors(response, "title")
    broken = client.post("/api/v1/events", data="{not json", headers={**auth(organizer_token),
                                                                      "Content-Type": "application/json"})
    assert broken.status_code == 400
    assert set(broken.json) == {"code", "message", "errors"}
    assert broken.json["code"] == "bad_request"


def test_auth_comes_before_validation(client):
    assert client.post("/api/v1/events", json={"title": ""}).status_code == 401


def test_end_equal_to_start_is_allowed(client, organizer_token):
    response = post(client, organizer_token, ends_at="2030-09-13T10:00:00", sessions=[], agenda=[],
                    registration={"mode": "none"})
    assert response.status_code == 201, response.json


def test_online_event_needs_no_venue(client, organizer_token):
    response = post(client, organizer_token, format="online", venue=None, online_url="https://meet.example/x")
    assert response.status_code == 201, response.json
    assert response.json["venue"] is None


# ---- PATCH: the change is merged into the stored event and the whole is validated -----------
def patch(client, token, event_id, body):
    return client.patch(f"/api/v1/events/{event_id}", json=body, headers=auth(token))


PATCH_CASES = [
    ("end before the stored start", {"ends_at": "2030-09-12T10:00:00"}, "ends_at"),
    ("start after the stored end", {"starts_at": "2030-09-18T10:00:00"}, "ends_at"),
    # moving the start past the stored session leaves that session outside the event
    ("start after a stored session", {"starts_at": "2030-09-14T10:00:00"}, "sessions.0.starts_at"),
    ("end before the stored deadline", {"ends_at": "2030-09-13T11:00:00", "sessions": [], "agenda": [],
                                        "registration": {"closes_at": "2030-09-14T09:00:00"}},
     "registration.closes_at"),
    ("stored deadline after a new end", {"starts_at": "2030-09-01T10:00:00", "ends_at": "2030-09-05T10:00:00",
                                         "sessions": [], "agenda": []}, "registration.closes_at"),
    ("unknown time zone", {"timezone": "Europe/Atlantis"}, "timezone"),
    ("negative capacity", {"registration": {"capacity": -5}}, "registration.capacity"),
    ("bad email", {"contacts": [{"name": "X", "email": "x@"}]}, "contacts.0.email"),
    ("venue removed from an in-person event", {"venue": None}, "venue"),
    ("unknown language", {"language": "xx"}, "language"),
    ("unknown field", {"status": "published"}, "status"),
]


@pytest.mark.parametrize("body, field", [c[1:] for c in PATCH_CASES], ids=[c[0] for c in PATCH_CASES])
def test_patch_validates_the_merged_event(client, organizer_token, body, field):
    event = create_event(client, organizer_token)
    field_errors(patch(client, organizer_token, event["id"], body), field)
    stored = client.get(f"/api/v1/events/{event['id']}", headers=auth(organizer_token)).json
    assert stored == event  # unchanged, revision included


def test_patch_of_a_foreign_series_is_422(client, organizer_token, other_token):
    foreign = client.post("/api/v1/series", json={"title": "Fremde Reihe"}, headers=auth(other_token)).json
    event = create_event(client, organizer_token)
    field_errors(patch(client, organizer_token, event["id"], {"series_id": foreign["id"]}), "series_id")
    field_errors(post(client, organizer_token, series_id=foreign["id"]), "series_id")
    field_errors(post(client, organizer_token, series_id=987654), "series_id")


def test_patch_session_ids_must_be_the_events_own(client, organizer_token, other_token):
    event = create_event(client, organizer_token)
    foreign = create_event(client, other_token)
    own_id = event["sessions"][0]["id"]

    def sessions(*ids):
        return {"sessions": [{"id": i, "title": "Teil", "starts_at": "2030-09-13T10:00:00",
                              "ends_at": "2030-09-13T11:00:00"} for i in ids]}

    field_errors(patch(client, organizer_token, event["id"], sessions(foreign["sessions"][0]["id"])), "sessions.0.id")
    field_errors(patch(client, organizer_token, event["id"], sessions(own_id, own_id)), "sessions.1.id")
    field_errors(patch(client, organizer_token, event["id"], sessions(2**40)), "sessions.0.id")
    assert client.get(f"/api/v1/events/{foreign['id']}", headers=auth(other_token)).json == foreign


@pytest.mark.parametrize("overrides, field", [
    ({"starts_at": "0001-01-01T00:00:00"}, "starts_at"),
    ({"timezone": "America/New_York", "starts_at": "9999-12-31T20:00:00", "ends_at": "9999-12-31T23:00:00"},
     "starts_at"),
    ({"registration": {"opens_at": "0001-01-01T00:00:00"}}, "registration.opens_at"),
    ({"series_id": 10**20}, "series_id"),
    ({"series_id": 0}, "series_id"),
], ids=["year 1", "year 9999 west of UTC", "opens in year 1", "huge series id", "series id 0"])
def test_out_of_range_values_are_422_not_500(client, organizer_token, overrides, field):
    field_errors(post(client, organizer_token, **overrides), field)


@pytest.mark.parametrize("url, status", [
    ("/api/v1/events/99999999999999999999", 404),
    ("/api/v1/events/99999999999999999999/ics", 404),
    ("/api/v1/series/99999999999999999999", 404),
    ("/api/v1/events?series=99999999999999999999", 422),
    ("/api/v1/events?from=0001-01-01", 422),
    ("/api/v1/events?to=9999-12-31T23:00:00-05:00", 422),
])
def test_out_of_range_urls_are_not_500(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert set(response.json) == {"code", "message", "errors"}


def test_out_of_range_ids_on_writes_are_404(client, organizer_token):
    for path in ("/api/v1/events/99999999999999999999", "/api/v1/events/99999999999999999999/publish",
                 "/api/v1/events/99999999999999999999/cancel"):
        response = client.open(path, method="PATCH" if path.endswith("9") else "POST", json={},
                               headers=auth(organizer_token))
        assert response.status_code == 404, path
