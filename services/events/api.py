"""The events API, one blueprint per resource (URL map at a glance):

GET    /api/v1/events                      public list (from, to, q, series, format; paginated)
POST   /api/v1/events                      organizer: create (draft)
GET    /api/v1/events/<id>                 public (drafts only for their organizer)
PATCH  /api/v1/events/<id>                 organizer
POST   /api/v1/events/<id>/publish         organizer
POST   /api/v1/events/<id>/cancel          organizer
GET    /api/v1/events/<id>/ics             public iCalendar                       (api_calendar.py)
GET    /api/v1/calendar.ics                public feed of upcoming events         (api_calendar.py)
GET    /api/v1/series · /api/v1/series/<id> public; POST /api/v1/series organizer  (api_series.py)
GET    /api/v1/organizers/me               the token's organizer (+ member; other services verify
                                           tokens here)                           (api_organizers.py)
GET    /api/v1/organizers/me/events        organizer: own events, drafts included (api_organizers.py)

The helpers every events blueprint uses (auth, organizer, own_event, visible_event) live here.
"""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from shared.auth import Organizer as OrganizerRef
from shared.auth import optional_organizer, organizer_required, require_organizer
from shared.db import utcnow

from . import access, domain, examples
from .imports import imported_view
from .models import Event, Series, db
from .schemas import CancelSchema, EventCreateSchema, EventPatchSchema, EventQueryArgsSchema, EventSchema
from .schemas_import import ImportedEventSchema

events_blp = Blueprint("events", __name__, url_prefix="/api/v1/events", description="Events")


def resolve_token(token: str) -> OrganizerRef | None:
    return access.resolve_token(token)  # API tokens and member session tokens


def organizer() -> OrganizerRef:
    return require_organizer(resolve_token)


auth = organizer_required(resolve_token)


def _event_query():
    return select(Event).options(
        selectinload(Event.organizer), selectinload(Event.series), selectinload(Event.contacts),
        selectinload(Event.sessions), selectinload(Event.agenda))


def visible_event(event_id: int) -> Event:
    """Published and cancelled events are public; a draft only for its own organizer."""
    event = db.session.execute(_event_query().where(Event.id == event_id)).scalar_one_or_none()
    if event is None:
        abort(404, message="No such event.")
    if event.status == "draft":
        who = optional_organizer(resolve_token)
        if who is None or who.id != event.organizer_id:
            abort(404, message="No such event.")
    return event


def own_event(event_id: int, lock: bool = False) -> Event:
    """The event if the calling organizer owns it; another organizer's event is 404, not 403."""
    who = organizer()
    query = _event_query().where(Event.id == event_id, Event.organizer_id == who.id)
    if lock:
        query = query.with_for_update(of=Event)
    event = db.session.execute(query).scalar_one_or_none()
    if event is None:
        abort(404, message="No such event.")
    return event


def _check_series(data: dict, who: OrganizerRef) -> None:
    if data.get("series_id") is not None:
        series = db.session.get(Series, data["series_id"])
        if series is None or series.organizer_id != who.id:
            abort(422, message="Some fields are not valid.", errors={"series_id": ["Unknown series."]})


def _check_session_ids(data: dict, event: Event) -> None:
    """A session id in a PATCH keeps that session; it must be one of this event's, and only once."""
    own = {s.id for s in event.sessions}
    seen: set[int] = set()
    errors = {}
    for i, item in enumerate(data["sessions"]):
        sid = item.get("id")
        if sid is None:
            continue
        if sid not in own:
            errors[i] = {"id": ["Not a session of this event; leave the id out to add a session."]}
        elif sid in seen:
            errors[i] = {"id": ["This session is listed twice."]}
        seen.add(sid)
    if errors:
        abort(422, message="Some fields are not valid.", errors={"sessions": errors})


def merge_patch(stored: dict, patch: dict) -> dict:
    """Each top-level field given replaces the stored one whole — venue, price and registration
    included: merging a new venue's name and city into the old street and postcode gave an
    address that exists nowhere. Fields not given keep their stored value; null sets null."""
    return {**stored, **patch}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@events_blp.route("")
