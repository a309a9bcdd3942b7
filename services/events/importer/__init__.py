"""Importing an announcement: a pasted text, a saved web page or an iCalendar file becomes a
draft event, with the snippet each field came from (see draft.Draft).

    import_announcement(text=..., as_of=date(2021, 8, 20)) -> Draft

Raises ImportRejected (naming the input field) for input that is no announcement at all:
empty, binary, or too long. Nothing here touches the database.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from .draft import Draft, DraftInvalid, build
from .findings import Findings
from .text import first_dated_day, parse_text, publication_date

__all__ = ["Draft", "DraftInvalid", "ImportRejected", "import_announcement", "MAX_CHARACTERS"]

MAX_CHARACTERS = {"text": 100_000, "html": 3_000_000, "ics": 1_000_000}
BINARY_MAGIC = ("%PDF", "PK\x03\x04", "\x89PNG", "GIF8", "\xff\xd8\xff", "\xd0\xcf\x11\xe0", "{\\rtf")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<meta|<div|<article|<main|<p[ >])", re.I)


class ImportRejected(Exception):
    """The input is no announcement we can read; `field` is the body field to blame."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _check(field: str, source) -> str:
    if not isinstance(source, str):
        raise ImportRejected(field, "Send the announcement as a string.")
    if not source.strip():
        raise ImportRejected(field, "The announcement is empty.")
    if len(source) > MAX_CHARACTERS[field]:
        raise ImportRejected(field, f"The announcement is too long (at most {MAX_CHARACTERS[field]:,} characters); "
                                    "paste only the announcement itself.")
    sample = source[:4096]
    if sample.lstrip().startswith(BINARY_MAGIC) or len(CONTROL.findall(sample)) > max(2, len(sample) // 100):
        raise ImportRejected(field, "This looks like a binary file (a PDF, an image, a document), not text; "
                                    "copy the announcement's text and paste that.")
    return source


def import_announcement(*, text: str | None = None, html: str | None = None, ics: str | None = None,
                        as_of: date | None = None) -> Draft:
    given = [(name, value) for name, value in (("text", text), ("html", html), ("ics", ics)) if value is not None]
    if len(given) != 1:
        raise ImportRejected("text", "Send exactly one of text, html or ics.")
    field, source = given[0]
    source = _check(field, source)
    if field == "text" and source.lstrip().startswith("BEGIN:VCALENDAR"):
        field = "ics"
    elif field == "text" and HTML_START.match(source):
        field = "html"  # page source pasted as text: read it as a page, never keep its markup
    if field == "html":
        from .web import extract_html
        structured, plain = extract_html(source)
    elif field == "ics":
        from .calendar import extract_ics
        structured, plain = extract_ics(source, ImportRejected)
    else:
        structured, plain = Findings(), source
    as_of = as_of or publication_date(plain) or _first_day(structured) or first_dated_day(plain) or date.today()
    found = parse_text(plain, as_of) if plain.strip() else Findings()
    found.merge(structured)
    return build(found, as_of)


def _first_day(found: Findings) -> date | None:
    start = found.value("starts_at")
    return start if isinstance(start, date) and not isinstance(start, datetime) else (start.date() if start else None)
