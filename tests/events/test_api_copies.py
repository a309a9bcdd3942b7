"""Duplicating an event (plain copy, next part of a series) and the organizer's own series."""
from tests.events.test_api_series import make_series, werkstatt
from tests.factories import auth, create_event


def duplicate(client, token, event_id, **body):
    return client.post(f"/api/v1/events/{event_id}/duplicate", json=body, headers=auth(token))


def test_a_duplicate_is_a_draft_with_everything_but_the_ids(client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    response = duplicate(client, organizer_token, event["id"])
    assert response.status_code == 201, response.json
    copy = response.json
    assert copy["id"] != event["id"] and copy["status"] == "draft"
    for key in ("title", "starts_at", "ends_at", "venue", "contacts", "agenda", "registration", "price"):
        assert copy[key] == event[key], key
    assert [s["title"] for s in copy["sessions"]] == [s["title"] for s in event["sessions"]]
    assert {s["id"] for s in copy["sessions"]}.isdisjoint({s["id"] for s in event["sessions"]})
    assert copy["series"] is None


def test_next_part_follows_the_series_interval_and_keeps_the_wall_clock(client, organizer_token):
    series = make_series(client, organizer_token)
    werkstatt(client, organizer_token, series["id"], 1, "2030-02-08")
    second = werkstatt(client, organizer_token, series["id"], 2, "2030-02-22")
    response = duplicate(client, organizer_token, second["id"], next_part=True)
    assert response.status_code == 201, response.json
    part = response.json
    # fortnightly, and across the change to summer time the workshop still starts at 11:00
    assert part["starts_at"] == "2030-03-08T11:00:00+01:00"
    assert part["series"]["id"] == series["id"] and part["series"]["position"] == 3
    later = duplicate(client, organizer_token, part["id"], next_part=True).json
    assert later["starts_at"] == "2030-03-22T11:00:00+01:00"
    assert later["series"]["position"] == 4
    deadline_part = create_event(client, organizer_token, series_id=series["id"], series_position=5,
                                 starts_at="2030-03-29T11:00:00", ends_at="2030-03-29T16:00:00",
                                 sessions=[], agenda=[], registration={"mode": "required",
                                                                       "closes_at": "2030-03-26T09:00:00"})
    shifted = duplicate(client, organizer_token, deadline_part["id"], next_part=True).json
    assert shifted["starts_at"] == "2030-04-05T11:00:00+02:00"
    assert shifted["registration"]["closes_at"] == "2030-04-02T09:00:00+02:00"


def test_next_part_of_an_event_without_series_is_a_conflict(client, organizer_token):
    event = create_event(client, organizer_token)
    response = duplicate(client, organizer_token, event["id"], next_part=True)
    assert response.status_code == 409
    assert response.json["code"] == "not_in_series"


def test_another_organizers_event_cannot_be_duplicated(client, organizer_token, other_token):
    event = create_event(client, organizer_token)
    assert duplicate(client, other_token, event["id"]).status_code == 404
    assert client.post(f"/api/v1/events/{event['id']}/duplicate").status_code == 401


def test_my_series_lists_own_series_with_drafts_only(client, organizer_token, other_token):
    mine = make_series(client, organizer_token)
    make_series(client, other_token, title="Fremde Reihe")
    draft = werkstatt(client, organizer_token, mine["id"], 1, "2030-02-08", publish=False)
    response = client.get("/api/v1/organizers/me/series", headers=auth(organizer_token))
    assert response.status_code == 200
    assert [s["id"] for s in response.json] == [mine["id"]]
    assert [(e["id"], e["status"], e["series_position"]) for e in response.json[0]["events"]] == \
        [(draft["id"], "draft", 1)]
