"""Mails rendered from Jinja templates (German and English), dates in the event's own zone.

Each kind has one plain-text template (`mail/<lang>/<kind>.txt`); the HTML part is the same
text laid out by `mail/<lang>/layout.html`, so both parts always say the same thing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency
from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape
from markupsafe import Markup, escape

from .safety import clean_text

LANGUAGES = ("de", "en")
TEMPLATES = Path(__file__).parent / "templates" / "mail"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    # a payload without some optional part must still give a mail, never a crashed task
    undefined=Undefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def pick_language(*candidates: str | None) -> str:
    for value in candidates:
        if value:
            short = value.replace("_", "-").split("-")[0].lower()
            if short in LANGUAGES:
                return short
    return "de"


# ---- formatting ----------------------------------------------------------------------------
def _parse(value: str | None, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(tz)


def when(starts_at: str, ends_at: str | None, tz_name: str, lang: str) -> str:
    """"Freitag, 29. Oktober 2021, 18:00–20:30 Uhr" / "Friday, October 29, 2021, 6:00 PM – 8:30 PM"."""
    tz = ZoneInfo(tz_name or "Europe/Berlin")
    start = _parse(starts_at, tz)
    end = _parse(ends_at, tz)
    day = format_date(start, format="full", locale=lang)
    t0 = format_time(start, format="short", locale=lang)
    if end is None:
        return f"{day}, {t0} Uhr" if lang == "de" else f"{day}, {t0}"
    t1 = format_time(end, format="short", locale=lang)
    if end.date() == start.date():
        return f"{day}, {t0}–{t1} Uhr" if lang == "de" else f"{day}, {t0} – {t1}"
    end_day = format_date(end, format="full", locale=lang)
    if lang == "de":
        return f"{day}, {t0} Uhr bis {end_day}, {t1} Uhr"
    return f"{day}, {t0} – {end_day}, {t1}"


def short_date(starts_at: str, tz_name: str, lang: str) -> str:
    tz = ZoneInfo(tz_name or "Europe/Berlin")
    return format_date(_parse(starts_at, tz), format="long", locale=lang)


def money(price: dict | None, lang: str) -> str:
    price = price or {}
    cents = price.get("amount_cents") or 0
    if not cents:
        return "kostenfrei" if lang == "de" else "free of charge"
    amount = format_currency(cents / 100, price.get("currency") or "EUR", locale=lang)
    note = price.get("note")
    return f"{note}: {amount}" if note else amount


def place(event: dict, lang: str) -> str:
    venue = event.get("venue") or {}
    parts = [venue.get("name"), venue.get("street"),
             " ".join(p for p in (venue.get("postal_code"), venue.get("city")) if p)]
    here = ", ".join(p for p in parts if p)
    online = event.get("online_url")
    if event.get("format") == "online":
        if online:
            return f"Online: {online}"
        return ("Online – den Zugangslink erhalten Sie rechtzeitig vor Beginn" if lang == "de"
                else "Online – you will receive the access link before the start")
    if event.get("format") == "hybrid" and online:
        return f"{here} {'oder' if lang == 'de' else 'or'} online: {online}" if here else f"Online: {online}"
    return here or ("wird noch bekannt gegeben" if lang == "de" else "to be announced")


def contact_line(contact: dict) -> str:
    name = contact.get("name") or ""
    role = contact.get("role")
    head = f"{name} ({role})" if role else name
    return ", ".join(p for p in (head, contact.get("email"), contact.get("phone")) if p)


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    lang: str
    extra: dict = field(default_factory=dict)


SUBJECTS = {
    "de": {
        "registration.confirm_email": "Bitte bestätigen Sie Ihre Anmeldung: {title}",
        "registration.confirmed": "Anmeldebestätigung: {title}",
        "registration.waitlisted": "Sie stehen auf der Warteliste: {title}",
        "registration.promoted": "Ein Platz ist frei – Sie sind angemeldet: {title}",
        "registration.pending_approval": "Ihre Anmeldung wird geprüft: {title}",
        "registration.cancelled": "Ihre Anmeldung wurde storniert: {title}",
        "registration.rejected": "Ihre Anmeldung wurde abgelehnt: {title}",
        "registration.cancelled_by_organizer": "Der Veranstalter hat Ihre Anmeldung storniert: {title}",
        "registration.expired": "Ihre unbestätigte Anmeldung ist verfallen: {title}",
        "event_change.changed": "Geänderte Veranstaltung: {title}",
        "event_change.cancelled": "Abgesagt: {title}",
        "reminder": "Erinnerung: {title} am {date}",
        "contact.new_registration": "Neue Anmeldung: {title} ({name})",
        "contact.cancellation": "Abmeldung: {title} ({name})",
        "contact.nearly_full": "Fast ausgebucht: {title}",
        "contact.full": "Ausgebucht: {title}",
        "digest": "Tagesübersicht der Anmeldungen: {title}",
        "member.sign_in_link": "Ihr Anmeldelink für den Arbeitsbereich: {title}",
    },
    "en": {
        "registration.confirm_email": "Please confirm your registration: {title}",
        "registration.confirmed": "You are registered: {title}",
        "registration.waitlisted": "You are on the waiting list: {title}",
        "registration.promoted": "A seat is free – you are registered: {title}",
        "registration.pending_approval": "Your registration is being reviewed: {title}",
        "registration.cancelled": "Your registration was cancelled: {title}",
        "registration.rejected": "Your registration was declined: {title}",
        "registration.cancelled_by_organizer": "The organizer cancelled your registration: {title}",
        "registration.expired": "Your unconfirmed registration expired: {title}",
        "event_change.changed": "Event changed: {title}",
        "event_change.cancelled": "Cancelled: {title}",
        "reminder": "Reminder: {title} on {date}",
        "contact.new_registration": "New registration: {title} ({name})",
        "contact.cancellation": "Cancellation: {title} ({name})",
        "contact.nearly_full": "Nearly full: {title}",
        "contact.full": "Fully booked: {title}",
        "digest": "Daily summary of registrations: {title}",
        "member.sign_in_link": "Your sign-in link for the workspace: {title}",
    },
}

# the button of the HTML part: which link a kind asks the reader to follow
ACTION = {
    "registration.confirm_email": ("confirm", {"de": "Anmeldung bestätigen", "en": "Confirm registration"}),
    "member.sign_in_link": ("sign_in", {"de": "Jetzt anmelden", "en": "Sign in now"}),
}

_URL = re.compile(r"(https?://[^\s<>\"]+)")


def _html_paragraphs(text: str) -> Markup:
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        html = str(escape(block))
        html = _URL.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', html)
        out.append("<p>" + html.replace("\n", "<br>\n") + "</p>")
    return Markup("\n".join(out))


def event_facts(event: dict, lang: str, session_ids=None) -> dict:
    tz = event.get("timezone") or "Europe/Berlin"
    sessions = [s for s in event.get("sessions") or [] if not session_ids or s["id"] in set(session_ids)]
    return {
        "title": clean_text(event.get("title") or ""),
        "when": when(event["starts_at"], event.get("ends_at"), tz, lang),
        "sessions": [{"title": s["title"], "when": when(s["starts_at"], s.get("ends_at"), tz, lang)}
                     for s in sessions] if len(event.get("sessions") or []) > 1 or session_ids else [],
        "place": place(event, lang),
        "fee": money(event.get("price"), lang),
        "contacts": [contact_line(c) for c in event.get("contacts") or []],
        "organizer": (event.get("organizer") or {}).get("name") or "",
        "timezone": tz,
        "status": event.get("status"),
        "cancellation_reason": event.get("cancellation_reason"),
    }


def render(kind: str, lang: str, context: dict, *, subject: str | None = None) -> Rendered:
    """kind: "registration.confirmed", "contact.full", "reminder", "digest", "bulk", …"""
    lang = pick_language(lang)
    template = kind.split(".")[0]
    ctx = {"kind": kind, "sub": kind.split(".", 1)[-1], "lang": lang, **context}
    text = _env.get_template(f"{lang}/{template}.txt").render(ctx).strip() + "\n"
    if subject is None:
        event = context.get("event") or {}
        subject = SUBJECTS[lang][kind].format(title=event.get("title", ""), name=context.get("registrant_name", ""),
                                              date=event.get("short_date", ""))
    subject = clean_text(subject)
    action = None
    if kind in ACTION:
        link_name, labels = ACTION[kind]
        url = (context.get("links") or {}).get(link_name)
        if url:
            action = {"url": url, "label": labels[lang]}
    html = _env.get_template(f"{lang}/layout.html").render(
        subject=subject, body=_html_paragraphs(text), action=action, lang=lang)
    return Rendered(subject=subject, text=text, html=html, lang=lang)
