"""An organizer sees and changes only the organizer's own events: another's is 404, never 403."""
from tests.factories import auth, create_event, outbox_rows


def test_another_organizers_event_is_404_on_every_write(app, client, organizer_token, other_token):
    event = create_event(client, organizer_token)
    before = len(outbox_rows(app))
    for method, path, body in [
        ("patch", f"/api/v1/events/{event['id']}", {"title": "Übernommen"}),
        ("post", f"/api/v1/events/{event['id']}/publish", None),
        ("post", f"/api/v1/events/{event['id']}/cancel", {"reason": "nope"}),
    ]:
        response = getattr(client, method)(path, json=body, headers=auth(other_token))
        assert response.status_code == 404, (path, response.status_code)
        assert response.json["code"] == "not_found"
        assert "Ideenschmiede" not in response.get_data(as_text=True)
    own = client.get(f"/api/v1/events/{event['id']}", headers=auth(organizer_token)).json
    assert own == event
    assert len(outbox_rows(app)) == before  # no message for a refused change


def test_another_organizers_draft_is_404(client, organizer_token, other_token):
    event = create_event(client, organizer_token)
    assert client.get(f"/api/v1/events/{event['id']}", headers=auth(other_token)).status_code == 404
    assert client.get(f"/api/v1/events/{event['id']}/ics", headers=auth(other_token)).status_code == 404
    assert client.get(f"/api/v1/events/{event['id']}/ics").status_code == 404
    assert client.get(f"/api/v1/events/{event['id']}/ics", headers=auth(organizer_token)).status_code == 200


def test_a_published_event_of_another_organizer_is_readable_but_not_writable(client, organizer_token, other_token):
    event = create_event(client, organizer_token, publish=True)
    assert client.get(f"/api/v1/events/{event['id']}", headers=auth(other_token)).status_code == 200
    response = client.patch(f"/api/v1/events/{event['id']}", json={"title": "x"}, headers=auth(other_token))
    assert response.status_code == 404


def test_own_events_lists_only_the_callers_events(client, organizer_token, other_token):
    mine = create_event(client, organizer_token)
    theirs = create_event(client, other_token, title="Social Smart City")
    assert [e["id"] for e in client.get("/api/v1/organizers/me/events", headers=auth(organizer_token)).json] == \
        [mine["id"]]
    assert [e["id"] for e in client.get("/api/v1/organizers/me/events", headers=auth(other_token)).json] == \
        [theirs["id"]]


def test_a_new_token_of_the_same_organizer_sees_the_same_events(app, client, organizer_token):
    from services.events.cli import create_organizer
    event = create_event(client, organizer_token)
    with app.app_context():
        _, second = create_organizer("Landeshauptstadt Kiel – Referat Kreative Stadt", label="laptop")
    assert second != organizer_token
    response = client.patch(f"/api/v1/events/{event['id']}", json={"title": "Zweites Token"}, headers=auth(second))
    assert response.status_code == 200
