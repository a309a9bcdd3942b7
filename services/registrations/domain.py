"""The rules of signing up: policy checks, seats, the waiting list, and every state change
with its messages (written to the outbox in the same transaction as the change).

Lock order, to stay free of deadlocks on PostgreSQL: a registration row first, then seat
pools. Promotion from the waiting list, which starts from a pool, only takes registrations
nobody else holds (SKIP LOCKED). Every seat change is a guarded UPDATE whose row count says
whether it happened, so SQLite (which ignores FOR UPDATE) stays just as correct.
"""
from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from flask_smorest import abort
from prometheus_client import Counter
from sqlalchemy import bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from shared import contract
from shared.db import utcnow

from . import links
from .models import (ACTIVE_STATUSES, BLOCKING_STATUSES, EventReplica, IdempotencyKey, Registration, SeatPool, db,
                     outbox)
from .replica import choosable_sessions, parse_time, per_session

log = logging.getLogger(__name__)

SIGNUPS = Counter("civic_signups_total", "Sign-up attempts by outcome", ["outcome"])
SEATS_RESERVED = Counter("civic_seats_reserved_total", "Seats reserved (a person plus companions, per pool)")
SEATS_RELEASED = Counter("civic_seats_released_total", "Seats given back (cancelled, expired, rejected, erased)")
TRANSITIONS = Counter("civic_registration_transitions_total", "Registration status changes", ["to_status"])
PROMOTIONS = Counter("civic_waitlist_promotions_total", "Registrations promoted from the waiting list")

# The event in our messages is the replica's snapshot, checked against the contract when it
# arrived; the outbox does not walk it again for every mail (notifications still checks it).
# A contract change that makes stored snapshots invalid must therefore also refresh the
# replicas, or notifications drops those mails as unreadable (it logs each one).
REPLICA_EVENT = ("event",)

# registrations whose address was confirmed: they hear about changes of the event
INFORMED_STATUSES = ("confirmed", "waitlisted", "pending_approval")


def fail(status: int, code: str, message: str):
    abort(status, message=message, code=code)


