"""Copying an event: a plain duplicate, or the next part of its series."""
from __future__ import annotations

from datetime import datetime, timedelta

from .domain import input_of
from .models import Event, Series

_TIME_KEYS = ("starts_at", "ends_at", "opens_at", "closes_at")
ONE_WEEK = timedelta(weeks=1)


class NotInSeries(Exception):
    """A next part was asked of an event that belongs to no series."""


def _wall_clock(value: str | None) -> datetime | None:
    """The stored ISO time as the wall clock of the event's zone (the offset dropped), so that
    shifting by weeks keeps the time of day across a change to or from summer time."""
    return datetime.fromisoformat(value).replace(tzinfo=None) if value else None


def shifted(value, delta: timedelta):
    """Every time in an event's input moved by `delta` on the wall clock (whole weeks keep the
    weekday and the time of day as announced)."""
    if isinstance(value, dict):
        return {k: (_shift_time(v, delta) if k in _TIME_KEYS else shifted(v, delta)) for k, v in value.items()}
    if isinstance(value, list):
        return [shifted(v, delta) for v in value]
    return value


def _shift_time(value, delta: timedelta):
    local = _wall_clock(value)
    return (local + delta).isoformat() if local else value


def next_part_shift(event: Event, series: Series) -> timedelta:
    """Whole weeks from `event` to one series interval after the series' last part.

    The interval is the gap between the last two parts (a fortnightly series stays fortnightly),
    one week when the series has a single part; weekday and time of day stay as they were."""
    parts = sorted((e for e in series.events if e.status != "cancelled" or e.id == event.id),
                   key=lambda e: e.starts_at)
    last = parts[-1] if parts else event
    interval = last.starts_at - parts[-2].starts_at if len(parts) > 1 else ONE_WEEK
    target = last.starts_at + max(interval, ONE_WEEK)
    weeks = round((target - event.starts_at) / ONE_WEEK)
    return timedelta(weeks=max(weeks, 1))


def copy_input(event: Event, series: Series | None, next_part: bool) -> dict:
    """EventCreateSchema input for the copy. Session ids are left out (the copy gets its own);
    a plain copy stands alone, outside any series, so no two events claim the same part."""
    data = input_of(event)
    for session in data["sessions"]:
        session.pop("id", None)
    if not next_part:
        data["series_id"] = None
        data["series_position"] = None
        return data
    if series is None:
        raise NotInSeries(event.id)
    data = shifted(data, next_part_shift(event, series))
    positions = [e.series_position for e in series.events if e.series_position]
    data["series_position"] = max(positions, default=0) + 1
    return data
