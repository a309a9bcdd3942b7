"""The registrations API (URL map at a glance):

POST   /api/v1/events/<event_id>/registrations   public: sign up (202); Idempotency-Key honoured
GET    /api/v1/events/<event_id>/registrations   organizer: JSON, or CSV with Accept: text/csv (?status=&session_id=)
GET    /api/v1/events/<event_id>/availability    public: seats and waiting list
POST   /api/v1/registrations/confirm             public: {token} from the confirmation mail
POST   /api/v1/registrations/cancel              public: {token} from any registrant mail
POST   /api/v1/registrations/<id>/approve        organizer
POST   /api/v1/registrations/<id>/reject         organizer
POST   /api/v1/registrations/<id>/check-in       organizer
DELETE /api/v1/people/<email>                    organizer: erase a person (here and in notifications)
More organizer endpoints (cancel, promote, summary, mailings): organizer_api.py
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from shared.auth import RemoteOrganizerVerifier, acting_member, organizer_required, require_organizer
from shared.errors import error_response

from . import examples, links
from .domain import lifecycle, privacy, seats, signup
from .domain.errors import RegistrationError
from .models import EventReplica, Registration, db
from .ratelimit import limiter, per_email, signup_limit, token_limit
from .replica import get_event, public_event
from .schemas import (AvailabilitySchema, ErasureSchema, IdempotencyHeaderSchema, PersonPathSchema,
                      RegistrationCreateSchema, RegistrationQueryArgsSchema, RegistrationSchema,
                      RegistrationStatusSchema, SignUpAnswerSchema, TokenSchema)

events_blp = Blueprint("event_registrations", __name__, url_prefix="/api/v1/events",
                       description="Signing up for events")
registrations_blp = Blueprint("registrations", __name__, url_prefix="/api/v1/registrations",
                              description="One registration: confirm, cancel, organizer decisions")
people_blp = Blueprint("people", __name__, url_prefix="/api/v1/people", description="Personal data")

verify_token = RemoteOrganizerVerifier(ttl=30.0)
auth = organizer_required(verify_token)


def organizer():
    return require_organizer(verify_token)


def own_event(event_id: int) -> EventReplica:
    """The event if the calling organizer owns it; another organizer's event is 404, not 403."""
    row = get_event(event_id)
    if row is None or row.organizer_id != organizer().id:
        abort(404, message="No such event.")
    return row


def own_registration(reg_id: str) -> Registration:
    reg = db.session.get(Registration, reg_id, populate_existing=True)
    if reg is None or db.session.get(EventReplica, reg.event_id).organizer_id != organizer().id:
        abort(404, message="No such registration.")
    return reg


def domain_error(exc: RegistrationError):
    """The domain's error in the one JSON error shape (registered on the app in create_app)."""
    return error_response(exc.status, exc.message, exc.errors, exc.code)


def idempotency(event_id: int, key: str | None) -> tuple[str, str] | None:
    """The key and a hash of what it was sent with: the same key with another body is refused."""
    if key is None:
        return None
    body = request.get_json(silent=True)
    digest = hashlib.sha256(json.dumps({"event_id": event_id, "body": body}, sort_keys=True,
                                       ensure_ascii=False).encode()).hexdigest()
    return key, digest


@events_blp.route("/<int:event_id>/registrations")
class EventRegistrations(MethodView):
    decorators = [limiter.limit(signup_limit, methods=["POST"]), per_email(methods=["POST"])]

    @events_blp.arguments(RegistrationCreateSchema, example=examples.SIGN_UP)
    @events_blp.arguments(IdempotencyHeaderSchema, location="headers")
    @events_blp.response(202, SignUpAnswerSchema)
    def post(self, data, headers, event_id):
        """Sign up (confirm by the link in the mail that follows)

        Public. 202: the seat is held and a mail with a confirmation link goes to the address (double
        opt-in; unconfirmed sign-ups expire). `waitlist: true` when the event is full. An address no
        mail can reach is refused (422). Send an `Idempotency-Key` header to repeat a request safely.
        Rate-limited per client address and per email address (429 `rate_limited`).
        """
        row = public_event(event_id)
        return signup.sign_up(row, data, idempotency(event_id, headers["key"]))

    @auth
    @events_blp.arguments(RegistrationQueryArgsSchema, location="query")
    @events_blp.response(200, RegistrationSchema(many=True))
    @events_blp.alt_response(200, content_type="text/csv", description="Accept: text/csv")
    def get(self, args, event_id):
        """The event's registrations (organizer); CSV for Excel with Accept: text/csv

        Organizer token; another organizer's event is 404. Filter by `status` (and `session_id`).
        `mail_failed_at`/`mail_error` show a mail to the person that failed for good. With `Accept:
        text/csv`: semicolon-separated UTF-8 with BOM, each session with its date and time, formulas
        neutralized.
        """
        row = own_event(event_id)
        query = select(Registration).where(Registration.event_id == row.id)
        if args["status"]:
            query = query.where(Registration.status == args["status"])
        regs = db.session.execute(query.order_by(Registration.created_at, Registration.id)).scalars().all()
        if args["session_id"] is not None:  # a JSON list: filtered here, the same on every database
            regs = [r for r in regs if args["session_id"] in (r.session_ids or [])]
        if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
            return csv_response(row, regs)
        return regs


