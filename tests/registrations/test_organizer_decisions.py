"""Organizer API of the workspace's registrations page: filters, cancel by the organizer,
promotion from the waiting list, the page's counts; another organizer's → 404."""
import csv
import io

from shared import contract
from tests.factories import auth, mails_to, pools, registration, sign_up
from tests.registrations.conftest import kiel_sessions, make_event, outbox, sign_up_and_confirm


def test_list_filters_by_status_and_session(client, app, events_live, token):
    event = make_event(events_live, app, token, sessions=kiel_sessions(), ends_at="2030-09-14T16:00:00",
                       registration={"capacity": None})
    first, second = [s["id"] for s in event["sessions"] if s["registration"] == "required"]
    sign_up_and_confirm(client, app, event["id"], "erika@example.org", session_ids=[first])
    sign_up_and_confirm(client, app, event["id"], "max@example.org", session_ids=[first, second])
    sign_up(client, event["id"], email="ole@example.org", session_ids=[second])
    url = f"/api/v1/events/{event['id']}/registrations"

    def emails(query):
        response = client.get(url + query, headers=auth(token))
        assert response.status_code == 200, response.json
        return [r["email"] for r in response.json]

    assert emails(f"?session_id={first}") == ["erika@example.org", "max@example.org"]
    assert emails(f"?session_id={second}") == ["max@example.org", "ole@example.org"]
    assert emails(f"?session_id={second}&status=confirmed") == ["max@example.org"]
    assert client.get(url + "?session_id=abc", headers=auth(token)).status_code == 422
    assert client.get(url + "?status=bogus", headers=auth(token)).status_code == 422
    exported = client.get(url + f"?session_id={first}", headers={**auth(token), "Accept": "text/csv"})
    assert exported.data.decode("utf-8-sig").count("\r\n") == 3  # header and two people


def test_organizer_cancels_with_a_note_and_the_waiting_list_moves_up(client, app, events_live, token, other_token):
    event = make_event(events_live, app, token, registration={"capacity": 1})
    erika = sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    max_ = sign_up_and_confirm(client, app, event["id"], "max@example.org")
    assert max_["status"] == "waitlisted"
    url = f"/api/v1/registrations/{erika['id']}/cancel-by-organizer"
    assert client.post(url, json={}).status_code == 401
    assert client.post(url, json={}, headers=auth(other_token)).status_code == 404
    assert client.post(url, json={"note": "x" * 2001}, headers=auth(token)).status_code == 422
    response = client.post(url, json={"note": "Der Raum ist kleiner als gedacht."}, headers=auth(token))
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    kept = registration(app, erika["id"])
    assert kept.cancelled_at and kept.cancelled_by is None  # an API token: no member to record
    [mail] = [m for m in mails_to(app, "erika@example.org") if m["kind"] == "cancelled_by_organizer"]
    assert mail["note"] == "Der Raum ist kleiner als gedacht."
    assert registration(app, max_["id"]).status == "confirmed"  # promoted into the freed seat
    assert mails_to(app, "max@example.org")[-1]["kind"] == "promoted"
    assert pools(app, event["id"]) == [(0, 1, 1)]
    # once more: nothing changes, no second mail
    assert client.post(url, json={}, headers=auth(token)).json["status"] == "cancelled"
    assert len([m for m in mails_to(app, "erika@example.org") if m["kind"] == "cancelled_by_organizer"]) == 1
    expired = registration(app, max_["id"])
    assert expired.status == "confirmed"


def test_promote_needs_a_free_seat_unless_beyond_capacity(client, app, events_live, token, other_token):
    event = make_event(events_live, app, token, registration={"capacity": 1})
    sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    max_ = sign_up_and_confirm(client, app, event["id"], "max@example.org", companions=1)
    url = f"/api/v1/registrations/{max_['id']}/promote"
    assert client.post(url, json={}, headers=auth(other_token)).status_code == 404
    full = client.post(url, json={}, headers=auth(token))
    assert full.status_code == 409 and full.json["code"] == "event_full"
    assert registration(app, max_["id"]).status == "waitlisted" and pools(app, event["id"]) == [(0, 1, 1)]
    response = client.post(url, json={"beyond_capacity": True}, headers=auth(token))
    assert response.status_code == 200 and response.json["status"] == "confirmed"
    assert pools(app, event["id"]) == [(0, 1, 3)]  # overbooked by the organizer's decision (with a companion)
    assert registration(app, max_["id"]).decided_at is not None
    assert mails_to(app, "max@example.org")[-1]["kind"] == "promoted"
    again = client.post(url, json={}, headers=auth(token))
    assert again.status_code == 409 and again.json["code"] == "not_waitlisted"
    # the overbooked event lets nobody new in
    summary = client.get(f"/api/v1/events/{event['id']}/registrations/summary", headers=auth(token)).json
    assert summary["seats"]["available"] == 0


