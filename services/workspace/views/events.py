"""The event editor: new and existing events with the whole domain, then publish, cancel,
duplicate and the event's history.

Nothing is half-saved: the form is checked here for what the browser could not send, then
the events API judges the whole event in one call; its field errors come back onto the form
with everything typed kept. A new series is created only after the event itself was saved."""
from __future__ import annotations

from zoneinfo import available_timezones

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..auth import current_organizer, member_required
from ..clients.base import ApiError
from ..clients.events_editor import EventEditorClient, public_event_url
from ..forms.event_payload import body, field_label, form_data, import_notes, put_api_errors
from ..forms.events import CancelForm, DuplicateForm, EventForm, PublishForm, choice
from ..i18n import t

bp = Blueprint("events", __name__)

ZONES = sorted(z for z in available_timezones() if z.startswith("Europe/")) + ["UTC"]
ACTIONS = {"created": ("angelegt", "created"), "updated": ("geändert", "changed"),
           "published": ("veröffentlicht", "published"), "cancelled": ("abgesagt", "cancelled"),
           "duplicated": ("kopiert", "duplicated"), "imported": ("importiert", "imported")}


def _series_choices(series: list[dict]) -> list:
    choices = [choice("", t("– keine Reihe –", "– no series –"))]
    for s in series:
        parts = f" ({s['planned_parts']} {t('Teile', 'parts')})" if s.get("planned_parts") else ""
        choices.append(choice(str(s["id"]), s["title"] + parts))
    choices.append(choice("new", t("Neue Reihe anlegen …", "Create a new series …")))
    return choices


def _own_event(client: EventEditorClient, event_id: int) -> dict:
    """The member's organizer's event; the API answers 404 for anyone else's, and so do we.

    A public GET shows published events of every organizer, so the organizer is compared too."""
    event = client.event(event_id)
    organizer = (event.get("organizer") or {}).get("id")
    if organizer != (current_organizer() or {}).get("id"):
        abort(404)
    return event


def _check_series_input(form) -> bool:
    series = form.series.form
    if series.choice.data == "new" and not (series.new_title.data or "").strip():
        series.new_title.errors = list(series.new_title.errors) + [
            t("Bitte einen Titel für die neue Reihe angeben.", "Please give a title for the new series.")]
        return False
    return True


def _series_fields(form) -> dict:
    choice = form.series.form.choice.data or ""
    return {"series_id": int(choice) if choice.isdigit() else None,
            "series_position": form.series.form.position.data}


def _changes(event: dict, data: dict) -> dict:
    """The top-level fields of `data` that differ from the stored event, both read through the
    same form so that formatting alone is no change (lists and objects go whole: a PATCH
    replaces them)."""
    stored_form = EventForm(formdata=None, data=form_data(event))
    stored, _ = body(stored_form)
    stored.update(_series_fields(stored_form))
    return {key: value for key, value in data.items() if stored.get(key) != value}


def _save(client: EventEditorClient, form, event: dict | None) -> dict:
    """Send the form to the API: create or replace the event, then a new series if asked."""
    data, rows = body(form)
    data.update(_series_fields(form))
    if event:
        # only what changed: the event's history then names the fields the member touched
        data = _changes(event, data)
    try:
        if not event:
            saved = client.create_event(data)
        else:
            saved = client.update_event(event["id"], data) if data else event
    except ApiError as error:
        if error.status != 422:
            raise
        put_api_errors(form, error, rows)
        return {}
    series = form.series.form
    if series.choice.data == "new":
        created = client.create_series(series.new_title.data.strip(), series.new_planned_parts.data)
        saved = client.update_event(saved["id"], {"series_id": created["id"],
                                                  "series_position": series.position.data})
    return saved


