"""Series of events (URL map):

GET  /api/v1/series         public: series with their public events
POST /api/v1/series         organizer: create a series (events join it by series_id)
GET  /api/v1/series/<id>    public: one series
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import examples
from .api import auth, organizer
from .models import Series, db
from .schemas import SeriesCreateSchema, SeriesSchema

series_blp = Blueprint("series", __name__, url_prefix="/api/v1/series", description="Series of events")


def _series_view(series: Series) -> dict:
    events = []
    for e in series.events:
        if e.status == "draft":
            continue
        tz = ZoneInfo(e.timezone)
        events.append({"id": e.id, "title": e.title, "starts_at": e.starts_at.astimezone(tz),
                       "ends_at": e.ends_at.astimezone(tz), "status": e.status, "series_position": e.series_position})
    return {"id": series.id, "title": series.title, "description": series.description,
            "planned_parts": series.planned_parts,
            "organizer": {"id": series.organizer.id, "name": series.organizer.name}, "events": events}


def _series_query():
    return select(Series).options(selectinload(Series.organizer), selectinload(Series.events))


@series_blp.route("")
class SeriesList(MethodView):
    @series_blp.response(200, SeriesSchema(many=True))
    def get(self):
        """Series with their events

        Public. Each series with its published and cancelled parts (drafts left out); series without a
        public part are not listed.
        """
        rows = db.session.execute(_series_query().order_by(Series.id)).scalars().all()
        return [_series_view(s) for s in rows if any(e.status != "draft" for e in s.events)]

    @auth
    @series_blp.arguments(SeriesCreateSchema, example=examples.CREATE_SERIES)
    @series_blp.response(201, SeriesSchema)
    def post(self, data):
        """Create a series (events join it by series_id)

        Organizer token. An event becomes part N of the series with `series_id` and `series_position`
        in its create or PATCH body.
        """
        who = organizer()
        series = Series(organizer_id=who.id, **data)
        db.session.add(series)
        db.session.commit()
        return _series_view(db.session.execute(_series_query().where(Series.id == series.id)).scalar_one())


@series_blp.route("/<int(max=2147483647):series_id>")
class SeriesById(MethodView):
    @series_blp.response(200, SeriesSchema)
    def get(self, series_id):
        """One series with its events

        Public. The series with its published and cancelled parts in order; 404 for an unknown id.
        """
        series = db.session.execute(_series_query().where(Series.id == series_id)).scalar_one_or_none()
        if series is None:
            abort(404, message="No such series.")
        return _series_view(series)


BLUEPRINTS = (series_blp,)
