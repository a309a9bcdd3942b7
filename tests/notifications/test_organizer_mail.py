"""An organizer's mailing as notifications sends it: one mail per registrant with the organizer's
text and the registrant's own cancel link, and its delivery log (by mailing, own events only)."""
from __future__ import annotations

import copy
import uuid

import pytest

from shared.contract import ORGANIZER_MAIL, REGISTRATION_MAIL
from tests.factories import auth
from tests.notifications.conftest import (body_html, body_text, envelope, fes_event, kiel_event, registration_mail,
                                          settled_rows)

pytestmark = pytest.mark.usefixtures("worker")


def organizer_mail(event, mailing_id, *, name="Jana Petersen", email="jana.petersen@example.org", locale=None,
                   status="confirmed", body="Bitte bringen Sie einen Laptop mit.\n\nBis bald!") -> dict:
    rid = uuid.uuid4().hex[:12]
    return {
        **envelope(), "mailing_id": mailing_id, "audience": "all", "subject": "Was Sie mitbringen sollten",
        "body": body, "sent_by": {"id": 7, "name": "Anne Czichowski"},
        "registrant": {"name": name, "email": email, "locale": locale},
        "registration": {"id": rid, "status": status, "companions": 0, "session_ids": [11], "answers": {}},
        "event": copy.deepcopy(event),
        "links": {"cancel": f"https://anmeldung.example.org/cancel/tok-{rid}",
                  "event_page": "https://anmeldung.example.org/events/101"},
    }


def test_each_registrant_gets_the_organizers_text_with_their_own_cancel_link(celery, sink, app, client, organizers):
    mailing = uuid.uuid4().hex
    event = kiel_event(organizer_id=organizers.kiel.id)
    jana = organizer_mail(event, mailing)
    ole = organizer_mail(event, mailing, name="Ole Hansen", email="ole@example.org", locale="en", status="waitlisted")
    for payload in (jana, ole):
        celery.send_task(ORGANIZER_MAIL, kwargs={"message": payload})
    sink.wait_for(2)
    [to_jana] = sink.to("jana.petersen@example.org")
    assert to_jana.msg["Subject"] == "Was Sie mitbringen sollten"
    text = body_text(to_jana.msg)
    assert text.startswith("Guten Tag Jana Petersen,\n\nBitte bringen Sie einen Laptop mit.\n\nBis bald!")
    assert "Landeshauptstadt Kiel – Referat Kreative Stadt (Anne Czichowski)" in text
    assert jana["links"]["cancel"] in text and ole["links"]["cancel"] not in text
    assert to_jana.msg["List-Unsubscribe"] == f"<{jana['links']['cancel']}>"
    assert "<p>Bitte bringen Sie einen Laptop mit.</p>" in body_html(to_jana.msg)
    [to_ole] = sink.to("ole@example.org")
    assert body_text(to_ole.msg).startswith("Hello Ole Hansen,")
    assert "are on the waiting list of this event" in body_text(to_ole.msg)

    settled_rows(app, 2)
    log = client.get(f"/api/v1/messages?mailing_id={mailing}", headers=auth(organizers.kiel.token))
    assert log.status_code == 200
    assert sorted((m["to"], m["kind"], m["status"], m["attempts"], m["mailing_id"]) for m in log.json) == [
        ("jana.petersen@example.org", "organizer_mail", "sent", 1, mailing),
        ("ole@example.org", "organizer_mail", "sent", 1, mailing)]
    by_kind = client.get(f"/api/v1/messages?event_id=101&kind=organizer_mail", headers=auth(organizers.kiel.token))
    assert len(by_kind.json) == 2
    # another organizer sees nothing of it
    assert client.get(f"/api/v1/messages?mailing_id={mailing}", headers=auth(organizers.fes.token)).json == []
    assert client.get("/api/v1/messages?event_id=101", headers=auth(organizers.fes.token)).status_code == 404


def test_a_redelivered_copy_sends_no_second_mail(celery, sink, app, organizers):
    payload = organizer_mail(fes_event(organizer_id=organizers.fes.id), uuid.uuid4().hex, email="ole@example.org")
    for _ in range(2):
        celery.send_task(ORGANIZER_MAIL, kwargs={"message": payload})
    rows = settled_rows(app, 1)
    sink.wait_for(1)
    assert len(rows) == 1 and len(sink.to("ole@example.org")) == 1


def test_cancelled_by_the_organizer_carries_their_note_and_no_cancel_link(celery, sink):
    payload = registration_mail("cancelled_by_organizer", status="cancelled")
    payload["note"] = "Der Workshop wird verkleinert.\nWir melden uns zum nächsten Termin."
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": payload})
    [mail] = sink.wait_for(1)
    assert mail.msg["Subject"] == ("Der Veranstalter hat Ihre Anmeldung storniert: "
                                   "Tiny Rathaus in Dietrichsdorf – zweite Testwoche")
    text = body_text(mail.msg)
    assert "der Veranstalter hat Ihre Anmeldung" in text
    assert "Der Workshop wird verkleinert.\nWir melden uns zum nächsten Termin." in text
    assert payload["links"]["cancel"] not in text and mail.msg["List-Unsubscribe"] is None
