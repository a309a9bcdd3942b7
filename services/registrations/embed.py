"""The sign-up inside other websites: a city's CMS page carries

    <script src="https://<public site>/embed.js" defer></script>
    <div data-civic-event="42"><a href="https://<public site>/events/42">Zur Anmeldung</a></div>

and embed.js puts an iframe of /embed/events/42 in the div (without JavaScript the link
stays). Only the origins the organizer listed (events: organizer.embed_origins, carried in
the snapshot) may frame it: `Content-Security-Policy: frame-ancestors` names exactly them;
every other page keeps `frame-ancestors 'none'`.

The form inside the frame posts a signed embed token instead of the session CSRF token:
browsers drop cookies in third-party frames, and a public sign-up has no session to protect.

GET  /embed.js                     the host page's script
GET  /embed/events/<id>            the sign-up without site chrome;  POST: sign up
GET  /embed/events/<id>/inbox      "check your inbox", inside the frame
"""
from __future__ import annotations

import os
import re

from flask import Blueprint, current_app, g, request, send_from_directory, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import catalog
from .domain.errors import RegistrationError
from .models import EventReplica
from .pages import form_context, html_crash, html_domain_error, language, page, submit_sign_up
from .ratelimit import limiter, per_email, signup_limit
from .replica import public_event

bp = Blueprint("embed", __name__, template_folder="templates")
bp.register_error_handler(Exception, html_crash)
bp.register_error_handler(RegistrationError, html_domain_error)

STATIC = os.path.join(os.path.dirname(__file__), "static")
# what events lets through (scheme://host[:port]); checked again so no snapshot can widen the header
_ORIGIN = re.compile(r"^https?://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$")


def frame_ancestors(row: EventReplica) -> str:
    origins = [o for o in (row.data.get("organizer") or {}).get("embed_origins") or []
               if isinstance(o, str) and _ORIGIN.match(o)]
    return " ".join(origins) or "'none'"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="civic-events.embed-form")


def embed_token(event_id: int) -> str:
    return _serializer().dumps(event_id)


def embed_token_valid(event_id: int, token: str | None) -> bool:
    try:
        return _serializer().loads(token or "", max_age=current_app.config["WTF_CSRF_TIME_LIMIT"]) == event_id
    except BadSignature:
        return False


@bp.after_request
def frame_only_where_allowed(response):
    ancestors = g.get("frame_ancestors", "'none'")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        f"frame-ancestors {ancestors}; form-action 'self'; base-uri 'none'")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.get("/embed.js")
def script():
    return send_from_directory(STATIC, "embed.js", mimetype="text/javascript", max_age=3600)


def _embed_page(row: EventReplica, lang: str, *, status: int = 200, **shown):
    g.frame_ancestors = frame_ancestors(row)
    context = form_context(row, **shown)
    return page("embed.html", status, lang=lang, embed_token=embed_token(row.id),
                form_action=url_for("embed.embed_sign_up", event_id=row.id),
                event_url=catalog.public_url("pages.event_page", event_id=row.id), **context)


@bp.get("/embed/events/<int:event_id>")
def embed_event(event_id: int):
    row = public_event(event_id)
    return _embed_page(row, language(row.data))


@bp.post("/embed/events/<int:event_id>")
@limiter.limit(signup_limit)
@per_email()
def embed_sign_up(event_id: int):
    row = public_event(event_id)
    lang = language(row.data)
    return submit_sign_up(row, lang, embed_token_valid(event_id, request.form.get("embed_token")),
                          inbox_endpoint="embed.embed_inbox",
                          show=lambda status, **shown: _embed_page(row, lang, status=status, **shown))


@bp.get("/embed/events/<int:event_id>/inbox")
def embed_inbox(event_id: int):
    row = public_event(event_id)
    g.frame_ancestors = frame_ancestors(row)
    return page("embed_inbox.html", lang=language(row.data), event=row.data,
                waitlist=request.args.get("waitlist") == "1", hours=current_app.config["CONFIRMATION_HOURS"],
                event_url=catalog.public_url("pages.event_page", event_id=row.id))
