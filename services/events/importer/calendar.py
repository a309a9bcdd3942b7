"""An iCalendar file (read with icalendar): its first VEVENT is the event; several VEVENTs are
its sessions. LOCATION and DESCRIPTION are read like announcement text for what they hold."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar

from .contacts import emails_in
from .findings import Findings
from .rules import ONLINE_PLACE, clean_venue, split_address

CONFIDENCE = 0.95


def _local(value) -> datetime | date | None:
    """Times in the event's wall clock (the draft adds the zone); dates stay dates."""
    if value is None:
        return None
    try:
        value = value.dt if hasattr(value, "dt") else value
    except Exception:  # noqa: BLE001 - icalendar raises its own errors for a broken property: no time then
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(ZoneInfo("Europe/Berlin"))
        return value.replace(tzinfo=None)
    return value


def extract_ics(source: str, rejected) -> tuple[Findings, str]:
    try:
        calendar = icalendar.Calendar.from_ical(source)
    except (ValueError, IndexError, KeyError) as exc:
        raise rejected("ics", f"This is not an iCalendar file we can read ({exc.__class__.__name__}).") from exc
    events = [c for c in calendar.walk("VEVENT") if _local(c.get("dtstart")) is not None]
    if not events:
        raise rejected("ics", "The iCalendar file has no event (VEVENT with a start).")
    events.sort(key=lambda e: str(_local(e.get("dtstart"))))
    first = events[0]
    found = Findings()
    snippet = lambda e: f"VEVENT {e.get('summary', '')}"  # noqa: E731
    put = lambda field, value, e=first: found.put(field, value, snippet(e), CONFIDENCE)  # noqa: E731
    put("title", str(first.get("summary") or "").strip() or None)
    put("starts_at", _local(first.get("dtstart")))
    last = events[-1]
    put("ends_at", _local(last.get("dtend")) or _local(last.get("dtstart")), last)
    location = str(first.get("location") or "").strip()
    if location:
        if ONLINE_PLACE.match(location) or location.startswith(("http://", "https://")):
            put("format", "online")
            if location.startswith(("http://", "https://")):
                put("online_url", location[:1000])
        else:
            address = split_address(location)
            put("venue.name", clean_venue(location[:address["start"]] if address and address["start"] else
                                          location.split(",")[0])[:300] or None)
            if address:
                put("venue.street", address["street"])
                put("venue.postal_code", address["postal_code"])
                put("venue.city", address["city"])
            put("format", "in_person")
    url = str(first.get("url") or "")
    if url.startswith(("http://", "https://")) and found.value("format") == "online":
        put("online_url", url[:1000])
    organizer = str(first.get("organizer") or "")
    mails = emails_in(organizer.replace("mailto:", " ")) if organizer else []
    if mails:
        name = first.get("organizer").params.get("CN") if hasattr(first.get("organizer"), "params") else None
        put("contacts", [{"name": str(name or mails[0])[:200], "role": None, "email": mails[0], "phone": None}])
    if len(events) > 1:
        put("sessions", [{"title": str(e.get("summary") or "")[:300] or "Termin", "starts_at": _local(e.get("dtstart")),
                          "ends_at": _local(e.get("dtend")) or _local(e.get("dtstart"))}
                         for e in events[:200] if isinstance(_local(e.get("dtstart")), datetime)])
    description = str(first.get("description") or "")
    return found, description
