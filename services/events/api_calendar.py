"""iCalendar of public events (URL map):

GET /api/v1/events/<id>/ics     one event, one entry per session
GET /api/v1/calendar.ics        feed of all published upcoming events
"""
from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.db import utcnow
from shared.ics import build_calendar

from . import domain
from .api import _event_query, visible_event
from .models import Event, db

calendar_blp = Blueprint("calendar", __name__, url_prefix="/api/v1", description="iCalendar feeds")


def _public_url(event: dict) -> str:
    return f"{current_app.config['REGISTRATIONS_URL']}/events/{event['id']}"


def _calendar_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# flask-smorest documents no body for a response without a schema; say what the body is
ICALENDAR_DOC = {"responses": {"200": {"description": "iCalendar (RFC 5545)",
                                       "content": {"text/calendar": {"schema": {"type": "string"}}}}}}


@calendar_blp.route("/events/<int(max=2147483647):event_id>/ics")
class EventCalendar(MethodView):
    @calendar_blp.response(200, content_type="text/calendar")
    @calendar_blp.doc(**ICALENDAR_DOC)
    def get(self, event_id):
        """The event as iCalendar (one entry per session)

        Public. `text/calendar` (RFC 5545) with the event's own time zone; each session is its own
        entry, with the UIDs the invitation mails use, so a calendar never shows an event twice.
        """
        event = visible_event(event_id)
        body = build_calendar([domain.represent_json(event)], url_for=_public_url, method="PUBLISH")
        return _calendar_response(body, f"event-{event.id}.ics")


@calendar_blp.route("/calendar.ics")
class CalendarFeed(MethodView):
    @calendar_blp.response(200, content_type="text/calendar")
    @calendar_blp.doc(**ICALENDAR_DOC)
    def get(self):
        """Feed of all published upcoming events

        Public. One `text/calendar` feed of every published event that has not ended (up to 1,000), to
        subscribe to in a calendar application.
        """
        events = db.session.execute(
            _event_query().where(Event.status == "published", Event.ends_at >= utcnow())
            .order_by(Event.starts_at).limit(1000)).scalars().all()
        body = build_calendar([domain.represent_json(e) for e in events], url_for=_public_url,
                              method="PUBLISH", name="civic-events")
        return _calendar_response(body, "civic-events.ics")


BLUEPRINTS = (calendar_blp,)
