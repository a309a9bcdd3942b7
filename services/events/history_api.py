"""GET /api/v1/events/<id>/history   organizer: who changed what, oldest first (another organizer's → 404)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from shared.auth import organizer_required

from . import history
from .access import organizer, resolve_token
from .member_schemas import HistoryEntrySchema
from .models import Event, db

blp = Blueprint("event_history", __name__, url_prefix="/api/v1/events", description="Event history")


@blp.route("/<int:event_id>/history")
class EventHistory(MethodView):
    @organizer_required(resolve_token)
    @blp.response(200, HistoryEntrySchema(many=True))
    def get(self, event_id):
        """The event's changes and who made them

        Organizer token. Newest first: when, which member (null for an API token), the action and the
        fields it touched.
        """
        owner = db.session.execute(select(Event.organizer_id).where(Event.id == event_id)).scalar_one_or_none()
        if owner is None or owner != organizer().id:
            abort(404, message="No such event.")
        return history.of(event_id)


BLUEPRINTS = (blp,)
