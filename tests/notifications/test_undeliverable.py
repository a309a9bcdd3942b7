"""A registrant's mail that fails for good is reported to registrations (through the outbox)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.notifications.models import OutboxMessage, db
from shared.contract import CONTACT_MAIL, MAIL_FAILED, REGISTRATION_MAIL, validate_payload
from tests.notifications.conftest import contact_mail, registration_mail, settled_rows

pytestmark = pytest.mark.usefixtures("worker")


def reports(app) -> list[dict]:
    with app.app_context():
        rows = db.session.execute(select(OutboxMessage).where(OutboxMessage.task_name == MAIL_FAILED)).scalars().all()
        payloads = [dict(r.payload) for r in rows]
        db.session.remove()
    return payloads


def test_a_refused_confirmation_mail_is_reported_to_registrations(celery, sink, app):
    sink.replies = ["550 5.1.1 No such user here"]
    payload = registration_mail("confirm_email")
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": payload})
    [row] = settled_rows(app, 1)
    assert row.status == "failed"
    [report] = reports(app)
    validate_payload(MAIL_FAILED, report)
    assert report["registration_id"] == payload["registration"]["id"]
    assert report["kind"] == "registration.confirm_email" and report["event_id"] == payload["event"]["id"]
    assert report["error"].startswith("550") and report["origin"] == "notifications"


def test_a_sent_mail_and_a_contacts_failed_mail_are_not_reported(celery, sink, app):
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirm_email")})
    settled_rows(app, 1)
    sink.replies = ["550 5.1.1 No such user here"] * 5
    celery.send_task(CONTACT_MAIL, kwargs={"message": contact_mail("new_registration")})
    rows = settled_rows(app, 3)  # the mail to the registrant, then one to each of the two contacts
    assert [r.status for r in rows] == ["sent", "failed", "failed"]
    assert reports(app) == []
