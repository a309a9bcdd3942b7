"""Forms of the workspace (Flask-WTF, one module per area) and their shared helpers.

`api_errors_to_form` puts the field errors a service answered (422 `{"errors": {field: [...]}}`,
nested for nested fields) next to the form fields they belong to, so a page shows the API's
verdict exactly where the person typed."""
from __future__ import annotations

from collections.abc import Mapping

from wtforms import Field, FieldList, Form, FormField

from ..i18n import t

# the services answer in English; the common messages in German
GERMAN = {
    "Missing data for required field.": "Bitte ausfüllen.",
    "Field may not be null.": "Bitte ausfüllen.",
    "Not a valid email address.": "Bitte geben Sie eine gültige E-Mail-Adresse an.",
    "Not a valid integer.": "Bitte eine ganze Zahl angeben.",
    "Not a valid datetime.": "Bitte ein gültiges Datum mit Uhrzeit angeben.",
    "Not a valid URL.": "Bitte eine gültige Adresse (URL) angeben.",
    "Must be greater than or equal to 0.": "Bitte eine Zahl ab 0 angeben.",
    # the events API's judgement of an event (services/events/schemas.py)
    "Not a postal code.": "Das ist keine Postleitzahl.",
    "Not a phone number.": "Das ist keine Telefonnummer.",
    "Unknown time zone; use an IANA name such as Europe/Berlin.":
        "Unbekannte Zeitzone; bitte einen Namen wie Europe/Berlin angeben.",
    "The event cannot end before it starts.": "Die Veranstaltung kann nicht vor ihrem Beginn enden.",
    "An in_person event needs a venue.": "Eine Veranstaltung vor Ort braucht einen Ort.",
    "An hybrid event needs a venue.": "Eine hybride Veranstaltung braucht einen Ort.",
    "The registration deadline cannot be after the event's end.":
        "Der Anmeldeschluss kann nicht nach dem Ende der Veranstaltung liegen.",
    "Registration must open before it closes.": "Die Anmeldung muss vor dem Anmeldeschluss öffnen.",
    "Registration cannot open after the event's end.": "Die Anmeldung kann nicht nach dem Ende öffnen.",
    "Question keys must be unique.": "Jede Frage braucht einen eigenen Schlüssel.",
    "A choice question needs at least two options.": "Eine Auswahlfrage braucht mindestens zwei Möglichkeiten.",
    "The session cannot end before it starts.": "Der Termin kann nicht vor seinem Beginn enden.",
    "The session lies outside the event's start and end.": "Der Termin liegt außerhalb von Beginn und Ende.",
    "The agenda item lies outside the event's start and end.":
        "Der Programmpunkt liegt außerhalb von Beginn und Ende.",
    "The agenda item cannot end before it starts.": "Der Programmpunkt kann nicht vor seinem Beginn enden.",
    "Unknown series.": "Unbekannte Reihe.",
}


def api_message(message) -> str:
    text = str(message)
    return t(GERMAN.get(text, text), text)


def _messages(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for item in value:
            out.extend(_messages(item))
        return out
    if isinstance(value, Mapping):
        out = []
        for item in value.values():
            out.extend(_messages(item))
        return out
    return [api_message(value)]


def _append(field: Field, messages: list[str]) -> None:
    # WTForms gives a field a tuple of errors until it is validated; make it a list we can add to
    if not isinstance(field.errors, list):
        field.errors = list(field.errors or [])
    field.errors.extend(messages)


def _child(container, key: str):
    """The field `key` of a form (or a FormField's form), or entry `key` of a FieldList."""
    if container is None:
        return None
    if isinstance(container, FieldList):
        try:
            return container.entries[int(key)]
        except (ValueError, IndexError):
            return None
    if isinstance(container, FormField):
        container = container.form
    return container[key] if key in container else None


def _place(form: Form, container, errors: Mapping, path: str, field_map: Mapping[str, str],
           unplaced: list[str]) -> None:
    for key, value in errors.items():
        dotted = f"{path}{key}"
        if dotted in field_map and field_map[dotted] in form:
            _append(form[field_map[dotted]], _messages(value))
            continue
        field = _child(container, str(key))
        if isinstance(value, Mapping) and (field is None or isinstance(field, (FormField, FieldList))):
            _place(form, field, value, dotted + ".", field_map, unplaced)
        elif field is None or isinstance(field, (FormField, FieldList)):
            unplaced.extend(_messages(value))
        else:
            _append(field, _messages(value))


def api_errors_to_form(form: Form, error, field_map: Mapping[str, str] | None = None) -> Form:
    """Put `error.errors` (an ApiError's field errors) onto the form's fields.

    Nested API errors find FormField / FieldList entries (`{"venue": {"city": [...]}}` →
    `form.venue.city`, `{"sessions": {"0": {"title": [...]}}}` → `form.sessions[0].title`).
    `field_map` names the form field for an API path where the form is flatter than the API
    (`{"venue.city": "venue_city"}`). Whatever matches no field, and the message of an error
    without field errors, goes to `form.form_errors`, which the error summary shows."""
    unplaced: list[str] = []
    _place(form, form, error.errors or {}, "", field_map or {}, unplaced)
    if not error.errors and error.message:
        unplaced.append(api_message(error.message))
    form.form_errors = list(getattr(form, "form_errors", None) or []) + unplaced
    form._errors = None  # WTForms caches form.errors; it must see the added ones
    return form


def form_error_items(form: Form) -> list[tuple[str | None, str, str]]:
    """(field id, label text, message) of every error, nested fields included: the error
    summary at the top of a form links each to its field. Errors of the whole form (id None)
    come first."""
    items: list[tuple[str | None, str, str]] = [(None, "", str(m)) for m in getattr(form, "form_errors", None) or ()]

    def walk(fields) -> None:
        for field in fields:
            if isinstance(field, FormField):
                walk(field.form)
            elif isinstance(field, FieldList):
                walk(field.entries)
            elif field.type not in ("CSRFTokenField", "HiddenField"):
                for message in field.errors or ():
                    items.append((field.id, str(field.label.text), str(message)))
    walk(form)
    return items
