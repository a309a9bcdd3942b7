"""A registration after its sign-up: the registrant confirms or cancels by a signed link,
unconfirmed holds expire (Celery beat), the organizer approves, rejects or checks in.
Whatever ends a registration frees its seats for the waiting list (seats.promote).
"""
from __future__ import annotations

import logging

from sqlalchemy import func, select

from shared.db import utcnow

from ..models import ACTIVE_STATUSES, EventReplica, Registration, db
from .errors import RegistrationError
from .messages import announce_thresholds, contact_mail, mail
from .retry import retrying
from .seats import free_seats_and_promote, reserve
from .status import seated_mail_kind, seated_status, transition

log = logging.getLogger(__name__)


def _registration(reg_id: str) -> Registration:
    reg = db.session.get(Registration, reg_id, populate_existing=True)
    if reg is None or reg.anonymized_at is not None:
        raise RegistrationError(410, "registration_gone", "This registration no longer exists.")
    return reg


def replica_of(reg: Registration) -> EventReplica:
    return db.session.get(EventReplica, reg.event_id, populate_existing=True)


def _already(reg: Registration) -> RegistrationError:
    return RegistrationError(409, f"registration_{reg.status}", f"This registration is {reg.status} already.")


def result(reg: Registration) -> dict:
    return {"id": reg.id, "event_id": reg.event_id, "status": reg.status}


# ---- the registrant ------------------------------------------------------------------------
def confirm(reg_id: str) -> dict:
    def attempt():
        reg = _registration(reg_id)
        row = replica_of(reg)
        if reg.status == "pending_confirmation" and reg.expires_at and reg.expires_at <= utcnow():
            expire_one(reg)
            db.session.commit()
        if reg.status == "expired":
            raise RegistrationError(410, "registration_expired", "This registration expired before it was "
                                                                 "confirmed; please sign up again.")
        if reg.status in ("cancelled", "rejected"):
            raise RegistrationError(409, f"registration_{reg.status}", f"This registration was {reg.status}.")
        if reg.status != "pending_confirmation":
            return result(reg)  # confirmed before: clicking the link again changes nothing
        if row.status == "cancelled":
            raise RegistrationError(409, "event_cancelled", "This event was cancelled.")
        event = row.data
        status = seated_status(event)
        now = utcnow()
        if not transition(reg, ["pending_confirmation"], status, confirmed_at=now, expires_at=None):
            return result(reg)  # a concurrent click did it
        if not reg.held_pool_ids:
            held = None
            if not _waiting_ahead_of(reg):
                held = reserve(event, list(reg.session_ids or []), reg.seats)
            if held:
                reg.held_pool_ids = [h.id for h in held]
                announce_thresholds(event, held, reg.seats)
            else:
                reg.status = "waitlisted"
            reg.updated_at = now
            db.session.flush()
        mail(reg, event, "waitlisted" if reg.status == "waitlisted" else seated_mail_kind(reg.status))
        db.session.commit()
        return result(reg)

    return retrying(attempt)


def _waiting_ahead_of(reg: Registration) -> bool:
    return db.session.execute(
        select(func.count()).select_from(Registration)
        .where(Registration.event_id == reg.event_id, Registration.status == "waitlisted",
               Registration.created_at < reg.created_at)).scalar_one() > 0


def end(reg: Registration, to_status: str, *, from_statuses=ACTIVE_STATUSES, mail_kind: str | None,
        contact_kind: str | None = None, **values) -> bool:
    """Cancel, reject, expire: change status, free seats, promote the waiting list, tell people."""
    was = reg.status
    held, seats = list(reg.held_pool_ids or []), reg.seats
    if not transition(reg, from_statuses, to_status, held_pool_ids=[], **values):
        return False
    row = replica_of(reg)
    event = row.data
    if mail_kind:
        mail(reg, event, mail_kind)
    if contact_kind and was in ACTIVE_STATUSES:  # the contact heard of every active sign-up
        contact_mail(event, contact_kind, reg)
    free_seats_and_promote(row, held, seats)
    return True


def cancel(reg_id: str) -> dict:
    def attempt():
        reg = _registration(reg_id)
        if reg.status == "cancelled":
            return result(reg)
        if reg.status not in ACTIVE_STATUSES:
            raise _already(reg)
        if not end(reg, "cancelled", mail_kind="cancelled", contact_kind="cancellation", cancelled_at=utcnow()):
            reg = _registration(reg_id)
            if reg.status != "cancelled":
                raise _already(reg)
        db.session.commit()
        return result(reg)

    return retrying(attempt)


# ---- unconfirmed holds ---------------------------------------------------------------------
def expire_one(reg: Registration) -> bool:
    return end(reg, "expired", from_statuses=["pending_confirmation"], mail_kind="expired")


def expire_due(limit: int = 500) -> int:
    """Free the seats of sign-ups nobody confirmed in time (Celery beat)."""
    ids = db.session.execute(
        select(Registration.id).where(Registration.status == "pending_confirmation",
                                      Registration.expires_at <= utcnow())
        .order_by(Registration.expires_at).limit(limit)).scalars().all()
    db.session.rollback()
    expired = 0
    for reg_id in ids:
        def attempt():
            reg = db.session.get(Registration, reg_id, populate_existing=True)
            done = reg is not None and reg.expires_at is not None and reg.expires_at <= utcnow() \
                and expire_one(reg)
            db.session.commit()
            return done
        try:
            expired += bool(retrying(attempt))
        except Exception:
            db.session.rollback()
            log.exception("expiring registration %s failed; the next sweep tries again", reg_id)
    return expired


# ---- the organizer -------------------------------------------------------------------------
# `by` below: the workspace member ({id, name}) who decided; None for a plain API token

def approve(reg: Registration, by: dict | None = None) -> dict:
    if reg.status == "confirmed":
        return result(reg)
    if reg.status != "pending_approval":
        raise RegistrationError(409, "not_pending_approval", "Only a registration awaiting approval can be "
                                                             f"approved (it is {reg.status}).")
    if transition(reg, ["pending_approval"], "confirmed", decided_at=utcnow(), decided_by=by):
        mail(reg, replica_of(reg).data, "confirmed")
    db.session.commit()
    return result(reg)


def reject(reg: Registration, by: dict | None = None) -> dict:
    if reg.status == "rejected":
        return result(reg)
    if reg.status not in ACTIVE_STATUSES:
        raise _already(reg)
    if not end(reg, "rejected", mail_kind="rejected", decided_at=utcnow(), decided_by=by):
        raise RegistrationError(409, "conflict", "The registration changed meanwhile; please reload.")
    db.session.commit()
    return result(reg)


def check_in(reg: Registration, by: dict | None = None) -> dict:
    if reg.status != "confirmed":
        raise RegistrationError(409, "not_confirmed", "Only a confirmed registration can be checked in "
                                                      f"(it is {reg.status}).")
    if reg.checked_in_at is None:
        reg.checked_in_at = utcnow()
        reg.checked_in_by = by
        reg.updated_at = utcnow()
        db.session.commit()
    return {**result(reg), "checked_in_at": reg.checked_in_at}
