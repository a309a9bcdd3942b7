"""What the pages of one event (registrations, messages) need of it: the event as the events
service shows it to the signed-in member (another organizer's → the 404 page), and its
sessions as choices."""
from __future__ import annotations

from flask import abort

from ..auth import current_organizer
from ..clients.base import ApiError
from ..clients.events import EventsClient
from ..i18n import when


def own_event(event_id: int) -> dict:
    """The event, or the 404 page if it is not the member's organizer's: a published event is
    public at the events service, so the owner is checked here too."""
    event = EventsClient().event(event_id)
    if (event.get("organizer") or {}).get("id") != (current_organizer() or {}).get("id"):
        abort(404)
    return event


def session_choices(event: dict) -> list[tuple[int, str]]:
    """(id, "title – time") of each session that takes registrations; titles repeat on several days."""
    return [(s["id"], f"{s['title']} – {when(s['starts_at'], event.get('timezone'))}")
            for s in event.get("sessions") or [] if s.get("registration") != "none"]


def or_empty(call, empty):
    """The answer of a registrations call, or `empty` while that service has not seen the event
    yet (404 there: a draft, or a snapshot still on its way)."""
    try:
        return call()
    except ApiError as error:
        if error.status == 404:
            return empty
        raise
