"""Organizer endpoints the workspace editor needs beyond api.py (whatever the workspace can do,
the API can do):

POST /api/v1/events/<id>/duplicate     organizer: a draft copy; {"next_part": true} makes it
                                       the next part of the event's series, dated one step later
GET  /api/v1/organizers/me/series      organizer: own series, empty ones and drafts included
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import domain
from .api import auth, organizer, own_event
from .copies import NotInSeries, copy_input
from .models import Series, db
from .schemas import EventCreateSchema, EventSchema, SeriesSchema

copies_blp = Blueprint("event_copies", __name__, url_prefix="/api/v1/events", description="Events")
my_series_blp = Blueprint("my_series", __name__, url_prefix="/api/v1/organizers/me",
                          description="Organizers")


class DuplicateSchema(Schema):
    next_part = fields.Boolean(load_default=False, metadata={
        "description": "the copy becomes the series' next part, one interval after its last part"})


class OwnSeriesSchema(SeriesSchema):
    """A series as its organizer sees it: the organizer is the caller."""

    class Meta(SeriesSchema.Meta):
        exclude = ("organizer",)


@copies_blp.route("/<int(max=2147483647):event_id>/duplicate")
class DuplicateEvent(MethodView):
    @auth
    @copies_blp.arguments(DuplicateSchema, required=False)
    @copies_blp.response(201, EventSchema)
    def post(self, args, event_id):
        """Copy an event as a new draft (sessions, agenda, contacts and policy included)

        Organizer token. Body `{next_part: true}` makes the series' next part one series interval
        later (wall-clock times kept); otherwise a plain copy. The copy is a draft with new session
        ids.
        """
        event = own_event(event_id)
        series = None
        if event.series_id is not None:
            series = db.session.execute(select(Series).options(selectinload(Series.events))
                                        .where(Series.id == event.series_id)).scalar_one()
        try:
            data = EventCreateSchema().load(copy_input(event, series, next_part=(args or {}).get("next_part", False)))
        except NotInSeries:
            abort(409, message="Only an event of a series has a next part.", code="not_in_series")
        except ValidationError as exc:  # a stored event is valid; a shifted one past year 2999 is not
            abort(422, message="The copy would not be a valid event.", errors=exc.messages)
        copy = domain.create_draft(event.organizer_id, data)
        db.session.commit()
        return domain.represent(copy)


@my_series_blp.route("/series")
class MySeries(MethodView):
    @auth
    @my_series_blp.response(200, OwnSeriesSchema(many=True))
    def get(self):
        """The organizer's own series with all their events (drafts included), for choosing one

        Organizer token. Also series without any event yet, so an editor can offer them.
        """
        who = organizer()
        rows = db.session.execute(select(Series).options(selectinload(Series.events))
                                  .where(Series.organizer_id == who.id).order_by(Series.id)).scalars().all()
        return [{"id": s.id, "title": s.title, "description": s.description, "planned_parts": s.planned_parts,
                 "events": [{"id": e.id, "title": e.title, "starts_at": e.starts_at.astimezone(ZoneInfo(e.timezone)),
                             "ends_at": e.ends_at.astimezone(ZoneInfo(e.timezone)), "status": e.status,
                             "series_position": e.series_position} for e in s.events]}
                for s in rows]


BLUEPRINTS = (copies_blp, my_series_blp)
