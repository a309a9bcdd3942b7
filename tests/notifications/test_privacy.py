"""Erasure reaches notifications' outbox too; mails and reminder records go after the retention period."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from services.notifications import compose, privacy
from services.notifications.models import Attendee, Message, OutboxMessage, db
from shared.contract import ERASE_PERSON, REGISTRATION_MAIL, validate_payload
from tests.notifications.conftest import envelope, kiel_event, registration_mail


def compose_mail(app, payload) -> None:
    with app.app_context():
        compose.registration_mail(validate_payload(REGISTRATION_MAIL, payload))
        db.session.commit()
        db.session.remove()


def outbox_payloads(app) -> list[dict]:
    with app.app_context():
        rows = [dict(r.payload) for r in db.session.execute(select(OutboxMessage)).scalars()]
        db.session.remove()
    return rows


def test_erasure_scrubs_the_failure_reports_in_the_outbox(app):
    # an address the mail library refuses: the failed row and its report to registrations name it
    compose_mail(app, registration_mail("confirm_email", email="jana@localhost", registration_id="reg-x1"))
    compose_mail(app, registration_mail("confirm_email", email="ole@localhost", registration_id="reg-x2"))
    reports = outbox_payloads(app)
    assert sorted(r["registration_id"] for r in reports) == ["reg-x1", "reg-x2"]
    assert any("jana@localhost" in r["error"] for r in reports)
    with app.app_context():
        privacy.erase_person(validate_payload(ERASE_PERSON, {
            **envelope(), "email": "Jana@localhost", "organizer_id": 1, "event_ids": [101]}))
        db.session.commit()
        assert [m.recipient for m in db.session.execute(select(Message)).scalars()] == ["ole@localhost"]
        db.session.remove()
    left = outbox_payloads(app)
    assert [r["registration_id"] for r in left] == ["reg-x2"] and left[0]["kind"] == "registration.confirm_email"
    assert not any("jana@localhost" in str(r) for r in left)


def test_mails_and_reminder_records_go_after_the_retention_period(app):
    now = datetime.now(timezone.utc)
    past = kiel_event(id=301, starts_at=(now - timedelta(days=200)).isoformat(),
                      ends_at=(now - timedelta(days=199)).isoformat(), sessions=[])
    soon = kiel_event(id=302, starts_at=(now + timedelta(days=10)).isoformat(),
                      ends_at=(now + timedelta(days=11)).isoformat(), sessions=[])
    compose_mail(app, registration_mail("confirmed", event=past, email="alt@example.org", registration_id="r-old",
                                        session_ids=()))
    compose_mail(app, registration_mail("confirmed", event=soon, email="neu@example.org", registration_id="r-new",
                                        session_ids=()))
    with app.app_context():
        assert privacy.apply_retention(now) >= 2  # the old mail and its reminder record
        assert [m.recipient for m in db.session.execute(select(Message)).scalars()] == ["neu@example.org"]
        assert [a.registration_id for a in db.session.execute(select(Attendee)).scalars()] == ["r-new"]
        db.session.remove()
    app.config["RETENTION_DAYS"] = 100000  # configurable: nothing is old enough now
    try:
        compose_mail(app, registration_mail("confirmed", event=past, email="alt@example.org",
                                            registration_id="r-old2", session_ids=()))
        with app.app_context():
            assert privacy.apply_retention(now) == 0
            db.session.remove()
    finally:
        app.config["RETENTION_DAYS"] = 180