class Events(MethodView):
    @events_blp.arguments(EventQueryArgsSchema, location="query")
    @events_blp.response(200, EventSchema(many=True))
    @events_blp.paginate()
    def get(self, args, pagination_parameters):
        """Published upcoming events

        Public, no token. Events that have not ended yet (or end after `from`), soonest first; filter
        by `to`, words in `q`, `series` and `format`. Paginated: `page`, `page_size`, and the
        `X-Pagination` header.
        """
        query = _event_query().where(Event.status == "published",
                                     Event.ends_at >= (args["from_"] or utcnow()))
        if args["to"]:
            query = query.where(Event.starts_at < args["to"])
        if args["series"] is not None:
            query = query.where(Event.series_id == args["series"])
        if args["format"]:
            query = query.where(Event.format == args["format"])
        if args["q"]:
            pattern = f"%{_escape_like(args['q'].lower())}%"
            query = query.where(or_(func.lower(Event.title).like(pattern, escape="\\"),
                                    func.lower(Event.summary).like(pattern, escape="\\"),
                                    func.lower(Event.description).like(pattern, escape="\\")))
        total = db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
        pagination_parameters.item_count = total
        if pagination_parameters.first_item >= total:
            return []  # past the last page (a huge ?page= would overflow OFFSET in the database)
        page = db.session.execute(
            query.order_by(Event.starts_at, Event.id)
            .offset(pagination_parameters.first_item).limit(pagination_parameters.page_size)
        ).scalars().all()
        return [domain.represent(e) for e in page]

    @auth
    @events_blp.arguments(EventCreateSchema, example=examples.CREATE_EVENT)
    @events_blp.response(201, EventSchema)
    def post(self, data):
        """Create an event (a draft until published)

        Organizer token. The event stays a draft, visible only to its organizer, until `POST
        /api/v1/events/{id}/publish`. Times without an offset are wall-clock times in the event's
        `timezone`. A 422 names each field that is not valid; nothing is stored then.
        """
        who = organizer()
        _check_series(data, who)
        event = domain.create_draft(who.id, data)
        db.session.commit()
        return domain.represent(event)


@events_blp.route("/<int(max=2147483647):event_id>")
class EventById(MethodView):
    @events_blp.response(200, ImportedEventSchema)
    def get(self, event_id):
        """One event (a draft made by an import also shows `import` and `missing` to its organizer)

        Public for published and cancelled events; a draft only for its own organizer (anyone else
        gets 404, as for an unknown id). Times are given in the event's own zone.
        """
        return imported_view(visible_event(event_id))

    @auth
    @events_blp.arguments(EventPatchSchema, example=examples.PATCH_EVENT)
    @events_blp.response(200, EventSchema)
    def patch(self, _checked, event_id):
        """Change an event; registrants are told when its time or place changes

        Send only the fields to change. Each field given replaces the stored value whole:
        `venue`, `price` and `registration` are objects that are replaced, not merged (send
        all of the venue's lines, the whole price, the whole registration policy); lists
        (`sessions`, `contacts`, `agenda`, `tags`) are replaced too — a session sent with
        its `id` keeps its registrations. `null` clears an optional field. The merged
        event is validated as a whole; nothing is changed when a field is not valid.
        """
        event = own_event(event_id, lock=True)
        if event.status == "cancelled":
            abort(409, message="A cancelled event cannot be changed.", code="event_cancelled")
        merged = merge_patch(domain.input_of(event), request.get_json(silent=True) or {})
        try:
            data = EventCreateSchema().load(merged)
        except ValidationError as exc:
            abort(422, message="Some fields are not valid.", errors=exc.messages)
        _check_series(data, organizer())
        _check_session_ids(data, event)
        before_time, before_place = domain.time_key(event), domain.place_key(event)
        domain.apply(event, data)
        db.session.flush()
        domain.bump(event)
        domain.announce(event, "updated", time_changed=domain.time_key(event) != before_time,
                        place_changed=domain.place_key(event) != before_place)
        db.session.commit()
        return domain.represent(event)


@events_blp.route("/<int(max=2147483647):event_id>/publish")
class PublishEvent(MethodView):
    @auth
    @events_blp.response(200, EventSchema)
    def post(self, event_id):
        """Publish an event: it becomes public and open for sign-up by its policy

        Organizer token. Idempotent: publishing a published event changes nothing. Registrations
        learns of it through the outbox and opens the sign-up page; a cancelled event cannot be
        published again (409 `event_cancelled`).
        """
        event = own_event(event_id, lock=True)
        if event.status == "cancelled":
            abort(409, message="A cancelled event cannot be published again.", code="event_cancelled")
        if event.status != "published":
            event.status = "published"
            event.published_at = utcnow()
            domain.bump(event)
            domain.announce(event, "published")
            db.session.commit()
        return domain.represent(event)


@events_blp.route("/<int(max=2147483647):event_id>/cancel")
class CancelEvent(MethodView):
    @auth
    @events_blp.arguments(CancelSchema, required=False, example=examples.CANCEL_EVENT)
    @events_blp.response(200, EventSchema)
    def post(self, args, event_id):
        """Cancel an event; registrants are told

        Organizer token. Optional body `{reason}`. Every registrant gets a mail with a calendar
        cancellation (`METHOD:CANCEL`); the public page then says that the event is cancelled.
        Idempotent.
        """
        event = own_event(event_id, lock=True)
        if event.status != "cancelled":
            event.status = "cancelled"
            event.cancelled_at = utcnow()
            event.cancellation_reason = (args or {}).get("reason")
            domain.bump(event)
            domain.announce(event, "cancelled")
            db.session.commit()
        return domain.represent(event)


BLUEPRINTS = (events_blp,)