# ---- retries for lock conflicts ------------------------------------------------------------
def _retryable(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in ("40P01", "40001"):  # deadlock detected, serialization failure
        return True
    return "database is locked" in str(exc.orig)


def retrying(fn, attempts: int = 4):
    """Run a whole unit of work again when the database chose it as a deadlock victim."""
    for attempt in range(attempts):
        try:
            return fn()
        except DBAPIError as exc:
            db.session.rollback()
            if attempt == attempts - 1 or not _retryable(exc):
                raise
            log.warning("retrying after a lock conflict: %s", exc.orig)
            time.sleep(0.05 * (attempt + 1))


# ---- seats ---------------------------------------------------------------------------------
class Held(NamedTuple):
    """A seat pool just reserved in, as the guarded UPDATE left it."""
    id: int
    session_id: int
    capacity: int | None
    taken: int


def pool_keys(event: dict, session_ids: list[int]) -> list[int]:
    """The seat pools a registration draws on: its chosen sessions, or the event as a whole (0)."""
    return sorted(set(session_ids)) if per_session(event) else [0]


def _reserve_statement(behind_waitlist: bool):
    """The guarded UPDATE of one pool, built once: a sign-up only binds its numbers (building
    and caching the expression anew cost as much CPU as running it)."""
    pools = SeatPool.__table__
    # bind names differ from the column names: those are reserved for the SET clause
    seats = bindparam("wanted_seats")
    guard = [pools.c.event_id == bindparam("of_event"), pools.c.session_id == bindparam("of_session"),
             or_(pools.c.capacity.is_(None), pools.c.taken + seats <= pools.c.capacity)]
    if behind_waitlist:
        registrations = Registration.__table__
        guard.append(~exists().where(registrations.c.event_id == bindparam("of_event"),
                                     registrations.c.status == "waitlisted"))
    return (update(pools).where(*guard).values(taken=pools.c.taken + seats)
            .returning(pools.c.id, pools.c.session_id, pools.c.capacity, pools.c.taken))


RESERVE = {behind: _reserve_statement(behind) for behind in (False, True)}
INSERT_REGISTRATION = insert(Registration.__table__)


def reserve(event: dict, session_ids: list[int], seats: int, *, behind_waitlist: bool = False) -> list[Held] | None:
    """Take `seats` in every pool the registration needs (in order), all or nothing; None if one
    is too full. Each pool is one guarded UPDATE ... RETURNING, so the database decides who gets
    the last seat and no extra read is needed. `behind_waitlist`: a newcomer gets no seat while
    somebody of this event waits for one (they go first)."""
    event_id = event["id"]
    keys = pool_keys(event, session_ids)
    held: list[Held] = []
    if db.session.new or db.session.dirty:
        db.session.flush()  # the statements below run on the connection, past the ORM's autoflush
    connection = db.session.connection()
    for key in keys:
        row = connection.execute(RESERVE[behind_waitlist],
                                 {"of_event": event_id, "of_session": key, "wanted_seats": seats}).first()
        if row is None and _created_missing_pools(event, keys):
            release([h.id for h in held], seats)
            return reserve(event, session_ids, seats, behind_waitlist=behind_waitlist)
        if row is None:
            release([h.id for h in held], seats)
            return None
        held.append(Held(*row))
    SEATS_RESERVED.inc(seats * len(held))
    return held


def _created_missing_pools(event: dict, keys: list[int]) -> bool:
    """True if some pool was missing (a replica stored before pools existed) and now exists.
    Only asked after a reservation failed, so the usual sign-up does not pay for it."""
    def all_present() -> bool:
        return set(db.session.execute(select(SeatPool.session_id).where(
            SeatPool.event_id == event["id"], SeatPool.session_id.in_(keys))).scalars()) >= set(keys)

    if all_present():
        return False
    from .replica import sync_pools
    sync_pools(event)
    return all_present()


def release(pool_ids: list[int], seats: int) -> None:
    for pool_id in pool_ids or []:
        db.session.execute(
            update(SeatPool).where(SeatPool.id == pool_id, SeatPool.taken >= seats)
            .values(taken=SeatPool.taken - seats).execution_options(synchronize_session=False))
    if pool_ids:
        SEATS_RELEASED.inc(seats * len(pool_ids))


def pools_of(event_id: int) -> list[SeatPool]:
    return list(db.session.execute(
        select(SeatPool).where(SeatPool.event_id == event_id).order_by(SeatPool.session_id)
        .execution_options(populate_existing=True)).scalars())


def has_room(event: dict, session_ids: list[int], seats: int) -> bool:
    """A non-locking look: would these seats fit right now?"""
    for pool in db.session.execute(select(SeatPool).where(
            SeatPool.event_id == event["id"], SeatPool.session_id.in_(pool_keys(event, session_ids)))
            .execution_options(populate_existing=True)).scalars():
        if pool.capacity is not None and pool.taken + seats > pool.capacity:
            return False
    return True


def availability(row: EventReplica) -> dict:
    event = row.data
    pools = pools_of(row.id)
    waiting = list(db.session.execute(
        select(Registration.session_ids).where(Registration.event_id == row.id,
                                               Registration.status == "waitlisted")).scalars())

    def numbers(capacity, taken):
        return {"capacity": capacity, "taken": taken,
                "available": None if capacity is None else max(0, capacity - taken)}

    by_session = {p.session_id: p for p in pools}
    sessions = []
    if per_session(event):
        for s in choosable_sessions(event):
            pool = by_session.get(s["id"])
            entry = {"id": s["id"], "title": s["title"], "starts_at": s["starts_at"], "ends_at": s["ends_at"],
                     **numbers(pool.capacity if pool else s.get("capacity"), pool.taken if pool else 0),
                     "waitlist": sum(1 for ids in waiting if s["id"] in (ids or []))}
            sessions.append(entry)
        capacities = [s["capacity"] for s in sessions]
        capacity = None if (not sessions or any(c is None for c in capacities)) else sum(capacities)
        total = numbers(capacity, sum(s["taken"] for s in sessions))
    else:
        pool = by_session.get(0)
        total = numbers(pool.capacity if pool else event["registration"].get("capacity"), pool.taken if pool else 0)
    return {**total, "waitlist": len(waiting), "per_session": per_session(event), "sessions": sessions}


# ---- messages ------------------------------------------------------------------------------
def registrant_of(reg: Registration) -> dict:
    return {"name": reg.name, "email": reg.email, "locale": reg.locale}


def facts_of(reg: Registration) -> dict:
    return {"id": reg.id, "status": reg.status, "companions": reg.companions,
            "session_ids": list(reg.session_ids or []), "answers": dict(reg.answers or {}),
            "created_at": reg.created_at.isoformat() if reg.created_at else None}


def links_of(reg: Registration, *, confirm: bool = False) -> dict:
    return {"confirm": links.confirm_url(reg.id) if confirm else None,
            "cancel": links.cancel_url(reg.id),
            "event_page": links.event_url(reg.event_id)}


def mail(reg: Registration, event: dict, kind: str) -> str:
    """A mail to the registrant, sent by notifications after this transaction commits."""
    return outbox.put(contract.REGISTRATION_MAIL, {
        "kind": kind, "registrant": registrant_of(reg), "registration": facts_of(reg), "event": event,
        "links": links_of(reg, confirm=(kind == "confirm_email")),
    }, prevalidated=REPLICA_EVENT)


def wants_contact_mail(event: dict) -> bool:
    return event.get("contact_notifications", "each") != "none" and any(
        c.get("email") for c in event.get("contacts") or [])


def contact_mail(event: dict, kind: str, reg: Registration | None = None, numbers: dict | None = None) -> None:
    if not wants_contact_mail(event):
        return
    outbox.put(contract.CONTACT_MAIL, {
        "kind": kind, "event": event,
        "registrant": registrant_of(reg) if reg else None,
        "registration": facts_of(reg) if reg else None,
        "availability": numbers or {},
    }, prevalidated=REPLICA_EVENT)


def announce_thresholds(event: dict, held: list[Held], seats: int) -> None:
    """Tell the contact persons once a pool crosses 80 % and once it is full."""
    ratio = float(current_app.config["NEARLY_FULL_RATIO"])
    titles = {s["id"]: s["title"] for s in event.get("sessions") or []}
    for pool in held:
        if not pool.capacity:
            continue
        after, before = pool.taken, pool.taken - seats
        numbers = {"capacity": pool.capacity, "taken": after, "available": max(0, pool.capacity - after),
                   "session_id": pool.session_id or None, "session_title": titles.get(pool.session_id)}
        if before < pool.capacity <= after:
            contact_mail(event, "full", numbers=numbers)
        elif before < ratio * pool.capacity <= after:
            contact_mail(event, "nearly_full", numbers=numbers)


# ---- state changes -------------------------------------------------------------------------
def transition(reg: Registration, from_statuses, to_status: str, **values) -> bool:
    """Move a registration on if it is still in one of `from_statuses` (a guarded UPDATE that
    also locks the row on PostgreSQL); False if someone else changed it first."""
    now = utcnow()
    values.setdefault("updated_at", now)
    if to_status not in ACTIVE_STATUSES and to_status not in BLOCKING_STATUSES:
        values["active_email"] = None
    result = db.session.execute(
        update(Registration).where(Registration.id == reg.id, Registration.status.in_(tuple(from_statuses)))
        .values(status=to_status, **values).execution_options(synchronize_session=False))
    db.session.refresh(reg)
    if result.rowcount == 1:
        TRANSITIONS.labels(to_status).inc()
        return True
    return False


def seated_status(event: dict) -> str:
    return "pending_approval" if event["registration"].get("approval") else "confirmed"


def seated_mail_kind(status: str, promoted: bool = False) -> str:
    if status == "pending_approval":
        return "pending_approval"
    return "promoted" if promoted else "confirmed"


def promote(row: EventReplica) -> int:
    """Give free seats to the waiting list, in the order people signed up."""
    event = row.data
    if row.status != "published":
        return 0
    promoted = 0
    candidates = db.session.execute(
        select(Registration).where(Registration.event_id == row.id, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id).limit(200)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)).scalars().all()
    for reg in candidates:
        held = reserve(event, list(reg.session_ids or []), reg.seats)
        if held is None:
            if not any(p.capacity is None or p.taken < p.capacity for p in pools_of(row.id)):
                break  # nothing free anywhere: nobody further down fits either
            continue  # the head needs more seats (or another session) than are free
        status = seated_status(event)
        if not transition(reg, ["waitlisted"], status, held_pool_ids=[h.id for h in held]):
            release([h.id for h in held], reg.seats)
            continue
        promoted += 1
        PROMOTIONS.inc()
        mail(reg, event, seated_mail_kind(status, promoted=True))
        contact_mail(event, "new_registration", reg)
        announce_thresholds(event, held, reg.seats)
    return promoted


