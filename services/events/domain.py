"""Turning events into their public representation, applying organizer input, and telling
registrations about every change (event-carried state through the outbox)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from shared import contract
from shared.db import utcnow

from .models import AgendaItem, Contact, Event, EventSession, db, outbox


def _local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    return value.astimezone(tz) if value else None


def venue_of(event: Event) -> dict | None:
    if not event.venue_name:
        return None
    return {"name": event.venue_name, "street": event.venue_street,
            "postal_code": event.venue_postal_code, "city": event.venue_city}


def represent(event: Event) -> dict:
    """The public representation (API.md's event fields), times in the event's own zone."""
    tz = ZoneInfo(event.timezone)
    return {
        "id": event.id,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "language": event.language,
        "timezone": event.timezone,
        "starts_at": _local(event.starts_at, tz),
        "ends_at": _local(event.ends_at, tz),
        "format": event.format,
        "venue": venue_of(event),
        "online_url": event.online_url,
        "price": {"amount_cents": event.price_amount_cents, "currency": event.price_currency,
                  "note": event.price_note},
        "audience": event.audience,
        "tags": list(event.tags or []),
        "organizer": {"id": event.organizer.id, "name": event.organizer.name,
                      "embed_origins": list(event.organizer.embed_origins or [])},
        "contacts": [{"name": c.name, "role": c.role, "email": c.email, "phone": c.phone} for c in event.contacts],
        "series": ({"id": event.series.id, "title": event.series.title, "position": event.series_position,
                    "planned_parts": event.series.planned_parts} if event.series else None),
        "sessions": [{"id": s.id, "title": s.title, "starts_at": _local(s.starts_at, tz),
                      "ends_at": _local(s.ends_at, tz), "capacity": s.capacity,
                      "registration": s.registration} for s in event.sessions],
        "agenda": [{"starts_at": _local(a.starts_at, tz), "ends_at": _local(a.ends_at, tz), "title": a.title,
                    "description": a.description, "speakers": list(a.speakers or [])} for a in event.agenda],
        "registration": {
            "mode": event.registration_mode,
            "opens_at": _local(event.registration_opens_at, tz),
            "closes_at": _local(event.registration_closes_at, tz),
            "capacity": event.registration_capacity,
            "waitlist": event.registration_waitlist,
            "approval": event.registration_approval,
            "max_companions": event.registration_max_companions,
            "questions": list(event.registration_questions or []),
        },
        "reminder_hours_before": event.reminder_hours_before,
        "contact_notifications": event.contact_notifications,
        "status": event.status,
        "published_at": _local(event.published_at, tz),
        "cancelled_at": _local(event.cancelled_at, tz),
        "cancellation_reason": event.cancellation_reason,
        "previous_starts_at": _local(event.previous_starts_at, tz),
        "revision": event.revision,
        "updated_at": _local(event.updated_at, tz),
    }


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


def represent_json(event: Event) -> dict:
    """The representation with ISO strings: for messages and for merging a PATCH."""
    return _iso(represent(event))


def input_of(event: Event) -> dict:
    """The stored event in the shape EventCreateSchema reads, so a PATCH can be merged into it."""
    data = represent_json(event)
    policy = data["registration"]
    return {
        "title": data["title"], "summary": data["summary"], "description": data["description"],
        "language": data["language"], "timezone": data["timezone"], "starts_at": data["starts_at"],
        "ends_at": data["ends_at"], "format": data["format"], "venue": data["venue"],
        "online_url": data["online_url"], "price": data["price"], "audience": data["audience"],
        "tags": data["tags"], "contacts": data["contacts"],
        "series_id": event.series_id, "series_position": event.series_position,
        "sessions": data["sessions"],
        "agenda": data["agenda"],
        "registration": policy,
        "reminder_hours_before": data["reminder_hours_before"],
        "contact_notifications": data["contact_notifications"],
    }


def apply(event: Event, data: dict) -> None:
    """Write validated EventCreateSchema data onto the event (sessions matched by id)."""
    if event.status != "draft" and event.starts_at is not None and data["starts_at"] != event.starts_at:
        event.previous_starts_at = event.starts_at  # citizens may have planned for it: it was public
    for name in ("title", "summary", "description", "language", "timezone", "starts_at", "ends_at",
                 "format", "online_url", "audience", "tags", "series_id", "series_position",
                 "reminder_hours_before", "contact_notifications"):
        setattr(event, name, data[name])
    venue = data.get("venue") or {}
    event.venue_name = venue.get("name")
    event.venue_street = venue.get("street")
    event.venue_postal_code = venue.get("postal_code")
    event.venue_city = venue.get("city")
    price = data.get("price") or {"amount_cents": 0, "currency": "EUR", "note": None}
    event.price_amount_cents = price["amount_cents"]
    event.price_currency = price.get("currency") or "EUR"
    event.price_note = price.get("note")
    policy = data["registration"]
    event.registration_mode = policy["mode"]
    event.registration_opens_at = policy["opens_at"]
    event.registration_closes_at = policy["closes_at"]
    event.registration_capacity = policy["capacity"]
    event.registration_waitlist = policy["waitlist"]
    event.registration_approval = policy["approval"]
    event.registration_max_companions = policy["max_companions"]
    event.registration_questions = [dict(q) for q in policy["questions"]]

    event.contacts = [Contact(position=i, name=c["name"], role=c.get("role"), email=c.get("email"),
                              phone=c.get("phone")) for i, c in enumerate(data["contacts"])]
    # sessions keep their ids (registrations refer to them) when the organizer sends them back
    existing = {s.id: s for s in event.sessions}
    sessions = []
    for item in data["sessions"]:
        session = existing.get(item.get("id")) or EventSession()
        session.title = item["title"]
        session.starts_at = item["starts_at"]
        session.ends_at = item["ends_at"]
        session.capacity = item["capacity"]
        session.registration = item["registration"]
        sessions.append(session)
    event.sessions = sessions
    event.agenda = [AgendaItem(position=i, starts_at=a["starts_at"], ends_at=a.get("ends_at"), title=a["title"],
                               description=a.get("description"), speakers=list(a["speakers"]))
                    for i, a in enumerate(data["agenda"])]


def create_draft(organizer_id: int, data: dict, **columns) -> Event:
    """A new draft from validated EventCreateSchema data, added, flushed and announced in the
    current transaction (the caller commits). `columns` sets further columns (an import report)."""
    event = Event(organizer_id=organizer_id, status="draft", revision=1, **columns)
    apply(event, data)
    db.session.add(event)
    db.session.flush()
    announce(event, "created")
    return event


def place_key(event: Event) -> tuple:
    return (event.format, event.venue_name, event.venue_street, event.venue_postal_code, event.venue_city,
            event.online_url)


def time_key(event: Event) -> tuple:
    return (event.starts_at, event.ends_at, tuple((s.id, s.starts_at, s.ends_at) for s in event.sessions))


def snapshot_body(event: Event, kind: str, time_changed: bool = False, place_changed: bool = False) -> dict:
    return {
        "event_id": event.id,
        "revision": event.revision,
        "change": {"kind": kind, "time_changed": time_changed, "place_changed": place_changed},
        "event": represent_json(event),
    }


def announce(event: Event, kind: str, time_changed: bool = False, place_changed: bool = False) -> str:
    """Put the event's snapshot for registrations into the outbox of the current transaction.

    Needs the event flushed (it has an id) and its revision already bumped. The event's
    history gets the change too (who made it, which fields)."""
    from . import history
    history.record(event, kind)
    return outbox.put(contract.EVENT_SNAPSHOT, snapshot_body(event, kind, time_changed, place_changed))


def bump(event: Event) -> None:
    event.revision = (event.revision or 0) + 1
    event.updated_at = utcnow()
