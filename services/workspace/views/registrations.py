"""The registrations of an event (URL map):

GET  /events/<id>/registrations                  the table, filters ?status=&session_id=
GET  /events/<id>/registrations/counts           the counts (htmx polls it; it triggers a table refresh)
GET  /events/<id>/registrations/rows             the table body (refreshed by htmx when counts changed)
GET  /events/<id>/registrations.csv              the CSV export of the registrations API
POST /events/<id>/registrations/<rid>/<action>   approve | reject | check-in (a button on the row)
GET, POST /events/<id>/registrations/<rid>/cancel   the organizer cancels (with a note to the registrant)
GET, POST /events/<id>/registrations/<rid>/promote  seat someone of the waiting list

Every action is a plain form POST with CSRF that redirects back (works without JavaScript).
"""
from __future__ import annotations

import time

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from ..auth import member_required
from ..clients.base import ApiError
from ..clients.registrations import RegistrationsClient
from ..forms import api_errors_to_form, api_message
from ..forms.registrations import STATUS_LABELS, ActionForm, CancelForm, FilterForm, PromoteForm
from ..i18n import t
from .event_pages import or_empty, own_event, session_choices

bp = Blueprint("registrations", __name__)

DECISIONS = {
    "approve": ("Anmeldung von {name} freigegeben.", "Registration of {name} approved."),
    "reject": ("Anmeldung von {name} abgelehnt.", "Registration of {name} rejected."),
    "check-in": ("{name} ist eingecheckt.", "{name} is checked in."),
}


def _filters(event: dict) -> tuple[FilterForm, dict]:
    form = FilterForm(request.args).with_sessions(session_choices(event))
    return form, form.api_filters()


def fingerprint(summary: dict | None) -> str:
    """Changes whenever someone signs up, cancels, is decided on or checked in."""
    if not summary:
        return "-"
    by_status = summary.get("by_status") or {}
    return "-".join(str(by_status.get(s, 0)) for s in STATUS_LABELS) + f"-{summary.get('checked_in', 0)}"


def _table(event: dict, filters: dict) -> dict:
    client = RegistrationsClient()
    regs = or_empty(lambda: client.registrations(event["id"], **filters), [])
    questions = (event.get("registration") or {}).get("questions") or []
    return {"event": event, "registrations": regs, "questions": {q["key"]: q["label"] for q in questions},
            "session_titles": {s["id"]: s["title"] for s in event.get("sessions") or []},
            "status_labels": STATUS_LABELS, "filters_query": query_of(filters), "back": list_url(event["id"], filters)}


def query_of(filters: dict) -> dict:
    return {k: v for k, v in filters.items() if v}


def list_url(event_id: int, filters: dict) -> str:
    return url_for(".index", event_id=event_id, **query_of(filters))


@bp.get("/events/<int:event_id>/registrations")
@member_required
def index(event_id: int):
    event = own_event(event_id)
    form, filters = _filters(event)
    summary = or_empty(lambda: RegistrationsClient().summary(event_id), None)
    return render_template("registrations/index.html", form=form, summary=summary, opened=int(time.time()),
                           fingerprint=fingerprint(summary), **_table(event, filters))


# An open page polls for this long after it was loaded. Each poll uses the member's session
# token, which keeps it alive; a page left open must not keep a session alive for good.
POLL_SECONDS = 3600


@bp.get("/events/<int:event_id>/registrations/counts")
def counts(event_id: int):
    opened = request.args.get("opened", type=int)
    if opened is None or not 0 <= time.time() - opened <= POLL_SECONDS:
        # 286: htmx stops polling (and asks no service, so the session is not kept alive)
        return Response(render_template("registrations/_poll_ended.html", event_id=event_id), status=286)
    return _changed_counts(event_id)


@member_required
def _changed_counts(event_id: int):
    event = own_event(event_id)
    summary = or_empty(lambda: RegistrationsClient().summary(event_id), None)
    now = fingerprint(summary)
    if request.args.get("seen") == now:
        return Response(status=204)  # htmx swaps nothing: the live region is not re-announced
    response = Response(render_template("registrations/_counts.html", event=event, summary=summary,
                                        fingerprint=now))
    if request.args.get("seen") is not None:
        response.headers["HX-Trigger"] = "registrations-changed"  # the table body reloads itself
    return response


@bp.get("/events/<int:event_id>/registrations/rows")
@member_required
def rows(event_id: int):
    event = own_event(event_id)
    _, filters = _filters(event)
    return render_template("registrations/_rows.html", **_table(event, filters))


