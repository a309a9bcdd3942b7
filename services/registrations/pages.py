"""The public HTML pages: the list, an event with its sign-up form, "check your inbox",
confirm and cancel. They use the same rules as the API (domain/signup.py), work without
JavaScript, and speak German or English (the event's language unless ?lang= says otherwise).

GET  /                       upcoming events
GET  /events/<id>            details and the form;  POST: sign up (CSRF, honeypot, rate limit)
GET  /events/<id>/inbox      "check your inbox"
GET  /confirm/<token>        double opt-in
GET  /cancel/<token>         asks;  POST: cancels
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from shared.db import utcnow

from . import catalog, formguard, i18n, links
from .domain import lifecycle, seats, signup
from .domain.errors import RegistrationError
from .domain.seats import choosable_sessions, per_session
from .models import EventReplica, Registration, db
from .ratelimit import limiter, per_email, signup_limit, token_limit
from .replica import parse_time, public_event
from .schemas import RegistrationCreateSchema

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__, template_folder="templates")


class CsrfForm(FlaskForm):
    """Only the CSRF token: the fields are the API's and validated by its schema."""


def form_value(name: str) -> str | None:
    """A posted field, or None when there is no readable form (too large, broken): error pages
    must render without touching what made the request fail."""
    if request.method != "POST":
        return None
    try:
        return request.form.get(name)
    except HTTPException:
        return None


def language(event: dict | None = None) -> str:
    return i18n.pick_language(request.args.get("lang") or form_value("lang"),
                              (event or {}).get("language"), request.accept_languages)


def chosen_language() -> str | None:
    """The language the visitor picked (?lang=), carried along in links; None: each page decides."""
    value = request.args.get("lang") or form_value("lang")
    return value if value in i18n.LANGUAGES else None


def page(template: str, status: int = 200, *, lang: str, **context):
    context.setdefault("event", None)
    return render_template(template, lang=lang, chosen=chosen_language(), t=i18n.translator(lang), i18n=i18n,
                           **context), status


def registration_state(row: EventReplica) -> str:
    """open | not_open | closed | cancelled | none — what the form area shows."""
    event = row.data
    policy = event["registration"]
    now = utcnow()
    if row.status == "cancelled":
        return "cancelled"
    if policy.get("mode") == "none":
        return "none"
    opens, closes = parse_time(policy.get("opens_at")), parse_time(policy.get("closes_at"))
    if opens and now < opens:
        return "not_open"
    if per_session(event):
        if not any(parse_time(s["starts_at"]) > now for s in choosable_sessions(event)):
            return "closed"
    elif closes is None:
        closes = parse_time(event["starts_at"])
    if (closes and now >= closes) or now >= parse_time(event["ends_at"]):
        return "closed"
    return "open"


@bp.get("/")
def index():
    lang = language()
    rows = db.session.execute(
        select(EventReplica).where(EventReplica.status == "published", EventReplica.ends_at >= utcnow())
        .order_by(EventReplica.starts_at, EventReplica.id).limit(200)).scalars().all()
    items = [{"event": r.data, "seats": seats.availability(r), "state": registration_state(r)} for r in rows]
    return page("index.html", lang=lang, items=items)


def _form_data(event: dict) -> tuple[dict, dict]:
    """The posted form as the API body, and what to show again in the fields."""
    form = request.form
    raw_companions = form.get("companions", "").strip()
    try:
        companions = int(raw_companions) if raw_companions else 0
    except ValueError:
        companions = raw_companions  # the schema names the field
    session_ids = []
    for value in form.getlist("session_ids"):
        try:
            session_ids.append(int(value))
        except ValueError:
            pass
    answers = {}
    for q in event["registration"].get("questions") or []:
        value = form.get(f"answer_{q['key']}")
        if q.get("type") == "boolean":
            answers[q["key"]] = value is not None
        elif value not in (None, ""):
            answers[q["key"]] = value
    data = {"name": form.get("name", ""), "email": form.get("email", "").strip(),
            "consent": form.get("consent") == "yes", "companions": companions, "session_ids": session_ids,
            "answers": answers}
    return data, {**data, "companions": raw_companions}