def free_seats_and_promote(row: EventReplica, held: list[int], seats: int) -> None:
    if held:
        release(held, seats)
        promote(row)


# ---- sign-up -------------------------------------------------------------------------------
def check_policy(row: EventReplica, data: dict) -> dict:
    """409 for what the person cannot change (closed, cancelled, full), 422 per field otherwise.

    Returns the normalised data (session ids, answers)."""
    event = row.data
    policy = event["registration"]
    now = utcnow()
    if row.status == "cancelled":
        fail(409, "event_cancelled", "This event was cancelled.")
    if policy.get("mode") == "none":
        fail(409, "registration_not_needed", "This event needs no registration; just come along.")
    opens, closes = parse_time(policy.get("opens_at")), parse_time(policy.get("closes_at"))
    if opens and now < opens:
        fail(409, "registration_not_open", "Registration for this event has not opened yet.")
    sessions = {s["id"]: s for s in choosable_sessions(event)}
    booked_per_session = per_session(event)
    if closes is None and not booked_per_session:
        closes = parse_time(event["starts_at"])  # no deadline: until the event starts
    if (closes and now >= closes) or now >= parse_time(event["ends_at"]):
        fail(409, "registration_closed", "The registration deadline has passed.")

    errors: dict = {}
    companions = data.get("companions") or 0
    if companions > int(policy.get("max_companions") or 0):
        allowed = int(policy.get("max_companions") or 0)
        errors["companions"] = [f"At most {allowed} companion(s) may come along." if allowed
                                else "This event takes no companions."]
    session_ids = list(dict.fromkeys(data.get("session_ids") or []))
    unknown = [i for i in session_ids if i not in sessions]
    if unknown:
        errors["session_ids"] = [f"Session {', '.join(map(str, unknown))} does not belong to this event "
                                 "or needs no registration."]
    elif booked_per_session:
        if not session_ids:
            errors["session_ids"] = ["Choose at least one session."]
        else:
            started = [sessions[i]["title"] for i in session_ids if parse_time(sessions[i]["starts_at"]) <= now]
            if started:
                errors["session_ids"] = [f"These sessions have already started: {', '.join(started)}."]
    answers, answer_errors = check_answers(policy.get("questions") or [], data.get("answers") or {})
    if answer_errors:
        errors["answers"] = answer_errors
    if errors:
        abort(422, message="Some fields are not valid.", errors=errors)
    return {**data, "companions": companions, "session_ids": session_ids, "answers": answers}


