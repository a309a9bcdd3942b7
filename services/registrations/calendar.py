"""An event's calendar entry for citizens, from the local replica (works while events is down).

GET /events/<id>.ics      the event as iCalendar, one entry per session (the UIDs of the
                          invitations mailed to registrants, so a calendar never shows it twice)
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app

from shared.ics import build_calendar

from .replica import public_event

bp = Blueprint("calendar", __name__)


@bp.get("/events/<int:event_id>.ics")
def event_calendar(event_id: int):
    event = public_event(event_id).data
    page = f"{current_app.config['REGISTRATIONS_URL']}/events/{event_id}"
    body = build_calendar([event], url_for=lambda _: page, method="PUBLISH")
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event_id}.ics"'
    return response
