"""A mail to a registrant that failed for good is reported back to registrations.

Registrations then frees an unconfirmed hold (nobody can confirm by a mail that never
arrived) and shows the failure in the organizer's list. The report is an outbox message in
the transaction that marks the row failed, so it is never lost and never sent for a mail
that did go out.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from shared import contract

from .models import Message, db, outbox

log = logging.getLogger(__name__)

REPORTED_KINDS = "registration."  # the registrant's own mails; a contact's or member's are not a registration's


def report(kind: str, registration_id: str | None, event_id: int | None, error: str | None) -> None:
    """Put the report into the current transaction (call where the row becomes failed)."""
    if not registration_id or not kind.startswith(REPORTED_KINDS):
        return
    outbox.put(contract.MAIL_FAILED, {"registration_id": str(registration_id), "event_id": event_id, "kind": kind,
                                      "error": (error or "")[:1000]})
    log.warning("mail %s for registration %s failed for good (%s); registrations is told", kind, registration_id,
                error)


def report_row(row_id: int, error: str | None) -> None:
    found = db.session.execute(select(Message.kind, Message.registration_id, Message.event_id)
                               .where(Message.id == row_id, Message.status == "queued")).first()
    if found is not None:
        report(found.kind, found.registration_id, found.event_id, error)
