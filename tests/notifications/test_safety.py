"""Bad addresses and header-injection attempts are refused or cleaned, never sent as headers."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from services.notifications.models import Message, ProcessedMessage, db
from services.notifications.safety import InvalidAddress, clean_address, clean_text, clean_url
from shared.contract import CONTACT_MAIL, REGISTRATION_MAIL
from tests.factories import wait_until
from tests.notifications.conftest import contact_mail, kiel_event, registration_mail

pytestmark = pytest.mark.usefixtures("worker")


def test_crlf_in_name_does_not_add_headers(celery, sink):
    payload = registration_mail("confirmed", name="Eve\r\nBcc: victim@example.org\r\nX-Evil: 1")
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": payload})
    [mail] = sink.wait_for(1)
    assert mail.rcpt_tos == ["jana.petersen@example.org"]
    assert mail.msg["Bcc"] is None and mail.msg["X-Evil"] is None
    assert mail.msg["To"].addresses[0].display_name == "Eve Bcc: victim@example.org X-Evil: 1"
    assert mail.msg["To"].addresses[0].addr_spec == "jana.petersen@example.org"
    assert b"\r\nBcc:" not in mail.raw.split(b"\r\n\r\n", 1)[0]


def test_crlf_in_title_does_not_break_the_subject(celery, sink):
    event = kiel_event(title="Workshop\r\nBcc: victim@example.org\nX-Evil: 1")
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("waitlisted", event=event)})
    [mail] = sink.wait_for(1)
    assert mail.msg["Subject"] == "Sie stehen auf der Warteliste: Workshop Bcc: victim@example.org X-Evil: 1"
    assert mail.msg["Bcc"] is None and mail.msg["X-Evil"] is None
    assert mail.rcpt_tos == ["jana.petersen@example.org"]


def test_injected_cancel_link_gives_no_list_unsubscribe(celery, sink):
    payload = registration_mail("confirmed")
    payload["links"]["cancel"] = "https://x.example.org/c\r\nBcc: victim@example.org"
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": payload})
    [mail] = sink.wait_for(1)
    assert mail.msg["List-Unsubscribe"] is None and mail.msg["Bcc"] is None


def test_address_with_crlf_is_refused_by_the_contract(celery, sink, app):
    bad = registration_mail("confirmed", email="jana@example.org\r\nBcc: victim@example.org")
    good = registration_mail("waitlisted")
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": bad})
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": good})
    sink.wait_for(1)
    time.sleep(0.5)
    assert [m.rcpt_tos for m in sink.mails] == [["jana.petersen@example.org"]]
    with app.app_context():
        assert db.session.get(ProcessedMessage, bad["message_id"]) is None
        assert [r.source_key for r in db.session.execute(select(Message)).scalars()] == [good["message_id"]]


def test_invalid_contact_address_fails_without_smtp(celery, sink, app):
    event = kiel_event(contacts=[
        {"name": "Broken", "email": "not-an-address", "phone": None},
        {"name": "Reserved", "email": "someone@localhost", "phone": None},
        {"name": "Anne Czichowski", "email": "anne.czichowski@kiel.de", "phone": None},
    ])
    celery.send_task(CONTACT_MAIL, kwargs={"message": contact_mail(event=event)})
    [mail] = sink.wait_for(1)
    assert mail.rcpt_tos == ["anne.czichowski@kiel.de"]
    with app.app_context():
        def settled():
            db.session.rollback()
            rows = db.session.execute(select(Message).order_by(Message.id)).scalars().all()
            return rows if rows and all(r.status != "queued" for r in rows) else None
        rows = wait_until(settled)
        assert [(r.recipient, r.status) for r in rows] == [
            ("not-an-address", "failed"), ("someone@localhost", "failed"), ("anne.czichowski@kiel.de", "sent")]
        assert rows[0].attempts == 0 and "not a valid email address" in rows[0].last_error
    time.sleep(0.5)
    assert len(sink.mails) == 1


@pytest.mark.parametrize("value", [
    "a@example.org\r\nBcc: b@example.org", "a@example.org, b@example.org", "<a@example.org>", "a@b@example.org",
    "", "a@example.org\x00", "someone@localhost", "a" * 400 + "@example.org",
])
def test_clean_address_refuses(value):
    with pytest.raises(InvalidAddress):
        clean_address(value)


def test_clean_helpers():
    assert clean_address(" Jana.Petersen@Example.ORG ") == "Jana.Petersen@example.org"
    assert clean_text("a\r\nb\tc\x00d\u2028e") == "a b c d e"
    assert clean_url("https://x.example.org/cancel/abc") == "https://x.example.org/cancel/abc"
    assert clean_url("javascript:alert(1)") is None
    assert clean_url("https://x.example.org/a>b") is None