def _render(form, event: dict | None, status: int = 200, autofocus_id: str | None = None):
    notes, gaps, unplaced = import_notes(form, (event or {}).get("import") or {}, (event or {}).get("missing") or [])
    context = {
        "form": form, "event": event, "zones": ZONES, "notes": notes, "gaps": gaps, "unplaced_gaps": unplaced,
        "group_errors": getattr(form, "group_errors", {}), "autofocus_id": autofocus_id,
        "publish_form": PublishForm(), "duplicate_form": DuplicateForm(),
        "public_url": public_event_url(event["id"]) if event and event.get("status") != "draft" else None,
    }
    return render_template("events/edit.html", **context), status


def _editor(event: dict | None):
    client = EventEditorClient()
    form = EventForm() if request.method == "POST" else EventForm(data=form_data(event) if event else None)
    form.series.form.choice.choices = _series_choices(client.my_series())
    if request.method == "POST":
        if event and event.get("status") == "cancelled":
            abort(409)
        grown = form.grow_requested()
        if grown is not None:
            # "add another": the same form back with one more empty row, nothing saved
            if grown.max_entries is None or len(grown.entries) < grown.max_entries:
                row = grown.append_entry()
                # the new row takes the focus (and the view) without any script
                return _render(form, event, autofocus_id=next(f.id for f in row.form if f.type != "HiddenField"))
            flash(t("Mehr Zeilen sind hier nicht möglich.", "No more rows are possible here."), "error")
            return _render(form, event)
        if form.validate() and _check_series_input(form):
            saved = _save(client, form, event)
            if saved:
                flash(t("Gespeichert.", "Saved."), "success")
                return redirect(url_for("events.edit", event_id=saved["id"]))
        form.ensure_one_row()
        return _render(form, event, 422)
    form.ensure_one_row()
    return _render(form, event)


@bp.route("/events/new", methods=["GET", "POST"])
@member_required
def new():
    return _editor(None)


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@member_required
def edit(event_id: int):
    return _editor(_own_event(EventEditorClient(), event_id))


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
@member_required
def publish(event_id: int):
    client = EventEditorClient()
    _own_event(client, event_id)
    if PublishForm().validate_on_submit():
        client.publish_event(event_id)
        flash(t("Die Veranstaltung ist veröffentlicht.", "The event is published."), "success")
    return redirect(url_for("events.edit", event_id=event_id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@member_required
def cancel(event_id: int):
    client = EventEditorClient()
    event = _own_event(client, event_id)
    form = CancelForm()
    if event.get("status") != "cancelled" and form.validate_on_submit():
        client.cancel_event(event_id, (form.reason.data or "").strip() or None)
        flash(t("Die Veranstaltung ist abgesagt; die Angemeldeten werden benachrichtigt.",
                "The event is cancelled; the registrants are told."), "success")
        return redirect(url_for("events.edit", event_id=event_id))
    status = 422 if request.method == "POST" else 200
    return render_template("events/cancel.html", form=form, event=event), status


@bp.route("/events/<int:event_id>/duplicate", methods=["POST"])
@member_required
def duplicate(event_id: int):
    client = EventEditorClient()
    _own_event(client, event_id)
    form = DuplicateForm()
    if not form.validate_on_submit():
        return redirect(url_for("events.edit", event_id=event_id))
    try:
        copy = client.duplicate_event(event_id, next_part=bool(form.next_part.data))
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        flash(t("Nur eine Veranstaltung einer Reihe hat einen nächsten Teil.",
                "Only an event of a series has a next part.") if error.code == "not_in_series" else error.message,
              "error")
        return redirect(url_for("events.edit", event_id=event_id))
    flash(t("Kopie angelegt (Entwurf). Bitte Daten prüfen.", "Copy created as a draft. Please check its details."),
          "success")
    return redirect(url_for("events.edit", event_id=copy["id"]))


@bp.route("/events/<int:event_id>/history")
@member_required
def history(event_id: int):
    client = EventEditorClient()
    event = _own_event(client, event_id)
    entries = client.event_history(event_id)
    labels = EventForm(formdata=None)
    return render_template("events/history.html", event=event, entries=entries,
                           action_name=lambda a: t(*ACTIONS.get(a, (a, a))),
                           field_name=lambda name: field_label(labels, name))
