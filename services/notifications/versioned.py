"""What the mails about one version of an event share, built once and kept for the next mail.

Every registrant of an event gets the same calendar (VEVENTs and the VTIMEZONE of the
event's zone) and the same formatted dates, place and fee; only the ATTENDEE line, the name
and the links differ. Building the calendar with icalendar took about a third of a worker's
CPU per mail (the VTIMEZONE is computed from the zone's transitions every time). Entries
are found by the event's whole snapshot (an edited event is a new entry, whatever its
revision says) and live at most MAX_AGE_SECONDS, so a calendar's DTSTAMP stays recent.
"""
from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from typing import Callable

import icalendar

from shared.ics import build_calendar

from .safety import InvalidAddress, clean_address, clean_text, clean_url

MAX_ENTRIES = 128
MAX_AGE_SECONDS = 3600.0


class VersionCache:
    """A small least-recently-used map whose entries expire; safe for a threaded worker pool."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE_SECONDS):
        self.max_entries, self.max_age = max_entries, max_age
        self._entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, build: Callable[[], object]):
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and now - entry[0] < self.max_age:
                self._entries.move_to_end(key)
                return entry[1]
        value = build()  # outside the lock: two threads may build the same entry once each
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def version_key(event: dict, *more) -> str:
    """The identity of an event snapshot (plus whatever else an entry depends on)."""
    return json.dumps([event, *more], sort_keys=True, default=str, separators=(",", ":"))


_calendars = VersionCache()


def _attendee_line(email: str, name: str, method: str) -> bytes:
    """The ATTENDEE property as icalendar writes it (folded, escaped), without its component."""
    params = {"CN": name or email, "ROLE": "REQ-PARTICIPANT"}
    if method == "REQUEST":
        params["PARTSTAT"] = "ACCEPTED"  # they signed up: no "accept?" buttons needed
    holder = icalendar.Event()
    holder.add("attendee", f"mailto:{email}", parameters=params)
    raw = holder.to_ical()
    return raw[len(b"BEGIN:VEVENT\r\n"):-len(b"END:VEVENT\r\n")]


def invitation(event: dict, session_ids, links: dict, method: str, registrant: dict) -> bytes:
    """The event's .ics with the registrant as attendee (calendars match invitations by it)."""
    page = clean_url((links or {}).get("event_page"))
    chosen = sorted(set(session_ids or []))
    raw = _calendars.get(version_key(event, chosen, method, page), lambda: build_calendar(
        [event], session_ids=set(chosen), method=method, url_for=(lambda e: page) if page else None))
    try:
        email = clean_address(registrant.get("email"))
    except InvalidAddress:
        return raw
    line = _attendee_line(email, clean_text(registrant.get("name"), 120), method)
    # at a line start only: a folded line goes on with a space, escaped text has no line breaks
    return raw.replace(b"\r\nEND:VEVENT\r\n", b"\r\n" + line + b"END:VEVENT\r\n")
