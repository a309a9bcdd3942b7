"""Every create/update/publish/cancel puts an event snapshot for registrations in the outbox,
in the same transaction, with a growing revision and the kind of change marked."""
from shared import contract
from tests.factories import auth, create_event, outbox_rows


def snapshots(app, event_id):
    rows = outbox_rows(app, event_id)
    assert all(r.task_name == contract.EVENT_SNAPSHOT for r in rows)
    return [r.payload for r in sorted(rows, key=lambda r: r.payload["revision"])]


def change(payload):
    return payload["change"]["kind"], payload["change"]["time_changed"], payload["change"]["place_changed"]


def test_lifecycle_messages(app, client, organizer_token):
    event = create_event(client, organizer_token)
    eid = event["id"]
    client.patch(f"/api/v1/events/{eid}", json={"title": "Ideenschmiede XL"}, headers=auth(organizer_token))
    client.post(f"/api/v1/events/{eid}/publish", headers=auth(organizer_token))
    client.post(f"/api/v1/events/{eid}/cancel", json={"reason": "Sturm"}, headers=auth(organizer_token))

    payloads = snapshots(app, eid)
    assert [p["revision"] for p in payloads] == [1, 2, 3, 4]
    assert [change(p) for p in payloads] == [
        ("created", False, False), ("updated", False, False), ("published", False, False),
        ("cancelled", False, False)]
    assert [p["event"]["status"] for p in payloads] == ["draft", "draft", "published", "cancelled"]
    assert payloads[1]["event"]["title"] == "Ideenschmiede XL"
    assert payloads[3]["event"]["cancellation_reason"] == "Sturm"
    for payload in payloads:
        data = contract.validate_payload(contract.EVENT_SNAPSHOT, payload)
        assert data["event_id"] == eid
        assert payload["origin"] == "events"
        assert payload["schema_version"] == contract.SCHEMA_VERSION
        assert payload["event"]["revision"] == payload["revision"]
    assert len({p["message_id"] for p in payloads}) == 4


def test_snapshot_carries_the_public_representation_and_policy(app, client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    latest = snapshots(app, event["id"])[-1]
    public = client.get(f"/api/v1/events/{event['id']}").json
    for name in ("id", "title", "starts_at", "ends_at", "timezone", "language", "format", "venue", "sessions",
                 "contacts", "organizer", "price", "registration", "status", "revision"):
        assert latest["event"][name] == public[name], name
    assert latest["event"]["registration"]["closes_at"] == "2030-09-10T09:00:00+02:00"
    assert latest["event"]["registration"]["capacity"] == 20


def test_time_change_is_marked(app, client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    response = client.patch(f"/api/v1/events/{event['id']}", headers=auth(organizer_token),
                            json={"ends_at": "2030-09-17T17:00:00"})
    assert response.status_code == 200, response.json
    assert change(snapshots(app, event["id"])[-1]) == ("updated", True, False)


def test_session_time_change_is_a_time_change(app, client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    session = dict(event["sessions"][0], starts_at="2030-09-13T10:30:00")
    response = client.patch(f"/api/v1/events/{event['id']}", headers=auth(organizer_token), json={"sessions": [
        {k: session[k] for k in ("id", "title", "starts_at", "ends_at", "capacity", "registration")}]})
    assert response.status_code == 200, response.json
    assert change(snapshots(app, event["id"])[-1]) == ("updated", True, False)


def test_same_times_in_another_notation_are_no_time_change(app, client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    # 10:00 Berlin summer time is 08:00 UTC: the same instant
    response = client.patch(f"/api/v1/events/{event['id']}", headers=auth(organizer_token),
                            json={"starts_at": "2030-09-13T08:00:00Z", "title": "Neuer Titel"})
    assert response.status_code == 200, response.json
    assert change(snapshots(app, event["id"])[-1]) == ("updated", False, False)


def test_place_change_is_marked(app, client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    response = client.patch(f"/api/v1/events/{event['id']}", headers=auth(organizer_token),
                            json={"venue": {"name": "Rathaus Kiel", "street": "Fleethörn 9", "postal_code": "24103",
                                            "city": "Kiel"}})
    assert response.status_code == 200, response.json
    assert change(snapshots(app, event["id"])[-1]) == ("updated", False, True)


def test_switching_online_is_a_place_change(app, client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    response = client.patch(f"/api/v1/events/{event['id']}", headers=auth(organizer_token),
                            json={"format": "online", "venue": None, "online_url": "https://meet.example/kiel"})
    assert response.status_code == 200, response.json
    assert change(snapshots(app, event["id"])[-1]) == ("updated", False, True)


def test_time_and_place_together(app, client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    response = client.patch(f"/api/v1/events/{event['id']}", headers=auth(organizer_token),
                            json={"ends_at": "2030-09-18T16:00:00", "venue": {
                                "name": "Stadtteilbücherei Dietrichsdorf", "city": "Kiel-Gaarden"}})
    assert response.status_code == 200, response.json
    assert change(snapshots(app, event["id"])[-1]) == ("updated", True, True)


def test_no_message_for_refused_or_idempotent_calls(app, client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    count = len(snapshots(app, event["id"]))
    client.patch(f"/api/v1/events/{event['id']}", json={"ends_at": "2020-01-01T00:00:00"},
                 headers=auth(organizer_token))  # 422
    client.post(f"/api/v1/events/{event['id']}/publish", headers=auth(organizer_token))  # already published
    client.post("/api/v1/events", json={"title": ""}, headers=auth(organizer_token))  # 422
    assert len(snapshots(app, event["id"])) == count
    assert len(outbox_rows(app)) == count


def test_outbox_row_is_written_in_the_same_transaction(app, client, organizer_token):
    """A message exists for every stored revision, and nothing else."""
    event = create_event(client, organizer_token, publish=True)
    rows = outbox_rows(app, event["id"])
    assert {r.payload["revision"] for r in rows} == set(range(1, event["revision"] + 1))
    assert all(r.request_id for r in rows)
