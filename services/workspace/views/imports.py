"""Import an announcement: pasted text or an uploaded file becomes a draft event (through
POST /api/v1/events/import), which opens in the editor with each imported field's snippet."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ..auth import member_required
from ..clients.base import ApiError
from ..clients.events_editor import EventEditorClient
from ..forms import api_errors_to_form
from ..forms.imports import MAX_UPLOAD_BYTES, ImportForm
from ..i18n import t

bp = Blueprint("imports", __name__)


def _decode(data: bytes) -> str | None:
    """The file's text, or None for a binary file (a PDF, an image)."""
    if b"\x00" in data[:8192]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _kind(filename: str, text: str) -> str:
    """Which of the API's inputs the announcement is: by the file's extension, else by its start."""
    name = (filename or "").lower()
    if name.endswith(".ics") or text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return "ics"
    if name.endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


def _announcement(form: ImportForm) -> dict | None:
    """The API body from the form, or None with the field's error set."""
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            form.upload.errors.append(t("Die Datei ist größer als 1 MB.", "The file is larger than 1 MB."))
            return None
        text = _decode(data)
        if text is None:
            form.upload.errors.append(t("Die Datei enthält keinen lesbaren Text.", "The file holds no readable text."))
            return None
        filename = upload.filename
    else:
        text, filename = form.text.data or "", ""
    if not text.strip():
        form.text.errors.append(t("Bitte fügen Sie den Text ein oder wählen Sie eine Datei.",
                                  "Please paste the text or choose a file."))
        return None
    body = {_kind(filename, text): text}
    if form.as_of.data:
        body["as_of"] = form.as_of.data.isoformat()
    return body


@bp.route("/import", methods=["GET", "POST"])
@member_required
def new():
    form = ImportForm()
    if form.validate_on_submit():
        announcement = _announcement(form)
        if announcement is not None:
            try:
                draft = EventEditorClient().import_announcement(announcement)
            except ApiError as error:
                if error.status not in (413, 422):
                    raise
                # the API names its input (text, html, ics); the page, where it came from
                source = "upload" if form.upload.data and getattr(form.upload.data, "filename", "") else "text"
                api_errors_to_form(form, error, {next(iter(announcement)): source, "as_of": "as_of"})
            else:
                flash(t("Entwurf aus der Ankündigung erstellt. Bitte prüfen und ergänzen Sie die markierten Angaben.",
                        "Draft created from the announcement. Please check and complete the marked fields."),
                      "success")
                return redirect(url_for("events.edit", event_id=draft["id"]))
    status = 422 if form.is_submitted() else 200
    return render_template("imports/new.html", form=form), status