def check_answers(questions: list[dict], given: dict) -> tuple[dict, dict]:
    answers, errors = {}, {}
    known = {q["key"]: q for q in questions}
    for key in given:
        if key not in known:
            errors[key] = ["There is no such question."]
    for key, q in known.items():
        value = given.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []):
            if q.get("required"):
                errors[key] = ["Please answer this question."]
            continue
        if q.get("type") == "boolean":
            if isinstance(value, str) and value.lower() in ("true", "yes", "y", "on", "1", "ja"):
                value = True
            elif isinstance(value, str) and value.lower() in ("false", "no", "n", "off", "0", "nein"):
                value = False
            if not isinstance(value, bool):
                errors[key] = ["Answer yes or no."]
                continue
            if q.get("required") and value is False:
                errors[key] = ["Please confirm this."]
                continue
        elif q.get("type") == "choice":
            if value not in (q.get("options") or []):
                errors[key] = ["Choose one of the offered options."]
                continue
        else:
            if not isinstance(value, str):
                errors[key] = ["Not a valid text."]
                continue
            if len(value) > 2000:
                errors[key] = ["At most 2000 characters."]
                continue
        answers[key] = value
    return answers, errors


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
        abort(422, message="This Idempotency-Key was already used with a different request.",
              code="idempotency_key_reused", errors={"Idempotency-Key": ["Already used with another body."]})
    return stored.response


