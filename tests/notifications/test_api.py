"""The organizer API (own events only), bulk messages, erasure and the dev mailbox."""
from __future__ import annotations

import time

import pytest
from flask import Flask, jsonify, request
from sqlalchemy import select

from services.notifications import create_app
from services.notifications.models import Attendee, Message, db
from shared.contract import CONTACT_MAIL, ERASE_PERSON, REGISTRATION_MAIL
from shared.embedded import free_port
from tests.factories import auth, event_body, wait_until
from tests.notifications.conftest import (body_text, contact_mail, envelope, fes_event, kiel_event, registration_mail,
                                          settled_rows)
from tests.servers import serve_app

pytestmark = pytest.mark.usefixtures("worker")


def settle(app, count):
    return settled_rows(app, count)


@pytest.fixture()
def two_organizers_mails(celery, sink, app, organizers):
    kiel = registration_mail("confirmed", event=kiel_event(organizer_id=organizers.kiel.id), registration_id="reg-k1")
    kiel_contact = contact_mail(event=kiel_event(organizer_id=organizers.kiel.id))
    fes = registration_mail("confirmed", event=fes_event(organizer_id=organizers.fes.id), registration_id="reg-f1",
                            session_ids=[21], email="ole@example.org", name="Ole Hansen")
    for task, payload in ((REGISTRATION_MAIL, kiel), (CONTACT_MAIL, kiel_contact), (REGISTRATION_MAIL, fes)):
        celery.send_task(task, kwargs={"message": payload})
    settle(app, 4)
    return kiel, fes


def test_messages_need_a_token(client):
    response = client.get("/api/v1/messages")
    assert response.status_code == 401
    assert response.json["code"] == "unauthorized"
    assert client.get("/api/v1/messages", headers=auth("ce_wrong")).status_code == 401


def test_organizer_sees_only_own_messages(client, organizers, two_organizers_mails):
    mine = client.get("/api/v1/messages", headers=auth(organizers.kiel.token))
    assert mine.status_code == 200
    assert sorted((m["kind"], m["to"]) for m in mine.json) == [
        ("contact.new_registration", "anne.czichowski@kiel.de"), ("contact.new_registration", "kreativ@kiel.de"),
        ("registration.confirmed", "jana.petersen@example.org")]
    one = next(m for m in mine.json if m["kind"] == "registration.confirmed")
    assert set(one) >= {"id", "kind", "to", "subject", "status", "attempts", "sent_at"}
    assert one["status"] == "sent" and one["attempts"] == 1 and one["sent_at"]
    assert one["subject"] == "Anmeldebestätigung: Tiny Rathaus in Dietrichsdorf – zweite Testwoche"

    by_reg = client.get("/api/v1/messages?registration_id=reg-k1", headers=auth(organizers.kiel.token)).json
    assert [m["to"] for m in by_reg] == ["jana.petersen@example.org"]
    assert client.get("/api/v1/messages?event_id=101", headers=auth(organizers.kiel.token)).status_code == 200

    theirs = client.get("/api/v1/messages", headers=auth(organizers.fes.token)).json
    assert [(m["kind"], m["to"]) for m in theirs] == [("registration.confirmed", "ole@example.org")]
    # another organizer's event or registration: 404 / nothing
    assert client.get("/api/v1/messages?event_id=101", headers=auth(organizers.fes.token)).status_code == 404
    assert client.get("/api/v1/messages?registration_id=reg-k1", headers=auth(organizers.fes.token)).json == []
    assert client.get("/api/v1/messages?event_id=abc", headers=auth(organizers.fes.token)).status_code == 422


def test_erase_person(celery, app, organizers, two_organizers_mails):
    kiel, fes = two_organizers_mails
    celery.send_task(ERASE_PERSON, kwargs={"message": {
        **envelope(), "email": "Jana.Petersen@example.org", "organizer_id": organizers.kiel.id, "event_ids": [101]}})
    with app.app_context():
        def erased():
            db.session.rollback()
            rows = db.session.execute(select(Message)).scalars().all()
            return rows if len(rows) == 1 else None
        [left] = wait_until(erased)
        # her confirmation and the contacts' notifications about her are gone; Ole's mail stays
        assert left.recipient == "ole@example.org"
        assert db.session.get(Attendee, "reg-k1") is None
        assert db.session.get(Attendee, "reg-f1") is not None


@pytest.fixture()
def registrations_stub(app):
    """Stands in for the registrations service's organizer list."""
    stub = Flask("registrations-stub")
    seen = {}

    @stub.get("/api/v1/events/<int:event_id>/registrations")
    def registrations(event_id):
        seen["auth"] = request.headers.get("Authorization")
        return jsonify([
            {"id": "r1", "name": "Jana Petersen", "email": "jana.petersen@example.org", "locale": None,
             "status": "confirmed"},
            {"id": "r2", "name": "Sam Doe", "email": "sam@example.com", "locale": "en", "status": "confirmed"},
            {"id": "r3", "name": "Wait Ing", "email": "wait@example.org", "status": "waitlisted"},
            {"id": "r4", "name": "Gone", "email": "gone@example.org", "status": "cancelled"},
        ])

    with serve_app(stub) as server:
        app.config["REGISTRATIONS_URL"] = server.url
        server.seen = seen
        yield server


