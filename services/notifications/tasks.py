"""Celery tasks of the notifications service (queue `notifications`).

Consumed from the contract (shared/contract.py), each deduplicated by message id:
  notifications.registration_mail   a mail to a registrant about their registration
  notifications.contact_mail        the event's contact persons learn of a sign-up, cancellation, full event
  notifications.event_change_mail   the event changed or was cancelled: tell one registrant
  notifications.erase_person        forget one person (GDPR)
  notifications.member_mail         a mail to a member of an organizer (the workspace's sign-in link)
  notifications.organizer_mail      one registrant's copy of an organizer's mailing
Own tasks:
  notifications.deliver(message_row_id)   send one message row (safe to run twice): retries, sweeps
  notifications.sweep                     beat: re-drive queued rows that are due
  notifications.send_reminders            beat: reminders before events
  notifications.send_digests              beat: daily digest for contacts who chose it
  notifications.apply_retention           beat: personal data goes RETENTION_DAYS after the event
"""
from __future__ import annotations

import logging

from celery.schedules import crontab
from sqlalchemy.exc import IntegrityError

from shared import contract
from shared.db import utcnow
from shared.inbox import Inbox, consume_batches_whole

from . import compose, delivery, member_mail, organizer_mail, privacy
from .models import ProcessedMessage, db

log = logging.getLogger(__name__)

SWEEP = "notifications.sweep"
SEND_REMINDERS = "notifications.send_reminders"
SEND_DIGESTS = "notifications.send_digests"

inbox = Inbox(db, ProcessedMessage)

HANDLERS = {
    contract.REGISTRATION_MAIL: compose.registration_mail,
    contract.CONTACT_MAIL: compose.contact_mail,
    contract.EVENT_CHANGE_MAIL: compose.event_change_mail,
    contract.ERASE_PERSON: privacy.erase_person,
    contract.MEMBER_MAIL: member_mail.member_mail,
    contract.ORGANIZER_MAIL: organizer_mail.organizer_mail,
}


def _composed(task_name: str, data: dict) -> list[delivery.Prepared]:
    """The handler's rows, leased at birth for this worker and turned into mails."""
    token = delivery.born_leased.set(delivery.birth_lease())
    try:
        rows = HANDLERS[task_name](data)
    finally:
        delivery.born_leased.reset(token)
    return delivery.lease_at_birth(rows)


def consume(task_name: str, message: dict) -> list[int]:
    """Run the handler once per message id, then send the mails it queued, in this same task:
    the rows are claimed in the transaction that creates them, so a separate delivery task (a
    broker round trip, a claim, a re-read per mail) is not needed. Should this worker die
    before a mail went out, its lease runs out and the sweeper hands the row on."""
    prepared: list[delivery.Prepared] = []

    def handler(data):
        prepared[:] = _composed(task_name, data)

    for attempt in range(3):
        try:
            if not inbox.consume(task_name, message, handler):
                prepared.clear()  # a duplicate: whoever processed it first sends its mails
            break
        except IntegrityError:
            # two mails about one registration consumed at once both created its attendee row;
            # the loser simply runs again and finds the row
            if attempt == 2:
                raise
            prepared.clear()
            log.info("retrying %s %s after a concurrent insert", task_name, message.get("message_id"))
    for mail in prepared:
        delivery.send_leased(mail)
    return [mail.row_id for mail in prepared]


def consume_batch(items: list[dict]) -> int | None:
    """A batch (a sign-up's mail to the registrant and the one to its contact persons) as one:
    one transaction for all its messages, their mails sent on one connection and the sent
    ones recorded by one UPDATE; per sign-up three commits fewer than message by message.
    None for a batch holding a task that is not a contract message, which goes message by message."""
    if any(item["task"] not in HANDLERS for item in items):
        return None
    prepared: list[delivery.Prepared] = []

    def handler(task_name: str, data: dict) -> None:
        prepared.extend(_composed(task_name, data))

    handled = inbox.consume_many([(item["task"], item["message"]) for item in items], handler)
    delivery.send_all_leased(prepared)
    return len(handled)


def beat_schedule(config) -> dict:
    return {
        SWEEP: {"task": SWEEP, "schedule": float(config["SWEEP_SECONDS"])},
        SEND_REMINDERS: {"task": SEND_REMINDERS, "schedule": float(config["REMINDER_CHECK_SECONDS"])},
        privacy.APPLY_RETENTION: {"task": privacy.APPLY_RETENTION,
                                  "schedule": float(config["RETENTION_SWEEP_SECONDS"])},
        SEND_DIGESTS: {"task": SEND_DIGESTS,
                       "schedule": crontab(hour=int(config["DIGEST_HOUR_UTC"]), minute=0)},
    }


def register_tasks(celery) -> None:
    consume_batches_whole(celery, consume_batch)
    for name in HANDLERS:
        def make(name):
            @celery.task(name=name, shared=False)
            def consumer(message: dict):
                return consume(name, message)
            return consumer
        make(name)

    @celery.task(name=delivery.DELIVER_TASK, shared=False)
    def deliver(message_row_id: int):
        return delivery.deliver(int(message_row_id))

    @celery.task(name=SWEEP, shared=False)
    def sweep():
        return delivery.sweep()

    @celery.task(name=SEND_REMINDERS, shared=False)
    def send_reminders():
        rows = compose.due_reminders(utcnow())
        db.session.commit()
        ids = [r.id for r in rows if r.status == "queued"]
        delivery.enqueue(ids)
        return len(ids)

    @celery.task(name=privacy.APPLY_RETENTION, shared=False)
    def apply_retention():
        return privacy.apply_retention()

    @celery.task(name=SEND_DIGESTS, shared=False)
    def send_digests():
        rows = compose.digests(utcnow())
        db.session.commit()
        ids = [r.id for r in rows if r.status == "queued"]
        delivery.enqueue(ids)
        return len(ids)
