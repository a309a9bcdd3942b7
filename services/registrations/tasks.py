"""Celery tasks of the registrations service (queue `registrations`).

registrations.event_snapshot     events → us: the newest state of an event (idempotent by message id
                                 and by revision)
registrations.mail_failed        notifications → us: a mail to a registrant failed for good
registrations.expire_holds       beat: unconfirmed sign-ups past their time free their seats
registrations.apply_retention    beat: personal data goes a configured time after an event ended
"""
from __future__ import annotations

import logging

from shared import contract
from shared.inbox import Inbox

from .domain import lifecycle, privacy, snapshots, undeliverable
from .models import ProcessedMessage, db

log = logging.getLogger(__name__)

inbox = Inbox(db, ProcessedMessage)

EXPIRE_HOLDS = "registrations.expire_holds"
APPLY_RETENTION = "registrations.apply_retention"


def consume_snapshot(message: dict) -> bool:
    return inbox.consume(contract.EVENT_SNAPSHOT, message,
                         lambda data: snapshots.apply_snapshot(data, message["event"]))


def register_tasks(celery, app) -> None:
    # shared=False: each app (tests build several) keeps its own tasks bound to its own Flask app
    @celery.task(name=contract.EVENT_SNAPSHOT, shared=False)
    def event_snapshot(message: dict):
        return consume_snapshot(message)

    @celery.task(name=contract.MAIL_FAILED, shared=False)
    def mail_failed(message: dict):
        return inbox.consume(contract.MAIL_FAILED, message, undeliverable.mail_failed)

    @celery.task(name=EXPIRE_HOLDS, shared=False)
    def expire_holds():
        return lifecycle.expire_due()

    @celery.task(name=APPLY_RETENTION, shared=False)
    def apply_retention():
        return privacy.apply_retention()

    celery.conf.beat_schedule.update({
        EXPIRE_HOLDS: {"task": EXPIRE_HOLDS, "schedule": app.config["EXPIRY_SWEEP_SECONDS"]},
        APPLY_RETENTION: {"task": APPLY_RETENTION, "schedule": app.config["RETENTION_SWEEP_SECONDS"]},
    })
