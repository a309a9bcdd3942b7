"""Dates and times as people write them in German and English announcements.

Month names come from the CLDR data babel ships (German, Austrian German, English; wide and
abbreviated), so "März", "Mär", "Sept.", "Jänner", "October" and "Oct" are all known without a
table of our own. `scan(line, as_of)` returns the dates and the times of one line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from babel.dates import get_month_names

LOCALES = ("de", "de_AT", "en")


def _month_numbers() -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context=context, locale=locale).items():
                    names[name.rstrip(".").casefold()] = number
    return names


MONTHS = _month_numbers()
_MON = "(?:" + "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True)) + r")\.?(?![^\W\d_])"
_DASH = r"\s*(?:-|–|—|bis|to|until)\s*"
_YEAR = r"(?:\s*,?\s*(?P<{}>\d{{4}})(?!\d))?"
_DAY = r"(?<![\d.,])(?P<{}>[0-3]?\d)"

DATE_PATTERNS = [
    # 13. – 17. September 2021 · 13.-17.9.2021
    re.compile(_DAY.format("d1") + r"\.?" + _DASH + r"(?P<d2>[0-3]?\d)\.?\s*(?P<mon>" + _MON + ")"
               + _YEAR.format("y"), re.I),
    re.compile(_DAY.format("d1") + r"\." + _DASH + r"(?P<d2>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>\d{4}|\d{2}(?!\d))?", re.I),
    # 14. Mai 2022 · 14 May 2022 · 3rd March
    re.compile(_DAY.format("d") + r"(?:\.|st|nd|rd|th)?\s*(?:of\s+)?(?P<mon>" + _MON + ")" + _YEAR.format("y"), re.I),
    # May 14, 2022
    re.compile(r"(?<![\w.])(?P<mon>" + _MON + r")\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)(?!\.\d)" + _YEAR.format("y"), re.I),
    # 2022-05-14
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)"),
    # 14.05.2022 · 14.5.22 · 14.05.
    re.compile(_DAY.format("d") + r"\.(?P<m>[01]?\d)\.(?:(?P<y>\d{4}|\d{2})(?!\d)|(?![\d]))"),
]

_CLOCK = r"(?P<{h}>[012]?\d)(?:[:.](?P<{m}>[0-5]\d))?"
_SUFFIX = r"(?P<{}>uhr|h\b|a\.\s?m\.|p\.\s?m\.|am\b|pm\b)"
TIME_RANGE = re.compile(
    r"(?<![\d.:,])(?P<lead>(?:von|from|zwischen|between)\s+)?" + _CLOCK.format(h="h1", m="m1")
    + r"\s*(?:" + _SUFFIX.format("s1") + r"\s*)?" + r"(?:-|–|—|bis|to|until|und|and)\s*(?:ca\.\s*)?"
    + _CLOCK.format(h="h2", m="m2") + r"(?!\d)(?:\s*" + _SUFFIX.format("s2") + ")?", re.I)
TIME_SINGLE = re.compile(
    r"(?<![\d.:,])" + _CLOCK.format(h="h", m="m") + r"\s*" + _SUFFIX.format("s") + r"|(?<![\d.:,])(?P<hc>[012]?\d):(?P<mc>[0-5]\d)(?!\d)",
    re.I)


@dataclass
class DateHit:
    start: date
    end: date | None
    has_year: bool
    span: tuple[int, int]


@dataclass
class TimeHit:
    start: time
    end: time | None
    span: tuple[int, int]


@dataclass
class Scan:
    dates: list[DateHit] = field(default_factory=list)
    times: list[TimeHit] = field(default_factory=list)


def infer_year(month: int, day: int, as_of: date) -> int:
    """A date without a year is the one closest after the publication date: at most three
    months back (a text may still mention a past deadline), else in the coming eleven months
    (programmes are announced up to a year ahead)."""
    for year in (as_of.year, as_of.year + 1, as_of.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if as_of - timedelta(days=92) <= candidate <= as_of + timedelta(days=330):
            return year
    return as_of.year


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    year = int(raw)
    return year + 2000 if year < 100 else year


def _make(day: int, month: int, year: int | None, as_of: date) -> date | None:
    try:
        return date(year if year else infer_year(month, day, as_of), month, day)
    except ValueError:
        return None


def _month(groups: dict) -> int | None:
    if groups.get("mon"):
        return MONTHS.get(groups["mon"].rstrip(".").casefold())
    if groups.get("m"):
        number = int(groups["m"])
        return number if 1 <= number <= 12 else None
    return None


def find_dates(line: str, as_of: date) -> list[DateHit]:
    hits: list[DateHit] = []
    taken = [False] * (len(line) + 1)
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(line):
            if any(taken[match.start():match.end()]):
                continue
            groups = match.groupdict()
            month, year = _month(groups), _year(groups.get("y"))
            if month is None:
                continue
            if "d1" in groups and groups.get("d1"):
                first, last = _make(int(groups["d1"]), month, year, as_of), _make(int(groups["d2"]), month, year, as_of)
                if first is None or last is None or last < first:
                    continue
                hit = DateHit(first, last, year is not None, match.span())
            else:
                day = _make(int(groups["d"]), month, year, as_of)
                if day is None:
                    continue
                hit = DateHit(day, None, year is not None, match.span())
            hits.append(hit)
            for i in range(*match.span()):
                taken[i] = True
    hits.sort(key=lambda h: h.span)
    return _join_ranges(line, hits)


_RANGE_GAP = re.compile(r"^\s*(?:,?\s*\d{1,2}[:.]\d{2}\s*(?:uhr)?\s*)?(?:-|–|—|bis|to|until)\s*(?:zum\s+|\w+,\s*)?$", re.I)


def _join_ranges(line: str, hits: list[DateHit]) -> list[DateHit]:
    """"1. März – 3. April 2022", "13.09.2021 - 17.09.2021": two dates joined by a dash are one range."""
    joined: list[DateHit] = []
    for hit in hits:
        if joined and joined[-1].end is None and hit.end is None \
                and _RANGE_GAP.match(line[joined[-1].span[1]:hit.span[0]]) and hit.start >= joined[-1].start:
            first = joined[-1]
            start = first.start
            if not first.has_year and hit.has_year:
                start = _make(start.day, start.month, hit.start.year, hit.start) or start
                if start > hit.start:
                    start = _make(start.day, start.month, hit.start.year - 1, hit.start) or start
            joined[-1] = DateHit(start, hit.start, hit.has_year, (first.span[0], hit.span[1]))
        else:
            joined.append(hit)
    return joined


def _clock(hour: str, minute: str | None, suffix: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    suffix = (suffix or "").replace(" ", "").replace(".", "").lower()
    if suffix == "pm" and h < 12:
        h += 12
    elif suffix == "am" and h == 12:
        h = 0
    if h == 24 and m == 0:
        return time(23, 59)
    if h > 23:
        return None
    return time(h, m)


def find_times(line: str) -> list[TimeHit]:
    """Times need a sign they are times: "Uhr", "h", am/pm, minutes, or "von … bis"."""
    hits: list[TimeHit] = []
    taken = [False] * (len(line) + 1)
    for match in TIME_RANGE.finditer(line):
        g = match.groupdict()
        if not (g["s1"] or g["s2"] or g["m1"] or g["m2"] or g["lead"]):
            continue
        end_suffix = g["s2"] or g["s1"]
        start = _clock(g["h1"], g["m1"], g["s1"] or (end_suffix if end_suffix and end_suffix.lower().startswith(("p", "a")) else None))
        end = _clock(g["h2"], g["m2"], end_suffix)
        if start is None or end is None or end <= start:
            continue
        hits.append(TimeHit(start, end, match.span()))
        for i in range(*match.span()):
            taken[i] = True
    for match in TIME_SINGLE.finditer(line):
        if any(taken[match.start():match.end()]):
            continue
        g = match.groupdict()
        value = _clock(g["h"], g["m"], g["s"]) if g["h"] else _clock(g["hc"], g["mc"], None)
        if value is not None:
            hits.append(TimeHit(value, None, match.span()))
    hits.sort(key=lambda h: h.span)
    return hits


def scan(line: str, as_of: date) -> Scan:
    """Dates first; their characters are blanked before looking for times ("13.09.2021 10:00")."""
    dates = find_dates(line, as_of)
    masked = list(line)
    for hit in dates:
        for i in range(*hit.span):
            masked[i] = " "
    return Scan(dates, find_times("".join(masked)))
