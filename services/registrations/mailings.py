"""An organizer's message to an audience of an event's registrants.

Registrations owns the registrants, so it picks the audience and writes one
`notifications.organizer_mail` per registrant to the outbox, in the transaction that records
the mailing: either everybody's copy is on its way or nobody's. Notifications renders and
sends each copy and keeps its delivery (GET /api/v1/messages?mailing_id=…).
"""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shared import contract

from .domain.errors import RegistrationError
from .domain.messages import INFORMED_STATUSES, REPLICA_EVENT, facts_of, links_of, registrant_of
from .models import EventReplica, Mailing, Registration, db, outbox

# people who confirmed their address and still have a say on the event
AUDIENCE_STATUSES = {
    "all": INFORMED_STATUSES,
    "confirmed": ("confirmed",),
    "waitlisted": ("waitlisted",),
    "session": INFORMED_STATUSES,
}


def audience(row: EventReplica, name: str, session_id: int | None) -> list[Registration]:
    regs = db.session.execute(
        select(Registration).where(Registration.event_id == row.id,
                                   Registration.status.in_(AUDIENCE_STATUSES[name]),
                                   Registration.anonymized_at.is_(None))
        .order_by(Registration.created_at, Registration.id)).scalars().all()
    if name == "session":
        regs = [r for r in regs if session_id in (r.session_ids or [])]
    return regs


def _check(row: EventReplica, data: dict) -> None:
    sessions = {s["id"] for s in row.data.get("sessions") or []}
    if data["audience"] == "session" and data.get("session_id") not in sessions:
        raise RegistrationError(422, "validation_error", "Some fields are not valid.",
                                errors={"session_id": ["Choose a session of this event."]})
    if data["audience"] != "session" and data.get("session_id") is not None:
        raise RegistrationError(422, "validation_error", "Some fields are not valid.",
                                errors={"session_id": ["A session is only chosen for the audience “session”."]})


def _earlier(event_id: int, key: str | None) -> Mailing | None:
    if key is None:
        return None
    return db.session.execute(select(Mailing).where(Mailing.event_id == event_id, Mailing.idempotency_key == key)
                              ).scalar_one_or_none()


def send(row: EventReplica, data: dict, by: dict | None, key: str | None) -> Mailing:
    """Record the mailing and queue everybody's copy; the same Idempotency-Key again returns
    the first mailing and queues nothing."""
    _check(row, data)
    earlier = _earlier(row.id, key)
    if earlier is not None:
        return earlier
    people = audience(row, data["audience"], data.get("session_id"))
    if not people:
        raise RegistrationError(422, "no_recipients", "Nobody in this audience would get the message.",
                                "audience", errors={"audience": ["Nobody in this audience yet."]})
    mailing = Mailing(id=uuid.uuid4().hex, event_id=row.id, audience=data["audience"],
                      session_id=data.get("session_id"), subject=data["subject"].strip(), body=data["body"].strip(),
                      recipients=len(people), sent_by=by, idempotency_key=key)
    db.session.add(mailing)
    for reg in people:
        outbox.put(contract.ORGANIZER_MAIL, {
            "mailing_id": mailing.id, "audience": mailing.audience, "subject": mailing.subject,
            "body": mailing.body, "sent_by": by, "registrant": registrant_of(reg),
            "registration": facts_of(reg), "event": row.data, "links": links_of(reg),
        }, prevalidated=REPLICA_EVENT)
    try:
        db.session.commit()
    except IntegrityError:  # a twin request with the same key committed first
        db.session.rollback()
        earlier = _earlier(row.id, key)
        if earlier is None:
            raise
        return earlier
    return mailing


def of_event(row: EventReplica) -> list[Mailing]:
    return list(db.session.execute(select(Mailing).where(Mailing.event_id == row.id)
                                   .order_by(Mailing.created_at.desc(), Mailing.id)).scalars())
