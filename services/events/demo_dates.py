"""When the demo events take place: moved by whole weeks into the coming weeks, off public holidays.

The seed announcements are from past years. `make run` moves each group of them forward by
whole weeks (weekday and time of day stay as announced), at least two weeks ahead, and one
more week while a day of it falls on a public holiday — a demo week of workshops on
24–26 December is one nobody would announce.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta


def easter_sunday(year: int) -> date:
    """The Gregorian computus (anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> set[date]:
    """Germany's nationwide holidays, plus Christmas Eve and New Year's Eve (offices close)."""
    easter = easter_sunday(year)
    fixed = {(1, 1), (5, 1), (10, 3), (12, 24), (12, 25), (12, 26), (12, 31)}
    moving = {easter - timedelta(days=2), easter + timedelta(days=1), easter + timedelta(days=39),
              easter + timedelta(days=50)}  # Good Friday, Easter Monday, Ascension, Whit Monday
    return {date(year, m, d) for m, d in fixed} | moving


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)


def weeks_to_move(first_start: str, today: date, lead_days: int = 14) -> int:
    """Whole weeks that bring `first_start` to at least `lead_days` after today (never backwards)."""
    gap = (today + timedelta(days=lead_days) - datetime.fromisoformat(first_start).date()).days
    return max(0, math.ceil(gap / 7))


def days_of(events: list[dict]) -> set[date]:
    """The days people come: each session's day, or every day from an event's start to its end."""
    days: set[date] = set()
    for event in events:
        if event.get("sessions"):
            days |= {datetime.fromisoformat(s["starts_at"]).date() for s in event["sessions"]}
            continue
        day, last = datetime.fromisoformat(event["starts_at"]).date(), datetime.fromisoformat(event["ends_at"]).date()
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def weeks_for(events: list[dict], today: date) -> int:
    """Weeks to move a group of events: into the coming weeks, and none of its days a holiday."""
    weeks = weeks_to_move(min(e["starts_at"] for e in events), today)
    days = days_of(events)
    for _ in range(60):  # a year is enough to find a week clear of holidays
        if not any(is_public_holiday(d + timedelta(weeks=weeks)) for d in days):
            break
        weeks += 1
    return weeks
