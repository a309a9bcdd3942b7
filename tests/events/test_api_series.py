"""Series endpoints: public list and detail with their (non-draft) events; organizer create."""
from tests.factories import auth, create_event


def make_series(client, token, **body):
    response = client.post("/api/v1/series", json={"title": "Werkstattreihe KoSI-Lab", "planned_parts": 4, **body},
                           headers=auth(token))
    assert response.status_code == 201, response.json
    return response.json


def werkstatt(client, token, series_id, position, day, publish=True):
    return create_event(client, token, publish=publish, title=f"{position}. Werkstatt", series_id=series_id,
                        series_position=position, starts_at=f"{day}T11:00:00", ends_at=f"{day}T16:00:00",
                        sessions=[], agenda=[], registration={"mode": "required", "capacity": 40})


def test_create_series(client, organizer_token):
    series = make_series(client, organizer_token, description="Vierteilig")
    assert series["title"] == "Werkstattreihe KoSI-Lab"
    assert series["planned_parts"] == 4
    assert series["description"] == "Vierteilig"
    assert series["organizer"]["name"] == "Landeshauptstadt Kiel – Referat Kreative Stadt"
    assert series["events"] == []


def test_create_series_validates(client, organizer_token):
    response = client.post("/api/v1/series", json={"planned_parts": 0}, headers=auth(organizer_token))
    assert response.status_code == 422
    assert {"title", "planned_parts"} <= set(response.json["errors"])


def test_series_with_its_events_in_order_drafts_hidden(client, organizer_token):
    series = make_series(client, organizer_token)
    third = werkstatt(client, organizer_token, series["id"], 3, "2030-04-19")
    second = werkstatt(client, organizer_token, series["id"], 2, "2030-02-22")
    werkstatt(client, organizer_token, series["id"], 4, "2030-06-14", publish=False)

    detail = client.get(f"/api/v1/series/{series['id']}")
    assert detail.status_code == 200
    assert [(e["id"], e["series_position"], e["status"]) for e in detail.json["events"]] == \
        [(second["id"], 2, "published"), (third["id"], 3, "published")]
    assert detail.json["events"][0]["starts_at"] == "2030-02-22T11:00:00+01:00"
    assert detail.json["planned_parts"] == 4

    listed = client.get("/api/v1/series")
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json] == [series["id"]]
    assert len(listed.json[0]["events"]) == 2


def test_event_shows_its_series_and_position(client, organizer_token):
    series = make_series(client, organizer_token)
    event = werkstatt(client, organizer_token, series["id"], 2, "2030-02-22")
    assert event["series"] == {"id": series["id"], "title": "Werkstattreihe KoSI-Lab", "position": 2,
                               "planned_parts": 4}


def test_a_series_without_public_events_is_not_listed(client, organizer_token):
    series = make_series(client, organizer_token)
    werkstatt(client, organizer_token, series["id"], 1, "2030-01-11", publish=False)
    assert client.get("/api/v1/series").json == []
    # the series itself is public; its draft is not
    assert client.get(f"/api/v1/series/{series['id']}").json["events"] == []


def test_unknown_series_is_404(client):
    response = client.get("/api/v1/series/424242")
    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_cancelled_events_stay_in_their_series(client, organizer_token):
    series = make_series(client, organizer_token)
    event = werkstatt(client, organizer_token, series["id"], 1, "2030-01-11")
    client.post(f"/api/v1/events/{event['id']}/cancel", headers=auth(organizer_token))
    assert [e["status"] for e in client.get(f"/api/v1/series/{series['id']}").json["events"]] == ["cancelled"]