def sign_up(row: EventReplica, data: dict, idempotency: tuple[str, str] | None = None) -> dict:
    """Validate against the policy, reserve seats or join the waiting list, write the
    registration and its confirm-your-email mail in one transaction. Returns the 202 body."""
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
            fail(409, "event_full", "This event is fully booked.")
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
        if idempotency:
            db.session.add(IdempotencyKey(key=idempotency[0], request_hash=idempotency[1], status_code=202,
                                          response=body))
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
    fail(409, "conflict", "Please try again.")


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
        fail(409, "event_full", "This event is fully booked.")
    body = _answer(reg.id, row.id, waitlist=not room)
    if idempotency:
        db.session.add(IdempotencyKey(key=idempotency[0], request_hash=idempotency[1], status_code=202,
                                      response=body))
    db.session.commit()
    SIGNUPS.labels("repeated").inc()
    return body


# ---- confirm, cancel ------------------------------------------------------------------------
def _registration(reg_id: str) -> Registration:
    reg = db.session.get(Registration, reg_id, populate_existing=True)
    if reg is None or reg.anonymized_at is not None:
        fail(410, "registration_gone", "This registration no longer exists.")
    return reg


def _replica(reg: Registration) -> EventReplica:
    return db.session.get(EventReplica, reg.event_id, populate_existing=True)


def result(reg: Registration) -> dict:
    return {"id": reg.id, "event_id": reg.event_id, "status": reg.status}


def confirm(reg_id: str) -> dict:
    def attempt():
        reg = _registration(reg_id)
        row = _replica(reg)
        if reg.status == "pending_confirmation" and reg.expires_at and reg.expires_at <= utcnow():
            expire_one(reg)
            db.session.commit()
        if reg.status == "expired":
            fail(410, "registration_expired", "This registration expired before it was confirmed; "
                                              "please sign up again.")
        if reg.status in ("cancelled", "rejected"):
            fail(409, f"registration_{reg.status}", f"This registration was {reg.status}.")
        if reg.status != "pending_confirmation":
            return result(reg)  # confirmed before: clicking the link again changes nothing
        if row.status == "cancelled":
            fail(409, "event_cancelled", "This event was cancelled.")
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
    row = _replica(reg)
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
            fail(409, f"registration_{reg.status}", f"This registration is {reg.status} already.")
        if not end(reg, "cancelled", mail_kind="cancelled", contact_kind="cancellation", cancelled_at=utcnow()):
            reg = _registration(reg_id)
            if reg.status != "cancelled":
                fail(409, f"registration_{reg.status}", f"This registration is {reg.status} already.")
        db.session.commit()
        return result(reg)

    return retrying(attempt)


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


# ---- organizer actions ---------------------------------------------------------------------
def approve(reg: Registration) -> dict:
    if reg.status == "confirmed":
        return result(reg)
    if reg.status != "pending_approval":
        fail(409, "not_pending_approval", f"Only a registration awaiting approval can be approved (it is {reg.status}).")
    if transition(reg, ["pending_approval"], "confirmed", decided_at=utcnow()):
        mail(reg, _replica(reg).data, "confirmed")
    db.session.commit()
    return result(reg)


