"""The notifications API (URL map at a glance):

GET  /api/v1/messages?registration_id=&event_id=&status=&mailing_id=&kind=   organizer: mails about own events
POST /api/v1/events/<event_id>/messages                     organizer: message to all confirmed registrants
GET  /mailbox · /mailbox/<key>                              dev only: the SMTP sink's mails (mailbox.py)
"""
from __future__ import annotations

import logging
import uuid

import requests
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from shared.auth import RemoteOrganizerVerifier, bearer_token, organizer_required, require_organizer

from . import compose, delivery
from .models import Attendee, Message, db
from .safety import clean_paragraphs, clean_text
from .schemas import BulkMessageSchema, BulkResultSchema, MessageQueryArgsSchema, MessageSchema

log = logging.getLogger(__name__)

messages_blp = Blueprint("messages", __name__, url_prefix="/api/v1", description="Outgoing mails")

verify = RemoteOrganizerVerifier()
auth = organizer_required(verify)


def organizer():
    return require_organizer(verify)


def _event_owner(event_id: int) -> int | None:
    """The organizer of an event as our own records tell (message rows, attendees)."""
    owner = db.session.execute(select(Message.organizer_id).where(
        Message.event_id == event_id, Message.organizer_id.is_not(None)).limit(1)).scalar_one_or_none()
    if owner is None:
        owner = db.session.execute(select(Attendee.organizer_id).where(
            Attendee.event_id == event_id).limit(1)).scalar_one_or_none()
    return owner


@messages_blp.route("/messages")
class Messages(MethodView):
    @auth
    @messages_blp.arguments(MessageQueryArgsSchema, location="query")
    @messages_blp.response(200, MessageSchema(many=True))
    def get(self, args):
        """Mails about the organizer's own events, newest first, with delivery status.

        Organizer token. Filter by `registration_id`, `event_id`, `mailing_id` or `kind`. `status` is
        `queued`, `sent` or `failed` (with the last error); another organizer's event is 404.
        """
        who = organizer()
        if "event_id" in args:
            owner = _event_owner(args["event_id"])
            if owner is not None and owner != who.id:
                abort(404, message="No such event.")
        query = select(Message).where(Message.organizer_id == who.id)
        if "event_id" in args:
            query = query.where(Message.event_id == args["event_id"])
        if "registration_id" in args:
            query = query.where(Message.registration_id == args["registration_id"])
        for name in ("status", "mailing_id", "kind"):
            if name in args:
                query = query.where(getattr(Message, name) == args[name])
        return db.session.execute(query.order_by(Message.id.desc()).limit(args["limit"])).scalars().all()


def _get_json(url: str):
    return requests.get(url, headers={"Authorization": f"Bearer {bearer_token()}", "Accept": "application/json"},
                        timeout=current_app.config["HTTP_TIMEOUT_SECONDS"])


def _event_for(who, event_id: int) -> dict:
    """The event (asked from events with the organizer's own token), else our newest snapshot."""
    try:
        response = _get_json(f"{current_app.config['EVENTS_URL']}/api/v1/events/{event_id}")
        if response.status_code == 404:
            abort(404, message="No such event.")
        if response.status_code == 200:
            event = response.json()
            if (event.get("organizer") or {}).get("id") != who.id:
                abort(404, message="No such event.")
            return event
    except requests.RequestException as exc:
        log.warning("events service unreachable for event %s: %s", event_id, exc)
    row = db.session.execute(select(Attendee).where(Attendee.event_id == event_id)
                             .order_by(Attendee.event_revision.desc()).limit(1)).scalar_one_or_none()
    if row is None or row.organizer_id != who.id:
        abort(404, message="No such event.")
    return row.event


def _confirmed_registrants(who, event_id: int) -> tuple[list[dict], str]:
    """Confirmed registrations from the registrations service; our own records if it is down."""
    url = f"{current_app.config['REGISTRATIONS_URL']}/api/v1/events/{event_id}/registrations"
    try:
        response = _get_json(url)
        if response.status_code == 404:
            abort(404, message="No such event.")
        if response.status_code == 200:
            body = response.json()
            items = body.get("items", body.get("registrations", [])) if isinstance(body, dict) else body
            people = [{"id": r.get("id"), "name": r.get("name") or "", "email": r.get("email"),
                       "locale": r.get("locale"), "session_ids": r.get("session_ids") or []}
                      for r in items if isinstance(r, dict) and r.get("status") == "confirmed" and r.get("email")]
            return people, "registrations"
        log.warning("registrations answered %s for %s", response.status_code, url)
    except requests.RequestException as exc:
        log.warning("registrations service unreachable: %s", exc)
    rows = db.session.execute(select(Attendee).where(
        Attendee.event_id == event_id, Attendee.organizer_id == who.id, Attendee.status == "confirmed")).scalars()
    return [{"id": a.registration_id, "name": a.name, "email": a.email, "locale": a.locale,
             "session_ids": a.session_ids} for a in rows], "local"


@messages_blp.route("/events/<int:event_id>/messages")
class EventMessages(MethodView):
    @auth
    @messages_blp.arguments(BulkMessageSchema)
    @messages_blp.response(202, BulkResultSchema)
    def post(self, data, event_id):
        """Send a message from the organizer to every confirmed registrant of an event.

        Organizer token. Body `{subject, body}`. Notifications asks registrations for the confirmed
        registrants and mails each of them.
        """
        who = organizer()
        event = _event_for(who, event_id)
        people, source = _confirmed_registrants(who, event_id)
        key = request.headers.get("Idempotency-Key", "")
        batch_id = clean_text(key, 64) if key and key.replace("-", "").isalnum() else uuid.uuid4().hex
        existing = db.session.execute(select(Message).where(
            Message.source_key.like(f"bulk:{batch_id}:%"), Message.organizer_id == who.id)).scalars().all()
        if existing:  # the same request again: nothing new
            return {"batch_id": batch_id, "queued": sum(r.status != "failed" for r in existing),
                    "failed": sum(r.status == "failed" for r in existing), "source": "earlier"}
        body = clean_paragraphs(data["body"])
        rows = compose.bulk(event, people, clean_text(data["subject"], 200), body, batch_id)
        db.session.commit()
        delivery.enqueue([r.id for r in rows if r.status == "queued"])
        return {"batch_id": batch_id, "queued": sum(r.status == "queued" for r in rows),
                "failed": sum(r.status == "failed" for r in rows), "source": source}


BLUEPRINTS = [messages_blp]
