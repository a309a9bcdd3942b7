"""Figures for the organizer's dashboard, all events at once (one call instead of one per event):

GET /api/v1/organizers/me/registration-counts   organizer: per event seats taken / capacity,
                                                waiting list, pending approvals, confirmed
"""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import func, select

from .domain.seats import availability
from .api import auth, organizer
from .models import EventReplica, Registration, db

blp = Blueprint("registration_counts", __name__, url_prefix="/api/v1/organizers/me",
                description="Signing up for events")


class RegistrationCountsSchema(Schema):
    class Meta:
        ordered = True

    event_id = fields.Integer()
    capacity = fields.Integer(allow_none=True)
    taken = fields.Integer()
    available = fields.Integer(allow_none=True)
    waitlist = fields.Integer()
    pending_approval = fields.Integer()
    confirmed = fields.Integer()


@blp.route("/registration-counts")
class RegistrationCounts(MethodView):
    @auth
    @blp.response(200, RegistrationCountsSchema(many=True))
    def get(self):
        """Seats, waiting list and pending approvals of each of the organizer's events

        Organizer token. One entry per event, for the workspace's dashboard.
        """
        rows = db.session.execute(select(EventReplica).where(EventReplica.organizer_id == organizer().id)
                                  .order_by(EventReplica.starts_at)).scalars().all()
        by_status: dict[tuple[int, str], int] = {}
        if rows:
            for event_id, status, count in db.session.execute(
                    select(Registration.event_id, Registration.status, func.count())
                    .where(Registration.event_id.in_([r.id for r in rows]),
                           Registration.status.in_(("pending_approval", "confirmed")))
                    .group_by(Registration.event_id, Registration.status)):
                by_status[(event_id, status)] = count
        answer = []
        for row in rows:
            seats = availability(row)
            answer.append({"event_id": row.id, "capacity": seats["capacity"], "taken": seats["taken"],
                           "available": seats["available"], "waitlist": seats["waitlist"],
                           "pending_approval": by_status.get((row.id, "pending_approval"), 0),
                           "confirmed": by_status.get((row.id, "confirmed"), 0)})
        return answer


BLUEPRINTS = (blp,)