def test_promote_on_an_approval_event_waits_for_approval(client, app, events_live, token):
    event = make_event(events_live, app, token, registration={"capacity": 1, "approval": True})
    sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    max_ = sign_up_and_confirm(client, app, event["id"], "max@example.org")
    response = client.post(f"/api/v1/registrations/{max_['id']}/promote", json={"beyond_capacity": True},
                           headers=auth(token))
    assert response.json["status"] == "pending_approval"
    approved = client.post(f"/api/v1/registrations/{max_['id']}/approve", headers=auth(token))
    assert approved.json["status"] == "confirmed"


def test_summary_counts_people_per_status(client, app, events_live, token, other_token):
    event = make_event(events_live, app, token, registration={"capacity": 2})
    a = sign_up_and_confirm(client, app, event["id"], "a@example.org")
    sign_up_and_confirm(client, app, event["id"], "b@example.org")
    sign_up_and_confirm(client, app, event["id"], "c@example.org")
    sign_up(client, event["id"], email="d@example.org")
    assert client.post(f"/api/v1/registrations/{a['id']}/check-in", headers=auth(token)).status_code == 200
    url = f"/api/v1/events/{event['id']}/registrations/summary"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth(other_token)).status_code == 404
    summary = client.get(url, headers=auth(token)).json
    assert summary["by_status"] == {"pending_confirmation": 1, "confirmed": 2, "waitlisted": 1,
                                    "pending_approval": 0, "cancelled": 0, "rejected": 0, "expired": 0}
    assert summary["checked_in"] == 1 and summary["active"] == 4
    assert summary["seats"]["capacity"] == 2 and summary["seats"]["taken"] == 2 and summary["seats"]["waitlist"] == 1
    assert not [p for p in outbox(app, contract.REGISTRATION_MAIL) if p["kind"] == "cancelled_by_organizer"]


def member_session(events_live, organizer_name: str, email: str, name: str) -> str:
    """A workspace member's session token, issued by the real events service."""
    from services.events import members
    from services.events.cli import add_member
    from services.events.models import db as events_db
    with events_live.app.app_context():
        add_member(organizer_name, email, name=name)
        token = members.start_session(members.active_by_email(email)[0])
        events_db.session.commit()
        events_db.session.remove()
    return token


def test_a_members_decisions_record_who_acted(client, app, events_live, token):
    event = make_event(events_live, app, token, registration={"capacity": 2, "approval": True})
    anne = member_session(events_live, "Landeshauptstadt Kiel – Referat Kreative Stadt", "anne@example.org",
                          "Anne Beispiel")
    me = client.get("/api/v1/events/%d/registrations" % event["id"], headers=auth(anne))
    assert me.status_code == 200  # a member session token works like an organizer token
    a = sign_up_and_confirm(client, app, event["id"], "a@example.org")
    b = sign_up_and_confirm(client, app, event["id"], "b@example.org")
    c = sign_up_and_confirm(client, app, event["id"], "c@example.org")
    w = sign_up_and_confirm(client, app, event["id"], "w@example.org")
    assert w["status"] == "waitlisted"
    for reg, action in ((a, "approve"), (a, "check-in"), (b, "reject"), (c, "cancel-by-organizer")):
        answer = client.post(f"/api/v1/registrations/{reg['id']}/{action}", json={}, headers=auth(anne))
        assert answer.status_code == 200, (action, answer.json)
    anne_ref = {"id": registration(app, a["id"]).decided_by["id"], "name": "Anne Beispiel"}
    assert registration(app, a["id"]).decided_by == anne_ref
    assert registration(app, a["id"]).checked_in_by == anne_ref
    assert registration(app, b["id"]).decided_by == anne_ref
    assert registration(app, c["id"]).cancelled_by == anne_ref
    # the waiting list moved up into the freed seats; the one promoted by hand names Anne
    exported = client.get(f"/api/v1/events/{event['id']}/registrations", headers={**auth(anne), "Accept": "text/csv"})
    header, *rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";"))
    assert [r[header.index("checked_in_by")] for r in rows if r[3] == "a@example.org"] == ["Anne Beispiel"]
    shown = client.get(f"/api/v1/registrations/{a['id']}", headers=auth(anne)).json
    assert shown["checked_in_by"] == anne_ref and shown["email"] == "a@example.org"
    sent = client.post(f"/api/v1/events/{event['id']}/mailings", headers=auth(anne),
                       json={"audience": "confirmed", "subject": "Hallo", "body": "Bis bald"})
    assert sent.status_code == 202 and sent.json["sent_by"] == anne_ref
    assert [p["sent_by"] for p in outbox(app, contract.ORGANIZER_MAIL)] == [anne_ref]
