"""A sign-up's commit publishes its mail to the registrant and the one to the contact persons
as one batch task; notifications handles such a batch in one transaction. Every mail still
goes out once, a copy of a message processed before has no second effect, and a message whose
handler fails leaves nothing half-written while the others of its batch go out."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from services.notifications import compose
from services.notifications.models import Attendee, Message, ProcessedMessage, db
from shared import contract
from tests.factories import wait_until
from tests.notifications.conftest import contact_mail, registration_mail, settled_rows

pytestmark = pytest.mark.usefixtures("worker")


def publish_batch(celery, *messages) -> None:
    """As shared/outbox.py publishes the messages of one commit for one queue."""
    celery.send_task(contract.batch_task("notifications"), queue="notifications",
                     kwargs={"messages": [{"task": task, "message": message} for task, message in messages]})


def count(app, model) -> int:
    with app.app_context():
        try:
            return db.session.execute(select(func.count()).select_from(model)).scalar_one()
        finally:
            db.session.rollback()


def test_a_sign_ups_batch_sends_each_mail_once_and_acknowledges_both(celery, sink, app, acks):
    registrant, contact = registration_mail("confirmed"), contact_mail()
    publish_batch(celery, (contract.REGISTRATION_MAIL, registrant), (contract.CONTACT_MAIL, contact))
    rows = settled_rows(app, count=3)  # the event has two contact persons
    assert sorted(r.kind for r in rows) == ["contact.new_registration"] * 2 + ["registration.confirmed"]
    assert all(r.status == "sent" and r.attempts == 1 and r.sent_at for r in rows)
    assert sorted(m.rcpt_tos[0] for m in sink.wait_for(3)) == [
        "anne.czichowski@kiel.de", "jana.petersen@example.org", "kreativ@kiel.de"]
    assert count(app, ProcessedMessage) == 2 and count(app, Attendee) == 1
    wait_until(lambda: set(acks()) >= {registrant["message_id"], contact["message_id"]}, timeout=10)
    time.sleep(1.0)
    assert len(sink.mails) == 3


def test_a_copy_in_a_later_batch_has_no_second_effect(celery, sink, app, acks):
    first, second = registration_mail("confirmed"), registration_mail("confirmed", email="ole.hansen@example.org",
                                                                       name="Ole Hansen")
    celery.send_task(contract.REGISTRATION_MAIL, kwargs={"message": first})
    sink.wait_for(1)
    # the origin re-sent the first (its acknowledgement was lost) within the batch of a later commit
    publish_batch(celery, (contract.REGISTRATION_MAIL, first), (contract.REGISTRATION_MAIL, second),
                  (contract.REGISTRATION_MAIL, second))
    wait_until(lambda: len(sink.to("ole.hansen@example.org")) == 1)
    rows = settled_rows(app, count=2)
    assert len(rows) == 2 and all(r.status == "sent" for r in rows)
    wait_until(lambda: acks().count(first["message_id"]) == 2 and second["message_id"] in acks(), timeout=10)
    time.sleep(1.0)
    assert len(sink.to("jana.petersen@example.org")) == 1 and len(sink.to("ole.hansen@example.org")) == 1


def test_a_failing_message_leaves_nothing_half_written_and_the_others_go_out(celery, sink, app, acks,
                                                                                monkeypatch):
    registrant, contact = registration_mail("confirmed"), contact_mail()
    real = compose.contact_mail

    def broken(data):
        if data["message_id"] == contact["message_id"]:
            real(data)  # its rows are written, then the handler fails
            raise RuntimeError("a bug in the contact mail")
        return real(data)

    # the worker runs in this process and looks its handlers up in this table
    from services.notifications import tasks
    monkeypatch.setitem(tasks.HANDLERS, contract.CONTACT_MAIL, broken)
    publish_batch(celery, (contract.REGISTRATION_MAIL, registrant), (contract.CONTACT_MAIL, contact))
    assert [m.rcpt_tos for m in sink.wait_for(1)] == [["jana.petersen@example.org"]]
    rows = settled_rows(app, count=1)
    # the batch as a whole was rolled back, then each message went alone: the contact mail's
    # rows are gone with its failed transaction, and it stays unacknowledged for its origin to re-send
    assert [(r.kind, r.status) for r in rows] == [("registration.confirmed", "sent")]
    with app.app_context():
        claimed = set(db.session.execute(select(ProcessedMessage.message_id)).scalars())
        assert db.session.execute(select(func.count()).select_from(Message)
                                  .where(Message.kind.like("contact.%"))).scalar_one() == 0
    assert claimed == {registrant["message_id"]}
    wait_until(lambda: registrant["message_id"] in acks(), timeout=10)
    assert contact["message_id"] not in acks()
    monkeypatch.setitem(tasks.HANDLERS, contract.CONTACT_MAIL, real)
    publish_batch(celery, (contract.CONTACT_MAIL, contact))  # the relay's re-send, now handled
    wait_until(lambda: len(sink.to("kreativ@kiel.de")) == 1)
    assert len(sink.to("jana.petersen@example.org")) == 1
