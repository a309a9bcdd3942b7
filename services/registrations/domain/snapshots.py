"""A new state of an event from the events service (newest revision wins): stored in the
replica, and what it changes for registrants — a cancellation or a new time or place is
mailed to them, more seats move the waiting list.
"""
from __future__ import annotations

from sqlalchemy import select

from ..models import EventReplica, Registration, db
from ..replica import parse_time, store
from .messages import INFORMED_STATUSES, event_change_mail
from .seats import promote


def _time_key(event: dict) -> tuple:
    return (parse_time(event["starts_at"]), parse_time(event["ends_at"]),
            tuple((s["id"], parse_time(s["starts_at"]), parse_time(s["ends_at"])) for s in event.get("sessions") or []))


def _place_key(event: dict) -> tuple:
    venue = event.get("venue") or {}
    return (event.get("format"), venue.get("name"), venue.get("street"), venue.get("postal_code"),
            venue.get("city"), event.get("online_url"))


def apply_snapshot(data: dict, raw_event: dict) -> bool:
    """Store a snapshot (newest revision wins) and tell registrants what changed for them."""
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
        event_change_mail(reg, row.data, kind, time_changed, place_changed)
