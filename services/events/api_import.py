"""Importing an announcement (issue 12):

POST /api/v1/events/import    organizer: {text | html | ics, as_of?} -> 201, the saved draft event
                              plus `import` {field: {value, snippet, confidence}} and `missing`

Field names in `import` and `missing` are the event's (API.md), nested ones dotted:
title, summary, description, language, timezone, starts_at, ends_at, format, venue.name,
venue.street, venue.postal_code, venue.city, online_url, price, audience, registration.mode,
registration.closes_at, contacts, sessions, agenda, series, modules. A field in `missing` was not
in the announcement; where the event needs a value anyway (start, end, a venue for an event in
person) the draft holds a plain default for the organizer to replace. The organizer's
GET /api/v1/events/<id> shows `import` and `missing` for as long as the event is a draft.
"""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from .api import auth, organizer
from .importer import DraftInvalid, ImportRejected, import_announcement
from .imports import imported_view, save_draft
from .schemas_import import ImportedEventSchema, ImportSchema

# a saved web page is often larger than the API's usual body limit; the importer's own limits
# per field (importer.MAX_CHARACTERS) then answer 422 naming the field
IMPORT_MAX_BODY = 8 * 1024 * 1024

import_blp = Blueprint("event_import", __name__, url_prefix="/api/v1/events", description="Events")


@import_blp.before_request
def _allow_saved_pages():
    if request.endpoint == "event_import.ImportAnnouncement":
        request.max_content_length = IMPORT_MAX_BODY


@import_blp.route("/import")
class ImportAnnouncement(MethodView):
    @auth
    @import_blp.arguments(ImportSchema)
    @import_blp.response(201, ImportedEventSchema)
    def post(self, args):
        """Import an announcement (text, saved web page or iCalendar file) as a draft event

        Organizer token. Body with one of `text`, `html` or `ics` (and `as_of` for the year of dates
        without one). Answers the draft with, per field, the value found, the snippet it came from and
        a confidence, and `missing` fields; nothing is published without review.
        """
        who = organizer()
        try:
            draft = import_announcement(text=args["text"], html=args["html"], ics=args["ics"], as_of=args["as_of"])
        except ImportRejected as exc:
            abort(422, message=exc.message, errors={exc.field: [exc.message]})
        except DraftInvalid as exc:
            abort(422, message="The announcement gives no valid event.", errors=exc.errors)
        return imported_view(save_draft(draft, who.id))


BLUEPRINTS = (import_blp,)