def reject(reg: Registration) -> dict:
    if reg.status == "rejected":
        return result(reg)
    if reg.status not in ACTIVE_STATUSES:
        fail(409, f"registration_{reg.status}", f"This registration is {reg.status} already.")
    if not end(reg, "rejected", mail_kind="rejected", decided_at=utcnow()):
        fail(409, "conflict", "The registration changed meanwhile; please reload.")
    db.session.commit()
    return result(reg)


def check_in(reg: Registration) -> dict:
    if reg.status != "confirmed":
        fail(409, "not_confirmed", f"Only a confirmed registration can be checked in (it is {reg.status}).")
    if reg.checked_in_at is None:
        reg.checked_in_at = utcnow()
        reg.updated_at = utcnow()
        db.session.commit()
    return {**result(reg), "checked_in_at": reg.checked_in_at}


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
            outbox.put(contract.ERASE_PERSON, {"email": email, "organizer_id": organizer_id, "event_ids": event_ids})
        db.session.commit()
        return {"erased": len(regs), "event_ids": sorted({r.event_id for r in regs})}

    return retrying(attempt)


def apply_retention() -> int:
    """Remove names, addresses and answers a configured number of days after an event ended."""
    now = utcnow()
    cutoff = now - timedelta(days=int(current_app.config["RETENTION_DAYS"]))
    rows = db.session.execute(select(EventReplica).where(EventReplica.ends_at < cutoff,
                                                         EventReplica.retention_done_at.is_(None))).scalars().all()
    count = 0
    for row in rows:
        result_ = db.session.execute(
            update(Registration).where(Registration.event_id == row.id, Registration.anonymized_at.is_(None))
            .values(name="", email="", active_email=None, answers={}, locale=None, anonymized_at=now,
                    updated_at=now).execution_options(synchronize_session=False))
        count += result_.rowcount
        row.retention_done_at = now
    db.session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.created_at < now - timedelta(hours=int(current_app.config["IDEMPOTENCY_HOURS"]))))
    db.session.commit()
    return count


# ---- snapshots -----------------------------------------------------------------------------
def _time_key(event: dict) -> tuple:
    return (parse_time(event["starts_at"]), parse_time(event["ends_at"]),
            tuple((s["id"], parse_time(s["starts_at"]), parse_time(s["ends_at"])) for s in event.get("sessions") or []))


def _place_key(event: dict) -> tuple:
    venue = event.get("venue") or {}
    return (event.get("format"), venue.get("name"), venue.get("street"), venue.get("postal_code"),
            venue.get("city"), event.get("online_url"))


def apply_snapshot(data: dict, raw_event: dict) -> bool:
    """Store a snapshot (newest revision wins) and tell registrants what changed for them."""
    from .replica import store
    before, row, applied = store(raw_event, data["revision"])
    if not applied:
        return False
    change = data["change"]
    cancelled_now = row.status == "cancelled" and (before is None or before.get("status") != "cancelled")
    time_changed = bool(change.get("time_changed")) or (before is not None and _time_key(before) != _time_key(raw_event))
    place_changed = bool(change.get("place_changed")) or (
        before is not None and _place_key(before) != _place_key(raw_event))
    if cancelled_now:
        _tell_registrants(row, "cancelled", False, False)
    elif (time_changed or place_changed) and row.status == "published" and before is not None:
        _tell_registrants(row, "changed", time_changed, place_changed)
    elif row.status == "published":
        promote(row)  # more seats than before, or a waiting list that may move now
    return True


def _tell_registrants(row: EventReplica, kind: str, time_changed: bool, place_changed: bool) -> None:
    regs = db.session.execute(
        select(Registration).where(Registration.event_id == row.id, Registration.status.in_(INFORMED_STATUSES))
        .order_by(Registration.created_at)).scalars().all()
    for reg in regs:
        outbox.put(contract.EVENT_CHANGE_MAIL, {
            "kind": kind, "registrant": registrant_of(reg), "registration": facts_of(reg), "event": row.data,
            "time_changed": time_changed, "place_changed": place_changed, "links": links_of(reg),
        }, prevalidated=REPLICA_EVENT)
