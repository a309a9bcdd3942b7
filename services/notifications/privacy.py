"""Personal data in notifications: erased on request, purged after the retention period.

Erasure (`notifications.erase_person`, sent by registrations for DELETE /api/v1/people/{email}):
the person's mails — to them and about them (a contact person's notice of their sign-up) —,
what reminders and digests keep of them, and the copies in our outbox, for the erasing
organizer's events.

Retention (beat, `notifications.apply_retention`): RETENTION_DAYS (default 180) after an
event ended, its mails, reminder records and digest items go; a mail whose event we do not
know (a member's sign-in link) goes that long after it was written.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import delete, func, or_, select

from shared.db import utcnow
from shared.scrub import scrub_outbox

from .models import Attendee, DigestItem, Message, OutboxMessage, db

log = logging.getLogger(__name__)
APPLY_RETENTION = "notifications.apply_retention"


def erase_person(data: dict) -> list[Message]:
    email = data["email"].strip().lower()
    event_ids = list(data.get("event_ids") or [])
    organizer_id = data["organizer_id"]

    def scope(model):
        return or_(model.organizer_id == organizer_id, model.event_id.in_(event_ids)) if event_ids \
            else model.organizer_id == organizer_id

    db.session.execute(delete(Message).where(
        or_(func.lower(Message.recipient) == email, Message.about_email == email), scope(Message)))
    db.session.execute(delete(Attendee).where(func.lower(Attendee.email) == email, scope(Attendee)))
    db.session.execute(delete(DigestItem).where(func.lower(DigestItem.registrant_email) == email, scope(DigestItem)))
    scrub_outbox(db.session, OutboxMessage, email,
                 in_scope=lambda payload: payload.get("event_id") is None or payload.get("event_id") in event_ids)
    return []


def _ends_at(event: dict | None) -> datetime | None:
    try:
        value = datetime.fromisoformat((event or {})["ends_at"])
    except (KeyError, TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def apply_retention(now: datetime | None = None) -> int:
    """Delete what is kept of events that ended RETENTION_DAYS ago; returns the rows removed."""
    now = now or utcnow()
    cutoff = now - timedelta(days=int(current_app.config["RETENTION_DAYS"]))
    ended: set[int] = set()
    known: set[int] = set()
    # an event that ended before the cutoff started before it: the index narrows the look
    for attendee in db.session.execute(select(Attendee.event_id, Attendee.event)
                                       .where(Attendee.starts_at < cutoff)).all():
        ends = _ends_at(attendee.event)
        if ends is not None and ends < cutoff:
            ended.add(attendee.event_id)
    for item in db.session.execute(select(DigestItem.event_id, DigestItem.event)
                                   .where(DigestItem.created_at < cutoff)).all():
        ends = _ends_at(item.event)
        if ends is not None and ends < cutoff:
            ended.add(item.event_id)
    known.update(db.session.execute(select(Attendee.event_id).distinct()).scalars())
    removed = 0
    ended_ids = sorted(ended)
    for start in range(0, len(ended_ids), 500):
        chunk = ended_ids[start:start + 500]
        for model in (Message, Attendee, DigestItem):
            removed += db.session.execute(delete(model).where(model.event_id.in_(chunk))).rowcount or 0
    # mails of no event, or of an event we keep nothing else of: counted from when they were written
    removed += db.session.execute(delete(Message).where(
        Message.created_at < cutoff, or_(Message.event_id.is_(None), Message.event_id.not_in(known - ended)
                                         if known - ended else Message.event_id.is_not(None)))).rowcount or 0
    removed += db.session.execute(delete(OutboxMessage).where(OutboxMessage.created_at < cutoff)).rowcount or 0
    db.session.commit()
    if removed:
        log.info("retention: removed %d row(s) of events that ended before %s", removed, cutoff.date())
    return removed
