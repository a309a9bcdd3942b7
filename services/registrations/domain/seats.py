"""Seat pools: one per event, or one per session booked on its own. Reserving and releasing
seats, what is still free, and giving freed seats to the waiting list.

Every seat change is a guarded UPDATE checked by its row count: the database decides who
gets the last seat, on SQLite (which ignores FOR UPDATE) as on PostgreSQL. Promotion starts
from a pool, so it only takes registrations nobody else holds (SKIP LOCKED) — see the lock
order in the package docstring.
"""
from __future__ import annotations

from typing import NamedTuple

from prometheus_client import Counter
from sqlalchemy import bindparam, exists, or_, select, update

from ..models import EventReplica, Registration, SeatPool, db
from .messages import announce_thresholds, contact_mail, mail
from .status import seated_mail_kind, seated_status, transition

SEATS_RESERVED = Counter("civic_seats_reserved_total", "Seats reserved (a person plus companions, per pool)")
SEATS_RELEASED = Counter("civic_seats_released_total", "Seats given back (cancelled, expired, rejected, erased)")
PROMOTIONS = Counter("civic_waitlist_promotions_total", "Registrations promoted from the waiting list")


# ---- what an event's policy means for seats ------------------------------------------------
def choosable_sessions(event: dict) -> list[dict]:
    """Sessions a person signs up for one by one (registration != "none")."""
    return [s for s in event.get("sessions") or [] if s.get("registration") != "none"]


def per_session(event: dict) -> bool:
    """Seats are taken per chosen session when some bookable session has its own capacity
    (the Kiel week: eight seats each morning); otherwise one registration covers the event."""
    return any(s.get("capacity") is not None for s in choosable_sessions(event))


def pool_keys(event: dict, session_ids: list[int]) -> list[int]:
    """The seat pools a registration draws on: its chosen sessions, or the event as a whole (0)."""
    return sorted(set(session_ids)) if per_session(event) else [0]


def sync_pools(event: dict) -> list[int]:
    """Create/update the seat pools of an event; returns ids of pools whose capacity grew."""
    wanted = {0: event["registration"].get("capacity")}
    if per_session(event):
        wanted = {s["id"]: s.get("capacity") for s in choosable_sessions(event)}
    existing = {p.session_id: p for p in db.session.execute(
        select(SeatPool).where(SeatPool.event_id == event["id"])).scalars()}
    grown = []
    for session_id, capacity in wanted.items():
        pool = existing.get(session_id)
        if pool is None:
            db.session.add(SeatPool(event_id=event["id"], session_id=session_id, capacity=capacity, taken=0))
        elif pool.capacity != capacity:
            if capacity is None or (pool.capacity is not None and capacity > pool.capacity):
                grown.append(pool.id)
            pool.capacity = capacity
    db.session.flush()
    return grown


# ---- reserve, release ----------------------------------------------------------------------
class Held(NamedTuple):
    """A seat pool just reserved in, as the guarded UPDATE left it."""
    id: int
    session_id: int
    capacity: int | None
    taken: int


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
    sync_pools(event)
    return all_present()


def release(pool_ids: list[int], seats: int) -> None:
    for pool_id in pool_ids or []:
        db.session.execute(
            update(SeatPool).where(SeatPool.id == pool_id, SeatPool.taken >= seats)
            .values(taken=SeatPool.taken - seats).execution_options(synchronize_session=False))
    if pool_ids:
        SEATS_RELEASED.inc(seats * len(pool_ids))


# ---- what is free --------------------------------------------------------------------------
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


# ---- the waiting list ----------------------------------------------------------------------
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
