"""Every mail delivered once, none lost: retries, permanent failures, duplicates, lost tasks."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.notifications import delivery
from services.notifications.models import Message, ProcessedMessage, db
from shared.contract import REGISTRATION_MAIL
from shared.db import utcnow
from tests.factories import wait_until
from tests.notifications.conftest import queued_row, registration_mail

pytestmark = pytest.mark.usefixtures("worker")


def only_row(app) -> Message:
    with app.app_context():
        row = db.session.execute(select(Message)).scalar_one()
        db.session.expunge(row)
        return row


def row_when(app, predicate, timeout=15.0) -> Message:
    def check():
        with app.app_context():
            rows = db.session.execute(select(Message)).scalars().all()
            db.session.rollback()
            return rows[0] if len(rows) == 1 and predicate(rows[0]) else None
    return wait_until(check, timeout)


@pytest.fixture()
def config(app):
    saved = dict(app.config)
    yield app.config
    app.config.update({k: saved[k] for k in ("MAIL_MAX_ATTEMPTS", "DELIVERY_LEASE_SECONDS")})


def test_smtp_down_then_back_delivers_exactly_once(celery, sink, app, config):
    config["MAIL_MAX_ATTEMPTS"] = 30
    sink.stop()  # connection refused
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirmed")})
    row = row_when(app, lambda r: r.attempts >= 2)
    assert row.status == "queued" and "cannot reach SMTP server" in row.last_error
    assert row.next_attempt_at > row.created_at
    sink.start()
    row = row_when(app, lambda r: r.status == "sent")
    assert len(sink.wait_for(1)) == 1
    time.sleep(1.5)  # no stray retry sends it again
    assert len(sink.mails) == 1
    assert only_row(app).attempts == row.attempts and row.last_error is None


def test_temporary_4xx_is_retried(celery, sink, app):
    sink.replies = ["451 4.7.1 Greylisted, try again later", "452 4.3.1 Insufficient system storage"]
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirm_email")})
    row = row_when(app, lambda r: r.status == "sent")
    assert row.attempts == 3
    assert len(sink.wait_for(1)) == 1 and sink.data_seen == 3


def test_permanent_5xx_fails_at_once(celery, sink, app):
    sink.replies = ["550 5.1.1 No such user here"]
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirm_email")})
    row = row_when(app, lambda r: r.status == "failed")
    assert row.attempts == 1 and row.last_error.startswith("550")
    time.sleep(1.0)
    assert sink.data_seen == 1 and sink.mails == []


def test_retries_exhausted_fail_with_reason(celery, sink, app, config):
    config["MAIL_MAX_ATTEMPTS"] = 3
    sink.stop()
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirm_email")})
    row = row_when(app, lambda r: r.status == "failed")
    assert row.attempts == 3
    assert row.last_error.startswith("gave up after 3 attempts: cannot reach SMTP server")
    sink.start()
    with app.app_context():
        assert delivery.sweep() == 0
    time.sleep(1.0)
    assert sink.mails == []


def test_same_contract_message_twice_gives_one_mail(celery, sink, app):
    payload = registration_mail("confirmed")
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": payload})
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": payload})
    sink.wait_for(1)
    with app.app_context():
        wait_until(lambda: db.session.get(ProcessedMessage, payload["message_id"]))
    time.sleep(1.5)
    assert len(sink.mails) == 1
    assert only_row(app).source_key == payload["message_id"]


def test_same_delivery_task_twice_sends_once(celery, sink, app):
    row_id = queued_row(app)
    for _ in range(3):
        celery.send_task(delivery.DELIVER_TASK, args=[row_id])
    with app.app_context():
        outcome = delivery.deliver(row_id)  # and once more right here, racing the worker
    assert outcome in ("sent", "skipped")
    row = row_when(app, lambda r: r.status == "sent")
    time.sleep(1.5)
    assert len(sink.mails) == 1
    assert row.attempts == 1
    with app.app_context():
        assert delivery.deliver(row_id) == "skipped"  # a late redelivery finds it sent
    assert len(sink.mails) == 1


def test_lost_delivery_task_is_swept(sink, app):
    row_id = queued_row(app)  # its task was never published (broker down at that moment)
    with app.app_context():
        assert delivery.sweep() == 0  # within the grace the inline dispatch is trusted
    time.sleep(float(app.config["SWEEP_GRACE_SECONDS"]) + 0.2)
    with app.app_context():
        assert delivery.sweep() == 1
    row = row_when(app, lambda r: r.status == "sent")
    assert row.id == row_id and len(sink.wait_for(1)) == 1
    with app.app_context():
        assert delivery.sweep() == 0


def test_claimed_row_of_a_vanished_worker_is_sent_after_its_lease(sink, app):
    row_id = queued_row(app)
    with app.app_context():
        assert delivery.claim(row_id)  # a worker took it, then vanished without a word
        assert delivery.deliver(row_id) == "skipped"  # nobody else sends it during the lease
        db.session.execute(db.update(Message).where(Message.id == row_id).values(
            lease_until=utcnow() - timedelta(seconds=1), next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert delivery.sweep() == 1
    row = row_when(app, lambda r: r.status == "sent")
    assert row.attempts == 2 and len(sink.wait_for(1)) == 1


def test_metrics_count_mails(client, celery, sink, app):
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("waitlisted")})
    row_when(app, lambda r: r.status == "sent")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'civic_mails_sent_total{kind="registration.waitlisted"}' in body
    assert "civic_mails_failed_total" in body


def test_mails_about_one_registration_at_once_or_out_of_order(celery, sink, app):
    from services.notifications.models import Attendee
    for i in range(4):
        rid = f"same-{i}"
        # the later mail may well be consumed first
        celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirmed", registration_id=rid)})
        celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirm_email", registration_id=rid)})
    sink.wait_for(8)
    with app.app_context():
        def all_there():
            db.session.rollback()
            rows = db.session.execute(select(Attendee)).scalars().all()
            return rows if len(rows) == 4 else None
        assert {a.status for a in wait_until(all_there)} == {"confirmed"}
    time.sleep(0.5)
    assert len(sink.mails) == 8


def test_a_row_leased_at_birth_is_renewed_before_a_late_send_or_left_to_its_new_holder(sink, app, config):
    """The mails of one message go out one after another in the consuming task. Once half the
    lease has passed, the lease is renewed before sending; a row that meanwhile went to another
    worker (the sweeper hands on rows whose lease ran out) is not sent a second time."""
    from services.notifications import compose
    from shared.contract import validate_payload
    config["DELIVERY_LEASE_SECONDS"] = 2
    with app.app_context():
        taken, kept = [compose.registration_mail(validate_payload(REGISTRATION_MAIL, registration_mail(
            "confirmed", email=f"{name}@example.org")))[0] for name in ("taken", "kept")]
        db.session.flush()
        prepared = delivery.lease_at_birth([taken, kept])
        db.session.commit()
        time.sleep(1.2)  # past half the lease
        db.session.execute(db.update(Message).where(Message.id == prepared[0].row_id).values(
            lease_until=utcnow() + timedelta(seconds=60)))  # another worker's claim
        db.session.commit()
        assert delivery.send_leased(prepared[0]) == "skipped"
        assert delivery.send_leased(prepared[1]) == "sent"
        rows = {row.recipient: row for row in db.session.execute(select(Message)).scalars()}
        assert rows["taken@example.org"].status == "queued" and rows["kept@example.org"].status == "sent"
        assert rows["kept@example.org"].attempts == 1
        db.session.remove()
    [mail] = sink.wait_for(1)
    time.sleep(0.5)
    assert mail.rcpt_tos == ["kept@example.org"] and len(sink.mails) == 1