def form_context(row: EventReplica, *, values: dict | None = None, errors: dict | None = None,
                 notice: str | None = None) -> dict:
    """What the sign-up form (_signup_form.html) needs, on the event page and in the embed."""
    event = row.data
    return {"event": event, "row": row, "seats": seats.availability(row), "state": registration_state(row),
            "per_session": per_session(event),
            "choosable": [s for s in choosable_sessions(event) if parse_time(s["starts_at"]) > utcnow()],
            "values": values or {"companions": "0", "session_ids": [], "answers": {}},
            "errors": errors or {}, "notice": notice, "started": formguard.keep_or_start(form_value("started"))}


def _event_page(row: EventReplica, lang: str, *, status: int = 200, **shown):
    context = form_context(row, **shown)
    return page("event.html", status, lang=lang, form=CsrfForm(), reach=catalog.event_extras(row, context["seats"]),
                **context)


@bp.get("/events/<int:event_id>")
def event_page(event_id: int):
    row = public_event(event_id)
    return _event_page(row, language(row.data))


def _translate_errors(errors: dict, lang: str) -> dict:
    out = {}
    for field, messages in errors.items():
        if isinstance(messages, dict):
            out[field] = _translate_errors(messages, lang)
        else:
            out[field] = [i18n.error_text(str(m), lang) for m in (messages if isinstance(messages, list) else [messages])]
    return out


@bp.post("/events/<int:event_id>")
@limiter.limit(signup_limit)
@per_email()
def sign_up(event_id: int):
    row = public_event(event_id)
    lang = language(row.data)
    return submit_sign_up(row, lang, CsrfForm().validate_on_submit(), inbox_endpoint="pages.inbox",
                          show=lambda status, **shown: _event_page(row, lang, status=status, **shown))


def submit_sign_up(row: EventReplica, lang: str, form_valid: bool, *, show, inbox_endpoint: str):
    """A posted sign-up form, on the event page or in its embedded twin (embed.py).

    `form_valid`: the form's CSRF/embed token held; `show(status, values=, errors=, notice=)`
    renders the form again; a sign-up goes on to `inbox_endpoint` ("check your inbox")."""
    t = i18n.translator(lang)
    data, values = _form_data(row.data)
    if not form_valid:
        return show(400, values=values, notice=t("csrf"))
    if request.form.get("website"):
        # the honeypot: a person never sees this field; a bot gets the usual answer and nothing happens
        log.info("honeypot filled on event %s; sign-up ignored", row.id)
        return redirect(url_for(inbox_endpoint, event_id=row.id, lang=lang))
    if formguard.filled_too_fast(request.form.get("started")):
        log.info("sign-up form on event %s sent too fast; shown again", row.id)
        return show(422, values=values, notice=t("too_fast"))
    data["locale"] = lang
    try:
        data = RegistrationCreateSchema().load(data)
    except ValidationError as exc:
        return show(422, values=values, errors=_translate_errors(exc.messages, lang), notice=t("form_errors"))
    try:
        answer = signup.sign_up(row, data)
    except RegistrationError as exc:
        if exc.status == 422:
            return show(422, values=values, errors=_translate_errors(exc.errors, lang), notice=t("form_errors"))
        if exc.status == 409:
            text = {"event_full": t("full"), "registration_closed": t("closed"), "event_cancelled":
                    t("cancelled_event"), "registration_not_open": t("not_open"),
                    "registration_not_needed": t("no_registration")}.get(exc.code, exc.message)
            return show(409, values=values, notice=text)
        raise
    return redirect(url_for(inbox_endpoint, event_id=row.id, lang=lang,
                            waitlist=1 if answer.get("waitlist") else None))


@bp.get("/events/<int:event_id>/inbox")
def inbox(event_id: int):
    row = public_event(event_id)
    lang = language(row.data)
    return page("inbox.html", lang=lang, event=row.data, waitlist=request.args.get("waitlist") == "1",
                hours=current_app.config["CONFIRMATION_HOURS"])


def _read(purpose: str, token: str, lang: str):
    t = i18n.translator(lang)
    try:
        return links.read_token(purpose, token), None
    except links.ExpiredToken:
        return None, page("message.html", 410, lang=lang, title=t("error_title"), text=t("link_expired"))
    except links.BadToken:
        return None, page("message.html", 400, lang=lang, title=t("error_title"), text=t("link_invalid"))


