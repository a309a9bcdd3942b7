"""German and English: every text is written as a pair, `t("Veranstaltungen", "Events")`, where
it is used — no catalogue that every area must edit. German first: the default language.

The language is the visitor's choice (`?lang=de|en`, then kept in the session), else the
browser's preference, else German. Form labels and validator messages are built before a
request exists, so they use `L(de, en)`, which picks its language when it is rendered.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import has_request_context, request, session
from markupsafe import escape

LANGUAGES = ("de", "en")


def current_language() -> str:
    if not has_request_context():
        return "de"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "de"


def remember_language() -> None:
    """before_request: `?lang=` on any page switches the language for the rest of the visit."""
    requested = request.args.get("lang")
    if requested in LANGUAGES and session.get("lang") != requested:
        session["lang"] = requested


def t(de: str, en: str, **values) -> str:
    text = de if current_language() == "de" else en
    return text.format(**values) if values else text


class L:
    """A text pair chosen when rendered (WTForms labels, validator messages, flash texts)."""

    __slots__ = ("de", "en")

    def __init__(self, de: str, en: str):
        self.de, self.en = de, en

    def __str__(self) -> str:
        return t(self.de, self.en)

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __mod__(self, values):  # WTForms formats some messages with %
        return str(self) % values

    def format(self, *args, **kwargs) -> str:
        return str(self).format(*args, **kwargs)

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash((self.de, self.en))


def when(value: str | datetime | None, tz: str = "Europe/Berlin") -> str:
    """A time from the API (ISO 8601 with offset) in the event's time zone and the page language."""
    if not value:
        return ""
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    zone = ZoneInfo(tz or "Europe/Berlin")
    lang = current_language()
    pattern = "EEE d. MMM y, HH:mm" if lang == "de" else "EEE d MMM y, HH:mm"
    return format_datetime(dt.astimezone(zone), pattern, tzinfo=zone, locale=lang) + (" Uhr" if lang == "de" else "")
