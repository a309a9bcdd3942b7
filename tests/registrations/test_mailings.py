"""An organizer writes to an audience of an event's registrants: registrations picks the people
and queues one organizer mail per person (with their own cancel link) for notifications."""
from shared import contract
from tests.factories import auth, link_token, sign_up
from tests.registrations.conftest import kiel_sessions, make_event, outbox, sign_up_and_confirm


def mailing(client, event_id, token, headers=None, **body):
    body = {"audience": "all", "subject": "Bitte Laptop mitbringen", "body": "Liebe Teilnehmende,\n\nbis bald!",
            **body}
    return client.post(f"/api/v1/events/{event_id}/mailings", json=body, headers={**auth(token), **(headers or {})})


def copies(app, mailing_id):
    return [p for p in outbox(app, contract.ORGANIZER_MAIL) if p["mailing_id"] == mailing_id]


def test_each_audience_reaches_its_people(client, app, events_live, token):
    event = make_event(events_live, app, token, sessions=kiel_sessions(), ends_at="2030-09-14T16:00:00",
                       registration={"capacity": None})
    first, second = [s["id"] for s in event["sessions"] if s["registration"] == "required"]  # 2 seats each
    sign_up_and_confirm(client, app, event["id"], "a@example.org", session_ids=[first])
    sign_up_and_confirm(client, app, event["id"], "b@example.org", session_ids=[first, second])
    waiting = sign_up_and_confirm(client, app, event["id"], "c@example.org", session_ids=[first])
    assert waiting["status"] == "waitlisted"
    sign_up(client, event["id"], email="unconfirmed@example.org", session_ids=[second])

    def reached(**body):
        response = mailing(client, event["id"], token, **body)
        assert response.status_code == 202, response.json
        return sorted(p["registrant"]["email"] for p in copies(app, response.json["id"]))

    assert reached(audience="all") == ["a@example.org", "b@example.org", "c@example.org"]
    assert reached(audience="confirmed") == ["a@example.org", "b@example.org"]
    assert reached(audience="waitlisted") == ["c@example.org"]
    assert reached(audience="session", session_id=second) == ["b@example.org"]

    listed = client.get(f"/api/v1/events/{event['id']}/mailings", headers=auth(token)).json
    assert [(m["audience"], m["recipients"]) for m in listed] == [("session", 1), ("waitlisted", 1), ("confirmed", 2),
                                                                  ("all", 3)]
    assert listed[0]["session_id"] == second and listed[0]["sent_by"] is None
    copy = copies(app, listed[-1]["id"])[0]
    assert copy["subject"] == "Bitte Laptop mitbringen" and copy["body"] == "Liebe Teilnehmende,\n\nbis bald!"
    assert copy["event"]["id"] == event["id"] and link_token(copy["links"]["cancel"])
    assert copy["registration"]["status"] in ("confirmed", "waitlisted")


def test_bad_input_names_the_field_and_queues_nothing(client, app, events_live, token):
    event = make_event(events_live, app, token)
    other = make_event(events_live, app, token, sessions=kiel_sessions(), ends_at="2030-09-14T16:00:00")
    foreign_session = other["sessions"][0]["id"]
    checks = [({"audience": "everyone"}, "audience"), ({"subject": "  "}, "subject"),
              ({"subject": "a\nBcc: x"}, "subject"),
              ({"body": ""}, "body"), ({"audience": "session", "session_id": foreign_session}, "session_id"),
              ({"audience": "confirmed", "session_id": foreign_session}, "session_id"),
              ({"audience": "all"}, "audience")]  # nobody signed up yet
    for body, field in checks:
        response = mailing(client, event["id"], token, **body)
        assert response.status_code == 422, (body, response.json)
        assert field in response.json["errors"], (body, response.json)
    assert outbox(app, contract.ORGANIZER_MAIL) == []
    assert client.get(f"/api/v1/events/{event['id']}/mailings", headers=auth(token)).json == []


def test_the_same_idempotency_key_sends_once(client, app, events_live, token):
    event = make_event(events_live, app, token)
    sign_up_and_confirm(client, app, event["id"], "a@example.org")
    first = mailing(client, event["id"], token, headers={"Idempotency-Key": "form-123"})
    again = mailing(client, event["id"], token, headers={"Idempotency-Key": "form-123"})
    assert first.status_code == again.status_code == 202 and first.json["id"] == again.json["id"]
    assert len(outbox(app, contract.ORGANIZER_MAIL)) == 1


def test_another_organizer_reaches_nothing(client, app, events_live, token, other_token):
    event = make_event(events_live, app, token)
    sign_up_and_confirm(client, app, event["id"], "a@example.org")
    assert mailing(client, event["id"], other_token).status_code == 404
    assert client.get(f"/api/v1/events/{event['id']}/mailings", headers=auth(other_token)).status_code == 404
    assert client.post(f"/api/v1/events/{event['id']}/mailings", json={}).status_code == 401
    assert outbox(app, contract.ORGANIZER_MAIL) == []
