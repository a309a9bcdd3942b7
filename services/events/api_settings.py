"""Which websites may embed an organizer's sign-up forms (the iframe of /embed/events/<id>).

GET   /api/v1/organizers/me/settings   {"embed_origins": [...]}
PATCH /api/v1/organizers/me/settings   {"embed_origins": ["https://www.kiel.de", ...]}  (owners, API tokens)

Registrations answers the embed page with `Content-Security-Policy: frame-ancestors` of
exactly these origins. They reach it inside each event's snapshot (organizer.embed_origins),
so a change republishes the snapshots of all the organizer's events.
"""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import domain
from .access import current_member, organizer
from .api import _event_query, auth
from .models import Event, Organizer, db
from .origins import MAX_ORIGINS, InvalidOrigin, normalize_origin

blp = Blueprint("organizer_settings", __name__, url_prefix="/api/v1/organizers",
                description="Organizer settings (embedding)")


class EmbedSettingsSchema(Schema):
    embed_origins = fields.List(fields.String(validate=validate.Length(max=300)), required=True,
                                validate=validate.Length(max=MAX_ORIGINS),
                                metadata={"description": "origins allowed to frame the sign-up pages",
                                          "example": ["https://www.kiel.de"]})


def _clean(origins: list[str]) -> list[str]:
    errors, cleaned = {}, []
    for index, value in enumerate(origins):
        try:
            origin = normalize_origin(value)
        except InvalidOrigin as exc:
            errors[index] = [str(exc)]
            continue
        if origin not in cleaned:
            cleaned.append(origin)
    if errors:
        abort(422, message="Some fields are not valid.", errors={"embed_origins": errors})
    return cleaned


@blp.route("/me/settings")
class OrganizerSettings(MethodView):
    @auth
    @blp.response(200, EmbedSettingsSchema)
    def get(self):
        """The organizer's settings: which websites may embed its sign-up forms

        Organizer token. `embed_origins`: the origins allowed to frame `/embed/events/{id}` (its
        `frame-ancestors`).
        """
        row = db.session.get(Organizer, organizer().id)
        return {"embed_origins": list(row.embed_origins or [])}

    @auth
    @blp.arguments(EmbedSettingsSchema)
    @blp.response(200, EmbedSettingsSchema)
    def patch(self, data):
        """Change the websites that may embed the sign-up forms (owners; every event's snapshot is republished)

        Body `{embed_origins: ["https://www.kiel.de"]}`, each an origin (scheme and host, no path).
        Owners or an API token.
        """
        who = organizer()
        member = current_member()
        if member is not None and member.role != "owner":  # an API token was made by an owner
            abort(403, message="Only an owner of the organizer may do this.", code="owner_required")
        origins = _clean(data["embed_origins"])
        row = db.session.execute(select(Organizer).where(Organizer.id == who.id).with_for_update()).scalar_one()
        if list(row.embed_origins or []) != origins:
            row.embed_origins = origins
            events = db.session.execute(_event_query().options(selectinload(Event.organizer))
                                        .where(Event.organizer_id == who.id)).scalars().all()
            for event in events:
                domain.bump(event)
                domain.announce(event, "updated")
            db.session.commit()
        return {"embed_origins": origins}


BLUEPRINTS = (blp,)