@bp.get("/events/<int:event_id>/registrations.csv")
@member_required
def export(event_id: int):
    event = own_event(event_id)
    _, filters = _filters(event)
    answer = RegistrationsClient().registrations_csv(event_id, **filters)
    return Response(answer.content, content_type=answer.headers.get("Content-Type", "text/csv; charset=utf-8"),
                    headers={"Content-Disposition": answer.headers.get(
                        "Content-Disposition", f'attachment; filename="registrations-event-{event_id}.csv"')})


def _back(form, event_id: int) -> str:
    """Back to the list as it was filtered (only a path of this page, never elsewhere)."""
    target = form.back.data or ""
    if target.startswith(f"/events/{event_id}/registrations") and "//" not in target:
        return target
    return url_for(".index", event_id=event_id)


def _registration(event_id: int, registration_id: str) -> dict:
    reg = RegistrationsClient().registration(registration_id)
    if reg["event_id"] != event_id:
        abort(404)
    return reg


# what the registrations service refuses (409), said in the page's language
REFUSALS = {
    "not_confirmed": ("Nur bestätigte Anmeldungen können eingecheckt werden.",
                      "Only confirmed registrations can be checked in."),
    "not_pending_approval": ("Nur Anmeldungen, die auf Freigabe warten, können freigegeben werden.",
                             "Only registrations awaiting approval can be approved."),
    "not_waitlisted": ("Nur wer auf der Warteliste steht, kann nachrücken.",
                       "Only someone on the waiting list can be promoted."),
    "conflict": ("Die Anmeldung wurde inzwischen geändert; bitte prüfen Sie die Liste.",
                 "The registration changed meanwhile; please check the list."),
    "event_cancelled": ("Die Veranstaltung ist abgesagt.", "The event is cancelled."),
}


def _refused(error: ApiError) -> None:
    if error.status in (404, 403):
        raise error
    if error.code in REFUSALS:
        flash(t(*REFUSALS[error.code]), "error")
    elif error.code.startswith("registration_") and error.code[13:] in STATUS_LABELS:
        flash(t("Diese Anmeldung ist schon: {status}.", "This registration is already: {status}.",
                status=STATUS_LABELS[error.code[13:]]), "error")
    else:
        flash(api_message(error.message) or t("Das ging nicht.", "That did not work."), "error")


@bp.post("/events/<int:event_id>/registrations/<registration_id>/<any(approve, reject, 'check-in'):action>")
@member_required
def decide(event_id: int, registration_id: str, action: str):
    form = ActionForm()
    if not form.validate():
        abort(400)
    reg = _registration(event_id, registration_id)
    try:
        RegistrationsClient().decide(registration_id, action)
        flash(t(*DECISIONS[action], name=reg["name"]), "success")
    except ApiError as error:
        _refused(error)
    return redirect(_back(form, event_id), 303)


@bp.route("/events/<int:event_id>/registrations/<registration_id>/cancel", methods=["GET", "POST"])
@member_required
def cancel(event_id: int, registration_id: str):
    event = own_event(event_id)
    reg = _registration(event_id, registration_id)
    form = CancelForm(back=request.args.get("back", ""))
    if form.validate_on_submit():
        try:
            RegistrationsClient().cancel(registration_id, form.note.data)
            flash(t("Anmeldung von {name} storniert; sie wurde per E-Mail informiert.",
                    "Registration of {name} cancelled; they were told by email.", name=reg["name"]), "success")
            return redirect(_back(form, event_id), 303)
        except ApiError as error:
            if error.status == 422:
                api_errors_to_form(form, error)
            else:
                _refused(error)
                return redirect(_back(form, event_id), 303)
    status = 422 if form.errors else 200
    return render_template("registrations/cancel.html", event=event, reg=reg, form=form,
                           status_labels=STATUS_LABELS), status


@bp.route("/events/<int:event_id>/registrations/<registration_id>/promote", methods=["GET", "POST"])
@member_required
def promote(event_id: int, registration_id: str):
    event = own_event(event_id)
    reg = _registration(event_id, registration_id)
    form = PromoteForm(back=request.args.get("back", ""))
    full = False
    if form.validate_on_submit():
        try:
            answer = RegistrationsClient().promote(registration_id, form.beyond_capacity.data)
            flash(t("{name} ist von der Warteliste nachgerückt ({status}).",
                    "{name} moved up from the waiting list ({status}).", name=reg["name"],
                    status=STATUS_LABELS.get(answer["status"], answer["status"])), "success")
            return redirect(_back(form, event_id), 303)
        except ApiError as error:
            if error.code != "event_full":
                _refused(error)
                return redirect(_back(form, event_id), 303)
            full = True  # ask again, now offering to overbook
    return render_template("registrations/promote.html", event=event, reg=reg, form=form, full=full,
                           status_labels=STATUS_LABELS), 409 if full else 200
