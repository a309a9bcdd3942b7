"""Between the editor's EventForm and the events API's JSON: the stored event as form data,
the form as the body of POST/PATCH /api/v1/events, and the API's per-field errors (and the
import's per-field snippets) placed at the form fields they name.

The body always carries every field and every list whole, so a PATCH replaces what the form
shows (the API merges objects, replaces lists). Blank rows and rows marked "remove" are not
sent; `Rows` remembers which form row each sent item came from, so an API error about
`sessions.2` lands on the row the organizer sees third-but-one-removed, not on a neighbour."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from types import SimpleNamespace
from datetime import datetime
from decimal import Decimal

from wtforms import FieldList, FormField

from ..i18n import L, current_language
from . import api_errors_to_form, api_message

# API names that the form spells differently
ALIASES = {"price.amount_cents": "price.amount", "series_id": "series.choice", "series_position": "series.position"}
# the import reports a fee as a whole; its note belongs at the amount
NOTE_ALIASES = {"price": "price.amount", "price.amount_cents": "price.amount"}


@dataclass
class Rows:
    """For each list (by API path), the form row index of every item sent, in order."""
    sent: dict[str, list[int]] = field(default_factory=dict)

    def form_index(self, path: str, api_index: int) -> int | None:
        indices = self.sent.get(path)
        if indices is None:
            return api_index
        return indices[api_index] if 0 <= api_index < len(indices) else None


# ---- stored event → form data ---------------------------------------------------------------
def _wall_clock(value: str | None) -> datetime | None:
    """API times carry the event zone's offset; the editor shows them as that zone's wall clock."""
    return datetime.fromisoformat(value).replace(tzinfo=None) if value else None


def amount_text(cents: int | None) -> str:
    if not cents:
        return "0"
    if cents % 100 == 0:
        return str(cents // 100)
    text = f"{cents / 100:.2f}"
    return text.replace(".", ",") if current_language() == "de" else text


def form_data(event: dict) -> dict:
    """EventForm(data=...) for a stored event (the API's representation)."""
    venue = event.get("venue") or {}
    price = event.get("price") or {}
    policy = event.get("registration") or {}
    series = event.get("series") or {}
    return {
        "title": event.get("title"), "summary": event.get("summary"), "description": event.get("description"),
        "audience": event.get("audience"), "tags": ", ".join(event.get("tags") or []),
        "language": event.get("language") or "de", "timezone": event.get("timezone") or "Europe/Berlin",
        "starts_at": _wall_clock(event.get("starts_at")), "ends_at": _wall_clock(event.get("ends_at")),
        "format": event.get("format") or "in_person",
        "venue": {k: venue.get(k) for k in ("name", "street", "postal_code", "city")},
        "online_url": event.get("online_url"),
        "price": {"amount": amount_text(price.get("amount_cents")), "currency": price.get("currency") or "EUR",
                  "note": price.get("note")},
        "contacts": [dict(c) for c in event.get("contacts") or []],
        "series": {"choice": str(series["id"]) if series.get("id") else "", "position": series.get("position")},
        "sessions": [{**s, "id": str(s["id"]) if s.get("id") else "", "starts_at": _wall_clock(s.get("starts_at")),
                      "ends_at": _wall_clock(s.get("ends_at"))} for s in event.get("sessions") or []],
        "agenda": [{**a, "starts_at": _wall_clock(a.get("starts_at")), "ends_at": _wall_clock(a.get("ends_at")),
                    "speakers": "\n".join(a.get("speakers") or [])} for a in event.get("agenda") or []],
        "reminder_hours_before": event.get("reminder_hours_before", 24),
        "contact_notifications": event.get("contact_notifications") or "each",
        "registration": {
            "mode": policy.get("mode") or "required", "opens_at": _wall_clock(policy.get("opens_at")),
            "closes_at": _wall_clock(policy.get("closes_at")), "capacity": policy.get("capacity"),
            "waitlist": policy.get("waitlist", True), "approval": policy.get("approval", False),
            "max_companions": policy.get("max_companions", 0),
            "questions": [{**q, "options": "\n".join(q.get("options") or [])} for q in policy.get("questions") or []],
        },
    }


# ---- form → API body -----------------------------------------------------------------------
def _text(value) -> str | None:
    # browsers send textarea lines ending in CRLF; stored as they come, an unchanged description
    # would count as changed in the history at every save
    if isinstance(value, str) or value is None:
        value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return value or None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def cents_of(amount: str | None) -> int:
    cleaned = re.sub(r"\s|€|EUR", "", amount or "").replace(",", ".")
    return int(Decimal(cleaned or "0") * 100)


def _blank(row, names) -> bool:
    return all(not (row[name].data.strip() if isinstance(row[name].data, str) else row[name].data)
               for name in names)


def _kept(rows: FieldList, names) -> list[tuple[int, object]]:
    """(form index, subform) of the rows to send: not blank, not marked for removal."""
    return [(i, entry.form) for i, entry in enumerate(rows.entries)
            if not entry.form.remove.data and not _blank(entry.form, names)]


def question_key(label: str, taken: set[str]) -> str:
    """A stable key for a question from its label ("Amt / Dienststelle" → "amt_dienststelle")."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", ascii_label).strip("_")[:36] or "frage"
    if not key[0].isalpha():
        key = "q_" + key
    unique, n = key, 2
    while unique in taken:
        unique, n = f"{key}_{n}", n + 1
    return unique


def body(form) -> tuple[dict, Rows]:
    """The POST/PATCH body for the form's data, and which form row each list item came from."""
    rows = Rows()
    venue = form.venue.form
    venue_given = any(_text(f.data) for f in (venue.name, venue.street, venue.postal_code, venue.city))
    contacts = _kept(form.contacts, ("name", "role", "email", "phone"))
    sessions = _kept(form.sessions, ("title", "starts_at", "ends_at", "capacity"))
    agenda = _kept(form.agenda, ("starts_at", "ends_at", "title", "speakers", "description"))
    policy = form.registration.form
    questions = _kept(policy.questions, ("label", "options"))
    rows.sent = {"contacts": [i for i, _ in contacts], "sessions": [i for i, _ in sessions],
                 "agenda": [i for i, _ in agenda], "registration.questions": [i for i, _ in questions]}
    keys: set[str] = {q.key.data for _, q in questions if q.key.data}
    for _, q in questions:
        if not q.key.data:
            q.key.data = question_key(q.label.data or "", keys)
            keys.add(q.key.data)
    data = {
        "title": (form.title.data or "").strip(), "summary": _text(form.summary.data),
        "description": _text(form.description.data), "audience": _text(form.audience.data),
        "tags": [tag.strip() for tag in (form.tags.data or "").split(",") if tag.strip()],
        "language": form.language.data,
        "timezone": (form.timezone.data or "").strip() or "Europe/Berlin",
        "starts_at": _iso(form.starts_at.data), "ends_at": _iso(form.ends_at.data), "format": form.format.data,
        "venue": ({"name": (venue.name.data or "").strip(), "street": _text(venue.street.data),
                   "postal_code": _text(venue.postal_code.data), "city": _text(venue.city.data)}
                  if venue_given else None),
        "online_url": _text(form.online_url.data),
        "price": {"amount_cents": cents_of(form.price.form.amount.data), "currency": form.price.form.currency.data
                  or "EUR", "note": _text(form.price.form.note.data)},
        "contacts": [{"name": (c.name.data or "").strip(), "role": _text(c.role.data), "email": _text(c.email.data),
                      "phone": _text(c.phone.data)} for _, c in contacts],
        "sessions": [{**({"id": int(s.id.data)} if (s.id.data or "").isdigit() else {}),
                      "title": (s.title.data or "").strip(), "starts_at": _iso(s.starts_at.data),
                      "ends_at": _iso(s.ends_at.data), "capacity": s.capacity.data,
                      "registration": s.registration.data} for _, s in sessions],
        "agenda": [{"starts_at": _iso(a.starts_at.data), "ends_at": _iso(a.ends_at.data),
                    "title": (a.title.data or "").strip(), "description": _text(a.description.data),
                    "speakers": _lines(a.speakers.data)} for _, a in agenda],
        "reminder_hours_before": 24 if form.reminder_hours_before.data is None else form.reminder_hours_before.data,
        "contact_notifications": form.contact_notifications.data,
        "registration": {
            "mode": policy.mode.data, "opens_at": _iso(policy.opens_at.data), "closes_at": _iso(policy.closes_at.data),
            "capacity": policy.capacity.data, "waitlist": bool(policy.waitlist.data),
            "approval": bool(policy.approval.data), "max_companions": policy.max_companions.data or 0,
            "questions": [{"key": q.key.data, "label": (q.label.data or "").strip(), "type": q.type.data,
                           "required": bool(q.required.data), "options": _lines(q.options.data)}
                          for _, q in questions],
        },
    }
    return data, rows


# ---- API errors and import notes → form fields ---------------------------------------------
def _nest(flat: dict) -> dict:
    """{"venue.name": x} → {"venue": {"name": x}}; already nested trees pass through."""
    tree: dict = {}
    for key, value in (flat or {}).items():
        parts = str(key).split(".")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


def _form_paths(tree: dict, rows: Rows, path: str = "") -> dict:
    """The API's error tree in the form's terms: renamed fields, list indices of the form rows."""
    out: dict = {}
    for key, value in tree.items():
        api_path = f"{path}{key}"
        renamed = ALIASES.get(api_path, api_path)
        if isinstance(value, dict) and api_path in rows.sent and all(str(k).isdigit() for k in value):
            value = {str(rows.form_index(api_path, int(k))): (_form_paths(v, rows, f"{api_path}.{k}.")
                                                             if isinstance(v, dict) else v)
                     for k, v in value.items() if rows.form_index(api_path, int(k)) is not None}
        elif isinstance(value, dict):
            value = _form_paths(value, rows, api_path + ".")
        node = out
        parts = renamed[len(path):].split(".") if renamed.startswith(path) else renamed.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def _container(form, dotted: str):
    field = form
    for part in dotted.split("."):
        if isinstance(field, FieldList):
            field = field.entries[int(part)] if part.isdigit() and int(part) < len(field.entries) else None
        else:
            fields = field.form if isinstance(field, FormField) else field
            field = fields[part] if part in fields else None
        if field is None:
            return None
    return field


def _take_group_errors(form, tree: dict, path: str = "") -> dict:
    """Errors about a whole group ("An in_person event needs a venue.", "Question keys must be
    unique.") are taken out of the tree: the page shows them at the group's fieldset."""
    groups: dict = {}
    for key in list(tree):
        dotted = f"{path}{key}"
        target = _container(form, dotted)
        if isinstance(target, (FormField, FieldList)):
            if isinstance(tree[key], dict):
                groups.update(_take_group_errors(form, tree[key], dotted + "."))
            else:
                groups[dotted] = [api_message(m) for m in tree.pop(key)]
    return groups


def put_api_errors(form, error, rows: Rows) -> None:
    """The ApiError's field errors onto the form: each at its field, a group's at its fieldset
    (and in the summary at the top), the rest in the summary."""
    tree = _form_paths(_nest(error.errors), rows)
    form.group_errors = _take_group_errors(form, tree)
    api_errors_to_form(form, SimpleNamespace(errors=tree, message=error.message if not form.group_errors else ""))
    form.form_errors = list(form.form_errors) + [m for messages in form.group_errors.values() for m in messages]


def _is_note(value) -> bool:
    return isinstance(value, dict) and ("snippet" in value or "value" in value)


def _notes_tree(tree: dict, path: str = "") -> dict:
    """{dotted API path: note} of an import answer (nested or dotted keys)."""
    flat: dict = {}
    for key, value in tree.items():
        dotted = f"{path}{key}"
        if isinstance(value, dict) and not _is_note(value):
            flat.update(_notes_tree(value, dotted + "."))
        else:
            flat[dotted] = value if isinstance(value, dict) else {"value": value}
    return flat


GROUP_LABELS = {"venue": L("Ort", "Venue"), "price": L("Teilnahmegebühr", "Fee"), "contacts": L("Kontakt", "Contacts"),
                "series": L("Reihe", "Series"), "sessions": L("Termine", "Sessions"), "agenda": L("Programm", "Agenda"),
                "registration": L("Anmeldung", "Registration"),
                "registration.questions": L("Zusätzliche Fragen", "Extra questions")}


def _place(form, api_path: str) -> tuple[str, str] | None:
    """(field id or group path, its label) of the form field an import note belongs to."""
    dotted = NOTE_ALIASES.get(api_path) or ALIASES.get(api_path, api_path)
    target = _container(form, dotted)
    if target is None:
        dotted = dotted.split(".")[0]  # "contacts.0.email" of a row not shown: its group
        target = _container(form, dotted)
    if isinstance(target, (FormField, FieldList)):
        return dotted, str(GROUP_LABELS.get(dotted, dotted))
    return (target.id, str(target.label.text)) if target is not None else None


def import_notes(form, imported: dict, missing: list) -> tuple[dict, dict, list[str]]:
    """Where the import's snippets and its missing fields go on the page: ({field id or group
    path: note}, {field id or group path: label} of the missing ones, [missing names that match
    no field, for the summary])."""
    notes: dict = {}
    for api_path, note in _notes_tree(imported or {}).items():
        place = _place(form, api_path)
        if place:
            notes[place[0]] = note
    gaps: dict = {}
    unplaced: list[str] = []
    for name in missing or []:
        place = _place(form, str(name))
        if place:
            gaps[place[0]] = place[1]
        else:
            unplaced.append(str(name))
    return notes, gaps, unplaced


def field_label(form, api_name: str) -> str:
    """A field's name for people ("registration" → "Anmeldung"), for the history of changes."""
    place = _place(form, api_name)
    return place[1] if place else api_name
