"""What notifications remembers of a registration for its reminders: the latest state the
registration mails told, kept per registration."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, select, update

from shared.db import insert_unless_present, utcnow

from .models import Attendee, db
from .safety import clean_text

STATUS_RANK = {"unknown": -1, "pending_confirmation": 0, "pending_approval": 1, "waitlisted": 1, "confirmed": 2,
               "cancelled": 3, "rejected": 3, "expired": 3}


def _utc(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def first_start(event: dict, session_ids) -> str:
    chosen = [s for s in event.get("sessions") or [] if session_ids and s["id"] in set(session_ids)]
    if chosen:
        return min(chosen, key=lambda s: _utc(s["starts_at"]))["starts_at"]
    return event["starts_at"]


_attendees = Attendee.__table__


def remember_attendee(registrant: dict, registration: dict, event: dict, links: dict, status: str | None) -> None:
    """Keep the registration's latest state for reminders. A new registration (a sign-up's
    first mail) is one INSERT; a known one is read and updated. Plain statements: the ORM's
    load and flush of the row cost as much CPU as the rest of the mail."""
    connection = db.session.connection()
    fresh = _attendee_values(None, registrant, registration, event, links, status)
    # a concurrent first mail about the same registration: this INSERT waits for it, then does nothing
    new = insert_unless_present(_attendees, "registration_id", connection.dialect.name)
    inserted = connection.execute(new,
                                  {"registration_id": registration["id"], "event_id": event["id"], **fresh}).first()
    if inserted is not None:
        return
    current = connection.execute(_SELECT_KNOWN, {"registration_id": registration["id"]}).mappings().one()
    values = _attendee_values(current, registrant, registration, event, links, status)
    connection.execute(update(_attendees).where(_attendees.c.registration_id == registration["id"]).values(**values))


_SELECT_KNOWN = select(_attendees.c.status, _attendees.c.event, _attendees.c.event_revision,
                       _attendees.c.reminded_for).where(_attendees.c.registration_id == bindparam("registration_id"))


def _attendee_values(current, registrant: dict, registration: dict, event: dict, links: dict,
                     status: str | None) -> dict:
    """The columns to write, merged with what is known (`current`: None for a new registration)."""
    revision = int(event.get("revision") or 0)
    known_status = current["status"] if current else (status or registration.get("status") or "unknown")
    # mails may be consumed out of order: a registration only moves forward
    # (a cancelled one never comes back; signing up again makes a new registration)
    if status and STATUS_RANK.get(status, 1) >= STATUS_RANK.get(known_status, 0):
        known_status = status
    session_ids = list(registration.get("session_ids") or [])
    values = {"organizer_id": (event.get("organizer") or {}).get("id"), "name": clean_text(registrant["name"], 200),
              "email": registrant["email"], "locale": registrant.get("locale"), "session_ids": session_ids,
              "status": known_status}
    snapshot = current["event"] if current else event
    if current is None or revision > current["event_revision"] or (
            revision == current["event_revision"] and event != current["event"]):
        snapshot = event
        values.update(event=event, event_revision=revision)
    if links or current is None:
        values["links"] = {k: v for k, v in (links or {}).items() if v}
    starts = _utc(first_start(snapshot, session_ids))
    hours = snapshot.get("reminder_hours_before")
    hours = 24 if hours is None else int(hours)
    remind_at = starts - timedelta(hours=hours) if hours > 0 else None
    reminded_for = current["reminded_for"] if current else None
    if remind_at is not None and remind_at <= utcnow() and reminded_for is None and status:
        # signed up inside the reminder window: the confirmation itself is the reminder
        reminded_for = starts
    values.update(starts_at=starts, remind_at=remind_at, reminded_for=reminded_for)
    return values
