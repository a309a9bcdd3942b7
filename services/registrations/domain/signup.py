"""A sign-up: checked against the event's policy, a seat in every pool it needs or a place on
the waiting list, the registration row and its confirm-your-email mail in one transaction.
The answer is the same whether the address was new or known, so nobody learns who signed up.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app
from prometheus_client import Counter
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from shared.db import utcnow

from ..models import EventReplica, IdempotencyKey, Registration, db
from .errors import RegistrationError
from .messages import announce_thresholds, contact_mail, mail
from .policy import check_policy
from .retry import retrying
from .seats import has_room, reserve

SIGNUPS = Counter("civic_signups_total", "Sign-up attempts by outcome", ["outcome"])

INSERT_REGISTRATION = insert(Registration.__table__)


def _answer(reg_id: str, event_id: int, waitlist: bool) -> dict:
    # the same shape whether the address was new or known: nobody learns who signed up
    return {"id": reg_id, "event_id": event_id, "status": "pending_confirmation", "waitlist": waitlist}


def _known_registration(event_id: int, email: str) -> Registration | None:
    return db.session.execute(
        select(Registration).where(Registration.event_id == event_id, Registration.active_email == email)
        .execution_options(populate_existing=True)).scalar_one_or_none()


def _stored_answer(key: str, request_hash: str) -> dict | None:
    stored = db.session.get(IdempotencyKey, key, populate_existing=True)
    if stored is None:
        return None
    if stored.request_hash != request_hash:
        raise RegistrationError(422, "idempotency_key_reused",
                                "This Idempotency-Key was already used with a different request.",
                                "Idempotency-Key", errors={"Idempotency-Key": ["Already used with another body."]})
    return stored.response


def _remember_answer(idempotency: tuple[str, str] | None, body: dict) -> None:
    if idempotency:
        db.session.add(IdempotencyKey(key=idempotency[0], request_hash=idempotency[1], status_code=202,
                                      response=body))


def sign_up(row: EventReplica, data: dict, idempotency: tuple[str, str] | None = None) -> dict:
    """Validate against the policy, reserve seats or join the waiting list, write the
    registration and its confirm-your-email mail in one transaction. Returns the 202 body.
    `idempotency`: (Idempotency-Key, hash of the request) — a repeated request gets the first answer."""
    data = check_policy(row, data)
    event = row.data
    if idempotency:
        stored = _stored_answer(*idempotency)
        if stored is not None:
            return stored
    email = data["email"].strip().lower()
    seats = 1 + data["companions"]
    waitlist_allowed = bool(event["registration"].get("waitlist"))

    def attempt():
        # The usual case is a new address: reserve, insert, done — no look-up first. A known
        # address trips the unique (event, active address) index at its INSERT and takes the
        # slower path below; so does a twin request racing this one.
        held = reserve(event, data["session_ids"], seats, behind_waitlist=True)
        if held is None and not waitlist_allowed:
            db.session.rollback()
            SIGNUPS.labels("full").inc()
            raise RegistrationError(409, "event_full", "This event is fully booked.")
        now = utcnow()
        values = dict(
            id=uuid.uuid4().hex, event_id=row.id, status="pending_confirmation", name=data["name"].strip(),
            email=email, active_email=email, locale=data.get("locale"), companions=data["companions"],
            session_ids=data["session_ids"], answers=data["answers"], held_pool_ids=[h.id for h in held or []],
            created_at=now, updated_at=now,
            expires_at=now + timedelta(hours=int(current_app.config["CONFIRMATION_HOURS"])))
        # a plain INSERT: the ORM's unit of work would cost more CPU than the rest of the
        # transaction's statements together; nothing later in this request loads the row
        db.session.connection().execute(INSERT_REGISTRATION, values)
        reg = Registration(**values)  # transient: what the mails are made of
        mail(reg, event, "confirm_email")
        # the contact person hears of the sign-up at once (its status says the address is not
        # confirmed yet); confirming sends them nothing more, a cancellation does
        contact_mail(event, "new_registration", reg)
        if held:
            announce_thresholds(event, held, seats)
        body = _answer(reg.id, row.id, waitlist=held is None)
        _remember_answer(idempotency, body)
        db.session.commit()
        SIGNUPS.labels("seat_held" if held else "waitlist").inc()
        return body

    for _ in range(3):
        try:
            return retrying(attempt)
        except IntegrityError:
            db.session.rollback()
            if idempotency:
                stored = _stored_answer(*idempotency)
                if stored is not None:
                    return stored
            known = _known_registration(row.id, email)
            if known is not None:
                return retrying(lambda: _repeat_sign_up(known, row, data["session_ids"], seats, idempotency))
    raise RegistrationError(409, "conflict", "Please try again.")


def _waiting_ahead(event_id: int) -> bool:
    return db.session.execute(
        select(func.count()).select_from(Registration)
        .where(Registration.event_id == event_id, Registration.status == "waitlisted")).scalar_one() > 0


def _repeat_sign_up(reg: Registration, row: EventReplica, session_ids: list[int], seats: int,
                    idempotency: tuple[str, str] | None) -> dict:
    """The same address again: no second seat; their current mail goes out once more."""
    event = row.data
    if reg.status == "pending_confirmation":
        # they are trying: keep the hold for another confirmation period and send a fresh link
        reg.expires_at = utcnow() + timedelta(hours=int(current_app.config["CONFIRMATION_HOURS"]))
        reg.updated_at = utcnow()
        mail(reg, event, "confirm_email")
    elif reg.status in ("confirmed", "waitlisted", "pending_approval"):
        mail(reg, event, reg.status)  # confirmed / waitlisted / pending_approval, with the cancel link
    # the answer a new person would get now (full or not), so it tells nothing about this address
    room = has_room(event, session_ids, seats) and not _waiting_ahead(row.id)
    if not room and not event["registration"].get("waitlist"):
        db.session.rollback()
        raise RegistrationError(409, "event_full", "This event is fully booked.")
    body = _answer(reg.id, row.id, waitlist=not room)
    _remember_answer(idempotency, body)
    db.session.commit()
    SIGNUPS.labels("repeated").inc()
    return body
