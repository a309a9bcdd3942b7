"""The calling organizer (URL map):

GET /api/v1/organizers/me          the token's organizer (+ member); other services verify tokens here
GET /api/v1/organizers/me/events   own events, drafts and past ones included
"""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from . import access, domain
from .api import _event_query, auth, organizer
from .models import Event, db
from .schemas import EventSchema, OrganizerSchema

organizers_blp = Blueprint("organizers", __name__, url_prefix="/api/v1/organizers", description="Organizers")


@organizers_blp.route("/me")
class Me(MethodView):
    @auth
    @organizers_blp.response(200, OrganizerSchema)
    def get(self):
        """The organizer the bearer token belongs to

        Organizer token or member session token. `member` is the signed-in member (`null` for a plain
        API token). The other services check tokens by calling this.
        """
        who = organizer()
        member = access.current_member()
        return {"id": who.id, "name": who.name, "member": member.as_dict() if member else None}


@organizers_blp.route("/me/events")
class MyEvents(MethodView):
    @auth
    @organizers_blp.response(200, EventSchema(many=True))
    @organizers_blp.paginate()
    def get(self, pagination_parameters):
        """The organizer's own events, drafts and past ones included

        Organizer token. Newest start first, paginated like the public list; another organizer's
        events never appear.
        """
        who = organizer()
        query = _event_query().where(Event.organizer_id == who.id)
        pagination_parameters.item_count = db.session.execute(
            select(func.count()).select_from(Event).where(Event.organizer_id == who.id)).scalar_one()
        if pagination_parameters.first_item >= pagination_parameters.item_count:
            return []  # past the last page (a huge ?page= would overflow OFFSET in the database)
        rows = db.session.execute(query.order_by(Event.starts_at.desc(), Event.id)
                                  .offset(pagination_parameters.first_item)
                                  .limit(pagination_parameters.page_size)).scalars().all()
        return [domain.represent(e) for e in rows]


BLUEPRINTS = (organizers_blp,)