def _cell(value) -> str:
    """Spreadsheet-safe text: a leading =, +, - or @ would start a formula in Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def session_label(session: dict, event: dict) -> str:
    """Sessions often share a title (five mornings of "Ideenschmiede"): the date and time
    in the event's zone tell them apart."""
    zone = ZoneInfo(event.get("timezone") or "Europe/Berlin")
    starts = datetime.fromisoformat(session["starts_at"]).astimezone(zone)
    ends = datetime.fromisoformat(session["ends_at"]).astimezone(zone)
    until = f"{ends:%H:%M}" if ends.date() == starts.date() else f"{ends:%d.%m.%Y %H:%M}"
    return f"{session['title']} ({starts:%d.%m.%Y %H:%M}–{until})"


def csv_response(row: EventReplica, regs: list[Registration]) -> Response:
    event = row.data
    questions = event["registration"].get("questions") or []
    titles = {s["id"]: session_label(s, event) for s in event.get("sessions") or []}
    out = io.StringIO()
    # semicolons and a BOM: what Excel in a German locale opens as columns with umlauts intact
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["id", "status", "name", "email", "companions", "sessions", "created_at", "confirmed_at",
                     "checked_in_at", "checked_in_by", "mail_failed"] + [q["label"] for q in questions])
    for reg in regs:
        writer.writerow([_cell(v) for v in (
            reg.id, reg.status, reg.name, reg.email, reg.companions,
            ", ".join(titles.get(s, str(s)) for s in reg.session_ids or []),
            reg.created_at.isoformat() if reg.created_at else None,
            reg.confirmed_at.isoformat() if reg.confirmed_at else None,
            reg.checked_in_at.isoformat() if reg.checked_in_at else None,
            (reg.checked_in_by or {}).get("name"),
            reg.mail_error if reg.mail_failed_at else None,
        )] + [_cell((reg.answers or {}).get(q["key"])) for q in questions])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="registrations-event-{row.id}.csv"'
    return response


@events_blp.route("/<int:event_id>/availability")
class Availability(MethodView):
    @events_blp.response(200, AvailabilitySchema)
    def get(self, event_id):
        """Seats: capacity, taken, available, waiting list (per session too)

        Public. `available` is null when there is no limit; for events booked per session, `sessions`
        holds the numbers of each.
        """
        return seats.availability(public_event(event_id))


def _token_errors(purpose: str, token: str) -> str:
    try:
        return links.read_token(purpose, token)
    except links.ExpiredToken:
        abort(410, message="This link has expired.", code="token_expired")
    except links.BadToken:
        abort(400, message="This link is not valid.", code="token_invalid")


@registrations_blp.route("/confirm")
class Confirm(MethodView):
    decorators = [limiter.limit(token_limit)]

    @registrations_blp.arguments(TokenSchema, example=examples.LINK_TOKEN)
    @registrations_blp.response(200, RegistrationStatusSchema)
    def post(self, data):
        """Confirm the email address (double opt-in)

        Public. Body `{token}` from the link in the confirmation mail. The registration becomes
        `confirmed`, `waitlisted` or `pending_approval`; 410 once the hold expired.
        """
        return lifecycle.confirm(_token_errors(links.CONFIRM, data["token"]))


@registrations_blp.route("/cancel")
class Cancel(MethodView):
    decorators = [limiter.limit(token_limit)]

    @registrations_blp.arguments(TokenSchema, example=examples.LINK_TOKEN)
    @registrations_blp.response(200, RegistrationStatusSchema)
    def post(self, data):
        """Cancel a registration by its signed link

        Public. Body `{token}` from any mail to the registrant. The seats go to the waiting list; the
        registrant gets a mail whose calendar entry removes the event. Idempotent.
        """
        return lifecycle.cancel(_token_errors(links.CANCEL, data["token"]))


@registrations_blp.route("/<string:reg_id>/approve")
class Approve(MethodView):
    @auth
    @registrations_blp.response(200, RegistrationStatusSchema)
    def post(self, reg_id):
        """Approve a registration awaiting approval (organizer)

        Organizer token. For events with `approval`; the registrant gets the confirmation with the
        calendar invitation.
        """
        return lifecycle.approve(own_registration(reg_id), acting_member(verify_token))


@registrations_blp.route("/<string:reg_id>/reject")
class Reject(MethodView):
    @auth
    @registrations_blp.response(200, RegistrationStatusSchema)
    def post(self, reg_id):
        """Reject a registration; its seats go to the waiting list (organizer)

        Organizer token. The registrant is told by mail; the same address cannot sign up again for
        this event.
        """
        return lifecycle.reject(own_registration(reg_id), acting_member(verify_token))


@registrations_blp.route("/<string:reg_id>/check-in")
class CheckIn(MethodView):
    @auth
    @registrations_blp.response(200, RegistrationStatusSchema)
    def post(self, reg_id):
        """Mark a confirmed registrant as present (organizer)

        Organizer token. Idempotent; records who checked the person in when done from the workspace.
        """
        return lifecycle.check_in(own_registration(reg_id), acting_member(verify_token))


@people_blp.route("/<path:email>")
class Person(MethodView):
    @auth
    @people_blp.arguments(PersonPathSchema, location="path")
    @people_blp.response(200, ErasureSchema)
    def delete(self, person, email):
        """Erase a person's registrations for your events, and their mails in notifications

        Organizer token. Deletes the person's registrations on your events (freeing their seats), the
        copies of their mails in this service's outbox, and has notifications delete its mails and
        records of them. Answers how many registrations went.
        """
        return privacy.erase_person(organizer().id, person["email"])


BLUEPRINTS = (events_blp, registrations_blp, people_blp)