def _reg_language(reg_id: str | None) -> tuple[str, dict | None]:
    reg = db.session.get(Registration, reg_id) if reg_id else None
    row = db.session.get(EventReplica, reg.event_id) if reg else None
    event = row.data if row else None
    lang = request.args.get("lang") or form_value("lang") or (reg.locale if reg else None)
    return i18n.pick_language(lang, (event or {}).get("language"), request.accept_languages), event


def _status_message(status_code: int, code: str | None, lang: str, event: dict | None):
    t = i18n.translator(lang)
    text = {"registration_expired": t("status_expired"), "registration_cancelled": t("status_cancelled"),
            "registration_rejected": t("status_rejected"), "event_cancelled": t("cancelled_event"),
            "token_expired": t("link_expired")}.get(code, t("link_invalid"))
    return page("message.html", status_code, lang=lang, title=t("error_title"), text=text, event=event)


@bp.get("/confirm/<token>")
@limiter.limit(token_limit)
def confirm(token: str):
    reg_id, problem = _read(links.CONFIRM, token, i18n.pick_language(request.args.get("lang"), None,
                                                                      request.accept_languages))
    if problem:
        return problem
    lang, event = _reg_language(reg_id)
    try:
        answer = lifecycle.confirm(reg_id)
    except RegistrationError as exc:
        return _status_message(exc.status, exc.code, lang, event)
    return page("confirmed.html", lang=lang, reg_status=answer["status"], event=event)


@bp.route("/cancel/<token>", methods=["GET", "POST"])
@limiter.limit(token_limit)
def cancel(token: str):
    reg_id, problem = _read(links.CANCEL, token, i18n.pick_language(request.args.get("lang"), None,
                                                                     request.accept_languages))
    if problem:
        return problem
    lang, event = _reg_language(reg_id)
    t = i18n.translator(lang)
    reg = db.session.get(Registration, reg_id)
    if reg is None or reg.anonymized_at is not None:
        return page("message.html", 410, lang=lang, title=t("error_title"), text=t("link_invalid"))
    form = CsrfForm()
    if request.method == "GET" or not form.validate_on_submit():
        if reg.status == "cancelled":
            return page("message.html", lang=lang, title=t("cancelled_title"), text=t("cancelled_text"), event=event)
        return page("cancel.html", 200 if request.method == "GET" else 400, lang=lang, event=event, form=form,
                    token=token, notice=None if request.method == "GET" else t("csrf"))
    try:
        lifecycle.cancel(reg_id)
    except RegistrationError as exc:
        return _status_message(exc.status, exc.code, lang, event)
    return page("message.html", lang=lang, title=t("cancelled_title"), text=t("cancelled_text"), event=event)


@bp.after_request
def protect(response):
    # confirm/cancel URLs carry tokens: never hand them on in a Referer; no framing (clickjacking)
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
    return response


@bp.errorhandler(Exception)
def html_crash(exc: Exception):
    if isinstance(exc, HTTPException):
        return html_error(exc)
    log.exception("unhandled error on a public page")
    db.session.rollback()
    lang = i18n.pick_language(request.args.get("lang"), None, request.accept_languages)
    t = i18n.translator(lang)
    return page("message.html", 500, lang=lang, title=t("error_title"), text=t("crashed"))


@bp.errorhandler(HTTPException)
def html_error(exc: HTTPException):
    return _error_page(exc.code or 500, exc.description)


@bp.errorhandler(RegistrationError)
def html_domain_error(exc: RegistrationError):
    """What the domain refused outside a form (no such event, events service down)."""
    return _error_page(exc.status, exc.message)


def _error_page(status: int, fallback: str | None):
    lang = i18n.pick_language(request.args.get("lang"), None, request.accept_languages)
    t = i18n.translator(lang)
    text = {404: t("not_found"), 413: t("too_large"), 429: t("too_many"),
            503: t("unavailable")}.get(status, fallback)
    return page("message.html", status, lang=lang, title=t("error_title"), text=text)
