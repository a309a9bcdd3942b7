"""Personal data: erasing a person on request (here, and notifications erases its mails), and
removing names, addresses and answers a configured time after an event ended (Celery beat).
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from shared import contract
from shared.db import utcnow
from shared.scrub import scrub_outbox

from ..models import EventReplica, IdempotencyKey, OutboxMessage, Registration, db
from .messages import erasure
from .retry import retrying
from .seats import promote, release


def erase_person(organizer_id: int, email: str) -> dict:
    """Delete that person's registrations on the organizer's events; notifications erases its mails."""
    email = email.strip().lower()

    def attempt():
        event_ids = list(db.session.execute(
            select(EventReplica.id).where(EventReplica.organizer_id == organizer_id)).scalars())
        regs = db.session.execute(
            select(Registration).where(Registration.event_id.in_(event_ids), Registration.email == email)
            .execution_options(populate_existing=True)).scalars().all() if event_ids else []
        touched = set()
        for reg in regs:
            if reg.held_pool_ids:
                release(list(reg.held_pool_ids), reg.seats)
                touched.add(reg.event_id)
            db.session.delete(reg)
        db.session.flush()
        for event_id in sorted(touched):
            promote(db.session.get(EventReplica, event_id))
        if event_ids:
            # the copies in our outbox (mails to and about them) go too; the request to notifications stays
            scrub_outbox(db.session, OutboxMessage, email, keep_tasks=(contract.ERASE_PERSON,),
                         in_scope=lambda payload: _about_events(payload, event_ids))
            erasure(email, organizer_id, event_ids)
        db.session.commit()
        return {"erased": len(regs), "event_ids": sorted({r.event_id for r in regs})}

    return retrying(attempt)


def _about_events(payload: dict, event_ids: list[int]) -> bool:
    """A message about one of these events (the erasing organizer's), or naming no event."""
    event = payload.get("event") if isinstance(payload.get("event"), dict) else {}
    found = event.get("id", payload.get("event_id"))
    return found is None or found in event_ids


def apply_retention() -> int:
    """Remove names, addresses and answers a configured number of days after an event ended."""
    now = utcnow()
    cutoff = now - timedelta(days=int(current_app.config["RETENTION_DAYS"]))
    rows = db.session.execute(select(EventReplica).where(EventReplica.ends_at < cutoff,
                                                         EventReplica.retention_done_at.is_(None))).scalars().all()
    count = 0
    for row in rows:
        anonymized = db.session.execute(
            update(Registration).where(Registration.event_id == row.id, Registration.anonymized_at.is_(None))
            .values(name="", email="", active_email=None, answers={}, locale=None, mail_error=None, anonymized_at=now,
                    updated_at=now).execution_options(synchronize_session=False))
        count += anonymized.rowcount
        row.retention_done_at = now
    db.session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.created_at < now - timedelta(hours=int(current_app.config["IDEMPOTENCY_HOURS"]))))
    db.session.commit()
    return count
