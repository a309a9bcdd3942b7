"""What an organizer does to one registration beyond approve / reject / check-in: cancel it
(the registrant hears why), promote it from the waiting list out of turn — into a free seat,
or beyond the capacity when the organizer says so — and the counts of an event's page.

Lock order as in the domain package: the registration row (its guarded UPDATE) first, then seat pools.
"""
from __future__ import annotations

from sqlalchemy import func, select, update

from shared import contract
from shared.db import utcnow

from .domain.errors import RegistrationError
from .domain.lifecycle import end, replica_of, result
from .domain.messages import REPLICA_EVENT, announce_thresholds, contact_mail, facts_of, links_of, mail, registrant_of
from .domain.retry import retrying
from .domain.seats import PROMOTIONS, Held, availability, pool_keys, reserve, sync_pools
from .domain.status import seated_mail_kind, seated_status, transition
from .models import ACTIVE_STATUSES, STATUSES, EventReplica, Registration, SeatPool, db, outbox


def cancel_by_organizer(reg: Registration, note: str | None, by: dict | None) -> dict:
    """Cancel for the registrant: seats freed, the waiting list moves up, the registrant gets
    the organizer's note. Cancelling a cancelled registration again changes nothing."""
    def attempt():
        if reg.status == "cancelled":
            return result(reg)
        if reg.status not in ACTIVE_STATUSES:
            raise RegistrationError(409, f"registration_{reg.status}", f"This registration is {reg.status} already.")
        if not end(reg, "cancelled", mail_kind=None, cancelled_at=utcnow(), cancelled_by=by):
            raise RegistrationError(409, "conflict", "The registration changed meanwhile; please reload.")
        outbox.put(contract.REGISTRATION_MAIL, {
            "kind": "cancelled_by_organizer", "registrant": registrant_of(reg),
            "registration": facts_of(reg), "event": replica_of(reg).data,
            "links": links_of(reg), "note": (note or "").strip() or None,
        }, prevalidated=REPLICA_EVENT)
        db.session.commit()
        return result(reg)

    return retrying(attempt)


def _take_beyond_capacity(event: dict, session_ids: list[int], seats: int) -> list[Held]:
    """Seats in every pool the registration needs, capacity or not (the organizer decided)."""
    keys = pool_keys(event, session_ids)
    sync_pools(event)  # a replica stored before its pools existed
    pools = SeatPool.__table__
    held = []
    for key in keys:
        row = db.session.execute(
            update(pools).where(pools.c.event_id == event["id"], pools.c.session_id == key)
            .values(taken=pools.c.taken + seats)
            .returning(pools.c.id, pools.c.session_id, pools.c.capacity, pools.c.taken)).first()
        held.append(Held(*row))
    return held


def promote(reg: Registration, beyond_capacity: bool, by: dict | None) -> dict:
    """Seat one person of the waiting list now, whoever is ahead of them. Without a free seat
    this is 409 `event_full`, unless `beyond_capacity`."""
    def attempt():
        if reg.status != "waitlisted":
            raise RegistrationError(409, "not_waitlisted", "Only a registration on the waiting list can be "
                                                           f"promoted (it is {reg.status}).")
        row = replica_of(reg)
        if row.status != "published":
            raise RegistrationError(409, f"event_{row.status}", f"The event is {row.status}.")
        event, session_ids = row.data, list(reg.session_ids or [])
        held = reserve(event, session_ids, reg.seats)
        if held is None and not beyond_capacity:
            raise RegistrationError(409, "event_full", "No seat is free; promote beyond the capacity to seat "
                                                       "them anyway.")
        if held is None:
            held = _take_beyond_capacity(event, session_ids, reg.seats)
        status = seated_status(event)
        if not transition(reg, ["waitlisted"], status, held_pool_ids=[h.id for h in held],
                          decided_at=utcnow(), decided_by=by):
            raise RegistrationError(409, "conflict", "The registration changed meanwhile; please reload.")
        PROMOTIONS.inc()
        mail(reg, event, seated_mail_kind(status, promoted=True))
        contact_mail(event, "new_registration", reg)
        announce_thresholds(event, held, reg.seats)
        db.session.commit()
        return result(reg)

    return retrying(attempt)


def summary(row: EventReplica) -> dict:
    """The numbers an event's registrations page shows: people per status, checked in, seats."""
    counts = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == row.id)
        .group_by(Registration.status)).all())
    checked_in = db.session.execute(
        select(func.count()).select_from(Registration)
        .where(Registration.event_id == row.id, Registration.checked_in_at.is_not(None))).scalar_one()
    by_status = {status: int(counts.get(status, 0)) for status in STATUSES}
    return {"event_id": row.id, "by_status": by_status, "checked_in": int(checked_in),
            "active": sum(by_status[s] for s in ACTIVE_STATUSES), "seats": availability(row)}
