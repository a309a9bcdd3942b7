"""From Findings to a draft event that passes the same validation as POST /api/v1/events.

Where the domain needs a value the text did not give (a start, an end, a venue for an event
in person), a plain default is filled in and the field is listed in `missing`, so the editor
asks for it; nothing is invented beyond that.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from marshmallow import ValidationError

from ..schemas import DEFAULT_TIMEZONE, EventCreateSchema
from .findings import Findings, Found
from .rules import position_in_series

REPORTED = ("title", "summary", "description", "language", "timezone", "starts_at", "ends_at", "format",
            "venue.name", "venue.street", "venue.postal_code", "venue.city", "online_url", "price", "audience",
            "registration.mode", "registration.closes_at", "contacts", "sessions", "agenda", "series", "modules")
EXPECTED = ("title", "starts_at", "ends_at", "format", "venue.name", "venue.street", "venue.postal_code",
            "venue.city", "price", "registration.mode", "contacts")
PLACEHOLDER_VENUE = {"de": "Ort noch offen", "en": "Venue to be announced"}
PLACEHOLDER_TITLE = {"de": "Importierte Veranstaltung", "en": "Imported event"}
DROPPABLE = ("agenda", "sessions", "contacts", "audience", "summary", "online_url")


class DraftInvalid(Exception):
    """The findings make no valid event even after dropping the optional parts."""

    def __init__(self, errors: dict):
        super().__init__("the import gives no valid event")
        self.errors = errors


@dataclass
class Draft:
    input: dict                   # EventCreateSchema input, JSON-ready
    data: dict                    # the same, loaded and validated
    report: dict                  # {field: {value, snippet, confidence}}
    missing: list[str]
    series: dict | None = None    # {"title", "planned_parts", "position", "parts"} when the text names one
    notes: list[str] = field(default_factory=list)


def _aware(value: datetime, tz: ZoneInfo) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _as_datetime(value) -> tuple[datetime | None, bool]:
    """(datetime, has_time) of a finding that may be a date."""
    if isinstance(value, datetime):
        return value, True
    if isinstance(value, date):
        return datetime.combine(value, time(0)), False
    return None, False


def _times(found: Findings, as_of: date) -> tuple[datetime, datetime, list[str]]:
    missing = []
    start, has_start_time = _as_datetime(found.value("starts_at"))
    end, has_end_time = _as_datetime(found.value("ends_at"))
    agenda = found.value("agenda") or []
    time_start, time_end = found.value("time.start"), found.value("time.end")
    if start is None:
        start, has_start_time = datetime.combine(as_of, time(0)), False
        missing.append("starts_at")
    if not has_start_time:
        clock = time_start or (agenda[0]["starts_at"] if agenda else None)
        if clock:
            start, has_start_time = datetime.combine(start.date(), clock), True
            source = found.get("time.start") or found["agenda"]
            found["starts_at"] = Found(start, (found["starts_at"].snippet + " " + source.snippet).strip()
                                       if "starts_at" in found else source.snippet, min(source.confidence, 0.8))
    if end is not None and not has_end_time:
        end = datetime.combine(end.date(), time_end or time(23, 59))
    if end is None:
        if time_end:
            end = datetime.combine(start.date(), time_end)
        elif agenda:
            last = max(a["ends_at"] or a["starts_at"] for a in agenda)
            end = datetime.combine(start.date(), last) + timedelta(hours=0 if any(a["ends_at"] for a in agenda) else 1)
        elif not has_start_time:
            end = datetime.combine(start.date(), time(23, 59))
        else:
            end = min(start + timedelta(hours=2), datetime.combine(start.date(), time(23, 59)))
        if "starts_at" not in missing:
            missing.append("ends_at")
        else:
            missing.append("ends_at")
    if end < start:  # an end before the start is no end: the plain default, and the editor asks
        found.pop("ends_at", None)
        missing.append("ends_at")
        end = datetime.combine(start.date(), time(23, 59)) if start.time() < time(23, 59) else start
    return start, end, missing


MARKUP = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|</?[a-zA-Z!][^<>]{0,500}(>|$)", re.I | re.S)


def plain(value):
    """Every text of the draft without markup: a pasted text may carry tags, and none is kept."""
    if isinstance(value, str):
        return MARKUP.sub("", value) if "<" in value else value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _iso(value: datetime, tz: ZoneInfo) -> str:
    return _aware(value, tz).isoformat()


def build(found: Findings, as_of: date) -> Draft:
    tz_name = found.value("timezone") or DEFAULT_TIMEZONE
    tz = ZoneInfo(tz_name)
    language = found.value("language") or "de"
    start, end, missing = _times(found, as_of)
    fmt = found.value("format")
    has_venue = any(k in found for k in ("venue.name", "venue.street", "venue.city"))
    if fmt is None:
        fmt = "in_person"
        if not has_venue:
            missing.append("format")
    venue = None
    if fmt in ("in_person", "hybrid"):
        name = found.value("venue.name") or found.value("venue.street") or found.value("venue.city")
        if not has_venue:
            name = PLACEHOLDER_VENUE[language]
        venue = {"name": name, "street": found.value("venue.street"), "postal_code": found.value("venue.postal_code"),
                 "city": found.value("venue.city")}
    price = found.value("price")
    policy = {"mode": found.value("registration.mode") or "required"}
    closes = found.value("registration.closes_at")
    if closes is not None:
        if _aware(closes, tz) <= _aware(end, tz):
            policy["closes_at"] = _iso(closes, tz)
        else:
            found.pop("registration.closes_at")
    agenda = []
    for item in found.value("agenda") or []:
        at = datetime.combine(start.date(), item["starts_at"])
        until = datetime.combine(start.date(), item["ends_at"]) if item["ends_at"] else None
        if start <= at <= end and (until is None or until <= end):
            agenda.append({"starts_at": _iso(at, tz), "ends_at": _iso(until, tz) if until else None,
                           "title": item["title"], "speakers": item["speakers"]})
    sessions = [{"title": s["title"], "starts_at": _iso(s["starts_at"], tz), "ends_at": _iso(s["ends_at"], tz),
                 "registration": policy["mode"]}
                for s in found.value("sessions") or [] if start <= s["starts_at"] and s["ends_at"] <= end]
    data = {
        "title": found.value("title") or PLACEHOLDER_TITLE[language],
        "summary": found.value("summary"), "description": found.value("description"),
        "language": language, "timezone": tz_name,
        "starts_at": _iso(start, tz), "ends_at": _iso(end, tz), "format": fmt, "venue": venue,
        "online_url": found.value("online_url"), "price": price, "audience": found.value("audience"),
        "contacts": [{k: c.get(k) for k in ("name", "role", "email", "phone")} for c in found.value("contacts") or []],
        "sessions": sessions, "agenda": agenda, "registration": policy,
    }
    data = plain(data)
    loaded, dropped = _validate(data)
    for key in dropped:
        found.pop(key, None)
    missing += [f for f in EXPECTED if f not in found and f not in missing
                and not (f.startswith("venue.") and fmt == "online")]
    final = {"starts_at": data["starts_at"], "ends_at": data["ends_at"], "agenda": data["agenda"],
             "sessions": data["sessions"], "registration.closes_at": data["registration"].get("closes_at")}
    for key, value in final.items():
        if found.get(key) is not None:
            found[key] = Found(value, found[key].snippet, found[key].confidence)
    report = plain(Findings({k: f for k, f in found.items() if f and k in REPORTED}).report())
    series = found.value("series")
    if series:
        series = dict(series, position=position_in_series(data["title"]))
    return Draft(data, loaded, report, sorted(set(missing), key=_order), series=series)


def _order(name: str) -> int:
    return REPORTED.index(name) if name in REPORTED else len(REPORTED)


def _validate(data: dict) -> tuple[dict, list[str]]:
    """Load as EventCreateSchema does; a part that fails (an agenda line outside the event, a
    contact without a usable address) is dropped rather than failing the whole import."""
    dropped: list[str] = []
    for _attempt in range(len(DROPPABLE) + 2):
        try:
            return EventCreateSchema().load(data), dropped
        except ValidationError as exc:
            errors = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
            bad = [k for k in errors if k in DROPPABLE]
            if "registration" in errors and data["registration"].get("closes_at"):
                data["registration"].pop("closes_at")
                dropped.append("registration.closes_at")
                continue
            if "price" in errors and data.get("price"):
                data["price"] = None
                dropped.append("price")
                continue
            if not bad:
                raise DraftInvalid(errors) from exc
            for key in bad:
                data[key] = [] if isinstance(data[key], list) else None
                dropped.append(key)
    raise DraftInvalid({"_schema": ["The import gives no valid event."]})
