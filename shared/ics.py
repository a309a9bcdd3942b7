"""iCalendar from an event's public JSON representation (the snapshot of the contract).

Events serves feeds with it; notifications attaches invitations with it. Times keep the
event's own zone (TZID + VTIMEZONE), so calendars show 10:00 in Kiel, not a UTC guess.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//civic-events//civic-events 1.0//DE"
UID_DOMAIN = "civic-events"


def _dt(value: str, tz: ZoneInfo) -> datetime:
    return datetime.fromisoformat(value).astimezone(tz)


def location_of(event: dict) -> str | None:
    venue = event.get("venue") or {}
    parts = [venue.get("name"), venue.get("street"),
             " ".join(p for p in (venue.get("postal_code"), venue.get("city")) if p)]
    place = ", ".join(p for p in parts if p)
    if event.get("format") == "online":
        return event.get("online_url") or "Online"
    if event.get("format") == "hybrid" and event.get("online_url"):
        return f"{place} / {event['online_url']}" if place else event["online_url"]
    return place or None


def _description(event: dict, url: str | None) -> str:
    lines = [event.get("summary") or "", event.get("description") or ""]
    price = event.get("price") or {}
    if price.get("amount_cents"):
        amount = f"{price['amount_cents'] / 100:.2f} {price.get('currency', 'EUR')}"
        lines.append(f"{price.get('note') or 'Fee'}: {amount}")
    for contact in event.get("contacts") or []:
        lines.append(" · ".join(p for p in (contact.get("name"), contact.get("email"), contact.get("phone")) if p))
    if url:
        lines.append(url)
    return "\n\n".join(line for line in lines if line).strip()


def _vevent(event: dict, uid: str, title: str, starts_at: str, ends_at: str, tz: ZoneInfo,
            url: str | None, sequence: int, cancelled: bool) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", datetime.now(timezone.utc))
    vevent.add("dtstart", _dt(starts_at, tz))
    vevent.add("dtend", _dt(ends_at, tz))
    vevent.add("summary", title)
    vevent.add("sequence", sequence)
    location = location_of(event)
    if location:
        vevent.add("location", location)
    description = _description(event, url)
    if description:
        vevent.add("description", description)
    if url:
        vevent.add("url", url)
    organizer = (event.get("organizer") or {}).get("name")
    contact = next((c for c in event.get("contacts") or [] if c.get("email")), None)
    if contact:
        vevent.add("organizer", f"mailto:{contact['email']}", parameters={"CN": organizer or contact["name"]})
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return vevent


def build_calendar(events: list[dict], *, session_ids: set[int] | None = None, url_for=None,
                   method: str | None = None, name: str | None = None,
                   refresh_interval: timedelta | None = None) -> bytes:
    """One VEVENT per session (or per event without sessions).

    `session_ids` limits an event to the sessions a person signed up for; `url_for(event)`
    gives the public page of an event; `method` ("PUBLISH"/"REQUEST"/"CANCEL") for mail use;
    `refresh_interval` tells subscribing calendars how often to fetch a feed again (RFC 7986).
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    if refresh_interval:
        cal.add("refresh-interval", refresh_interval, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", refresh_interval)  # the same for Outlook and older clients
    for event in events:
        tz = ZoneInfo(event.get("timezone") or "Europe/Berlin")
        url = url_for(event) if url_for else None
        sequence = int(event.get("revision") or 0)
        cancelled = event.get("status") == "cancelled"
        sessions = [s for s in event.get("sessions") or []
                    if session_ids is None or not session_ids or s["id"] in session_ids]
        if sessions:
            for session in sessions:
                title = event["title"] if session["title"] == event["title"] else f"{event['title']} – {session['title']}"
                cal.add_component(_vevent(event, f"event-{event['id']}-session-{session['id']}@{UID_DOMAIN}", title,
                                          session["starts_at"], session["ends_at"], tz, url, sequence, cancelled))
        else:
            cal.add_component(_vevent(event, f"event-{event['id']}@{UID_DOMAIN}", event["title"],
                                      event["starts_at"], event["ends_at"], tz, url, sequence, cancelled))
    cal.add_missing_timezones()
    return cal.to_ical()
