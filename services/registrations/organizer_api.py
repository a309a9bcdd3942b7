"""Organizer endpoints of the workspace's registrations and messages pages (URL map):

GET  /api/v1/registrations/<id>                         one registration as its organizer sees it
POST /api/v1/registrations/<id>/cancel-by-organizer     {note?}: cancel; the registrant is mailed the note
POST /api/v1/registrations/<id>/promote                 {beyond_capacity?}: seat one person of the waiting list
GET  /api/v1/events/<event_id>/registrations/summary    people per status, checked in, seats
GET  /api/v1/events/<event_id>/mailings                 the organizer's mailings to registrants, newest first
POST /api/v1/events/<event_id>/mailings                 {audience, session_id?, subject, body}; Idempotency-Key

Another organizer's registration or event is 404. A member session token (the workspace)
records who acted; a plain API token records nobody.
"""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth import acting_member

from . import mailings, organizer_actions
from .api import auth, own_event, own_registration, verify_token
from .schemas import (IdempotencyHeaderSchema, MailingCreateSchema, MailingSchema, OrganizerCancelSchema,
                      PromoteSchema, RegistrationSchema, RegistrationStatusSchema, RegistrationSummarySchema)

decisions_blp = Blueprint("organizer_decisions", __name__, url_prefix="/api/v1/registrations",
                          description="Organizer: cancel a registration, promote from the waiting list")
event_blp = Blueprint("organizer_event", __name__, url_prefix="/api/v1/events",
                      description="Organizer: an event's registration numbers and mailings to its registrants")


def member() -> dict | None:
    return acting_member(verify_token)


@decisions_blp.route("/<string:reg_id>")
class OneRegistration(MethodView):
    @auth
    @decisions_blp.response(200, RegistrationSchema)
    def get(self, reg_id):
        """One registration (organizer)

        Organizer token; another organizer's registration is 404.
        """
        return own_registration(reg_id)


@decisions_blp.route("/<string:reg_id>/cancel-by-organizer")
class CancelByOrganizer(MethodView):
    @auth
    @decisions_blp.arguments(OrganizerCancelSchema)
    @decisions_blp.response(200, RegistrationStatusSchema)
    def post(self, data, reg_id):
        """Cancel a registration for the registrant; seats go to the waiting list

        Organizer token. Optional `note` goes into the mail that tells the registrant.
        """
        return organizer_actions.cancel_by_organizer(own_registration(reg_id), data["note"], member())


@decisions_blp.route("/<string:reg_id>/promote")
class Promote(MethodView):
    @auth
    @decisions_blp.arguments(PromoteSchema)
    @decisions_blp.response(200, RegistrationStatusSchema)
    def post(self, data, reg_id):
        """Seat a person of the waiting list now (409 event_full unless beyond_capacity)

        Organizer token. With `beyond_capacity: true` the person gets a seat even when none is free.
        """
        return organizer_actions.promote(own_registration(reg_id), data["beyond_capacity"], member())


@event_blp.route("/<int:event_id>/registrations/summary")
class Summary(MethodView):
    @auth
    @event_blp.response(200, RegistrationSummarySchema)
    def get(self, event_id):
        """People per status, checked in, and seats of an event

        Organizer token. The numbers the workspace shows above its registrations table.
        """
        return organizer_actions.summary(own_event(event_id))


@event_blp.route("/<int:event_id>/mailings")
class Mailings(MethodView):
    @auth
    @event_blp.response(200, MailingSchema(many=True))
    def get(self, event_id):
        """The organizer's mailings to this event's registrants, newest first

        Organizer token. Each mailing with its audience, subject and how many it went to;
        notifications' delivery log has each mail.
        """
        return mailings.of_event(own_event(event_id))

    @auth
    @event_blp.arguments(MailingCreateSchema)
    @event_blp.arguments(IdempotencyHeaderSchema, location="headers")
    @event_blp.response(202, MailingSchema)
    def post(self, data, headers, event_id):
        """Write to an audience of the registrants; notifications mails each of them

        Organizer token. Body `{audience (all|confirmed|waitlisted|session), session_id?, subject,
        body}`; each registrant gets their own copy with their cancel link.
        """
        return mailings.send(own_event(event_id), data, member(), headers["key"])


BLUEPRINTS = (decisions_blp, event_blp)