def create_event(events_server, token) -> int:
    response = events_server.app.test_client().post("/api/v1/events", json=event_body(), headers=auth(token))
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_bulk_message_to_confirmed_registrants(client, sink, app, events_server, organizers, registrations_stub):
    event_id = create_event(events_server, organizers.kiel.token)
    body = {"subject": "Raumänderung\r\nBcc: victim@example.org", "body": "Wir treffen uns im Raum 2.\nBis bald!"}
    response = client.post(f"/api/v1/events/{event_id}/messages", json=body, headers=auth(organizers.kiel.token))
    assert response.status_code == 202, response.json
    assert response.json["queued"] == 2 and response.json["source"] == "registrations"
    assert registrations_stub.seen["auth"] == f"Bearer {organizers.kiel.token}"
    mails = sink.wait_for(2)
    assert sorted(m.rcpt_tos[0] for m in mails) == ["jana.petersen@example.org", "sam@example.com"]
    jana = next(m for m in mails if m.rcpt_tos == ["jana.petersen@example.org"])
    assert jana.msg["Subject"] == "Raumänderung Bcc: victim@example.org" and jana.msg["Bcc"] is None
    assert "Wir treffen uns im Raum 2.\nBis bald!" in body_text(jana.msg)
    assert body_text(jana.msg).startswith("Guten Tag Jana Petersen,")
    sam = next(m for m in mails if m.rcpt_tos == ["sam@example.com"])
    assert body_text(sam.msg).startswith("Hello Sam Doe,")
    listed = client.get(f"/api/v1/messages?event_id={event_id}", headers=auth(organizers.kiel.token)).json
    assert {m["kind"] for m in listed} == {"bulk"} and len(listed) == 2


def test_bulk_message_is_idempotent_by_key(client, sink, app, events_server, organizers, registrations_stub):
    event_id = create_event(events_server, organizers.kiel.token)
    headers = {**auth(organizers.kiel.token), "Idempotency-Key": "batch-1"}
    body = {"subject": "Hinweis", "body": "Bitte Ausweis mitbringen."}
    assert client.post(f"/api/v1/events/{event_id}/messages", json=body, headers=headers).json["queued"] == 2
    again = client.post(f"/api/v1/events/{event_id}/messages", json=body, headers=headers)
    assert again.status_code == 202 and again.json["source"] == "earlier"
    sink.wait_for(2)
    time.sleep(1)
    assert len(sink.mails) == 2


def test_bulk_message_other_organizers_event_is_404(client, events_server, organizers, registrations_stub):
    event_id = create_event(events_server, organizers.kiel.token)
    response = client.post(f"/api/v1/events/{event_id}/messages", json={"subject": "x", "body": "y"},
                           headers=auth(organizers.fes.token))
    assert response.status_code == 404
    assert client.post("/api/v1/events/999999/messages", json={"subject": "x", "body": "y"},
                       headers=auth(organizers.kiel.token)).status_code == 404
    bad = client.post(f"/api/v1/events/{event_id}/messages", json={"subject": ""},
                      headers=auth(organizers.kiel.token))
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"subject", "body"}


def test_bulk_message_falls_back_to_known_registrants(client, celery, sink, app, events_server, organizers):
    """Registrations unreachable: the confirmed registrations notifications knows of get it."""
    event_id = create_event(events_server, organizers.kiel.token)
    event = kiel_event(organizer_id=organizers.kiel.id, id=event_id)
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirmed", event=event)})
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail(
        "waitlisted", event=event, email="wait@example.org")})
    sink.wait_for(2)
    response = client.post(f"/api/v1/events/{event_id}/messages", json={"subject": "Hinweis", "body": "Text"},
                           headers=auth(organizers.kiel.token))
    assert response.status_code == 202 and response.json == {
        "batch_id": response.json["batch_id"], "queued": 1, "failed": 0, "source": "local"}
    third = sink.wait_for(3)[2]
    assert third.rcpt_tos == ["jana.petersen@example.org"] and third.msg["Subject"] == "Hinweis"


def test_dev_mailbox_shows_the_sinks_mails(app, celery, tmp_path):
    from services.notifications import sink as sink_module
    port = free_port()
    controller = sink_module.start("127.0.0.1", port, tmp_path / "mailbox")
    saved = app.config["SMTP_PORT"], app.config["MAILBOX_DIR"]
    app.config.update(SMTP_PORT=port, MAILBOX_DIR=str(tmp_path / "mailbox"))
    try:
        client = app.test_client()
        assert "No mails yet." in client.get("/mailbox?lang=en").get_data(as_text=True)
        celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirmed", name="Jana <b>P</b>")})
        page = wait_until(lambda: (lambda html: html if "Anmeldebestätigung" in html else None)(
            client.get("/mailbox").get_data(as_text=True)))
        assert "jana.petersen@example.org" in page
        key = page.split('href="/mailbox/', 1)[1].split('"', 1)[0]
        one = client.get(f"/mailbox/{key}").get_data(as_text=True)
        assert "Guten Tag Jana &lt;b&gt;P&lt;/b&gt;," in one  # text part, escaped
        assert 'sandbox=""' in one and "srcdoc=" in one  # HTML part, isolated
        assert "BEGIN:VCALENDAR" in one
        assert client.get("/mailbox/..%2F..%2Fetc").status_code == 404
        assert client.get("/mailbox/nope").status_code == 404
    finally:
        app.config.update(SMTP_PORT=saved[0], MAILBOX_DIR=saved[1])
        controller.stop()


def test_no_mailbox_outside_development(databases, redis_url, tmp_path):
    other = create_app({"TESTING": True, "CIVIC_ENV": "staging", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                        "REDIS_URL": redis_url, "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat")})
    assert other.test_client().get("/mailbox").status_code == 404


def test_health_and_openapi(client):
    assert client.get("/healthz").json["service"] == "notifications"
    assert client.get("/readyz").status_code == 200
    spec = client.get("/openapi.json").json
    assert "/api/v1/messages" in spec["paths"] and "/api/v1/events/{event_id}/messages" in spec["paths"]
    from openapi_spec_validator import validate
    validate(spec)
