"""An address no mail reaches holds no seat: refused at the door, or freed when its mail fails."""
from __future__ import annotations

import uuid

from services.registrations.tasks import inbox
from services.registrations.domain import undeliverable
from shared import contract
from tests.registrations.conftest import (auth, make_event, mails_to, outbox, pools, registration, sign_up,
                                          sign_up_and_confirm)


def mail_failed(app, registration_id, kind="registration.confirm_email", error="550 5.1.1 No such user here"):
    """The message notifications sends when a mail to the registrant failed for good."""
    message = {"message_id": uuid.uuid4().hex, "schema_version": contract.SCHEMA_VERSION, "origin": "notifications",
               "registration_id": registration_id, "event_id": None, "kind": kind, "error": error}
    with app.app_context():
        try:
            return inbox.consume(contract.MAIL_FAILED, message, undeliverable.mail_failed)
        finally:
            from services.registrations.models import db
            db.session.remove()


def test_max_at_localhost_is_refused_before_any_seat_is_held(client, app, events_live, token):
    event = make_event(events_live, app, token)
    answer = sign_up(client, event["id"], email="max@localhost")
    assert answer.status_code == 422 and "email" in answer.json["errors"]
    assert pools(app, event["id"]) == [(0, 5, 0)] and outbox(app, contract.REGISTRATION_MAIL) == []


def test_a_failed_confirmation_mail_frees_the_hold_and_shows_in_the_organizers_list(client, app, events_live,
                                                                                    token):
    event = make_event(events_live, app, token, registration={"capacity": 1})
    held = sign_up(client, event["id"], email="tippfehler@exmaple.org").json
    waiting = sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    assert waiting["status"] == "waitlisted" and pools(app, event["id"]) == [(0, 1, 1)]
    assert mail_failed(app, held["id"])
    assert registration(app, held["id"]).status == "expired"
    assert registration(app, waiting["id"]).status == "confirmed"  # the seat went to the waiting list
    assert pools(app, event["id"]) == [(0, 1, 1)]
    assert mails_to(app, "erika@example.org", "promoted")
    listed = {r["id"]: r for r in client.get(f"/api/v1/events/{event['id']}/registrations", headers=auth(token)).json}
    assert listed[held["id"]]["status"] == "expired" and listed[held["id"]]["mail_failed_at"]
    assert listed[held["id"]]["mail_error"] == "registration.confirm_email: 550 5.1.1 No such user here"
    assert listed[waiting["id"]]["mail_failed_at"] is None
    csv = client.get(f"/api/v1/events/{event['id']}/registrations", headers={**auth(token), "Accept": "text/csv"})
    assert "550 5.1.1 No such user here" in csv.get_data(as_text=True)


def test_a_confirmed_registration_stays_when_a_later_mail_fails(client, app, events_live, token):
    event = make_event(events_live, app, token)
    confirmed = sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    assert mail_failed(app, confirmed["id"], kind="registration.confirmed", error="gave up after 10 attempts")
    reg = registration(app, confirmed["id"])
    assert reg.status == "confirmed" and reg.mail_failed_at is not None
    assert pools(app, event["id"]) == [(0, 5, 1)]
