"""Input no database can store is refused at the door, in every service alike.

Ids: every id column is a 32-bit INTEGER, so `<int:...>` in a route means 1..2**31-1 here;
a larger number matches no route (404) instead of overflowing in the database (a 500).

Text: refused with 400.

PostgreSQL rejects NUL characters in text columns, and no database driver can encode an
unpaired UTF-16 surrogate (JSON allows both as escapes: "\\u0000", "\\ud800"). Without this
guard such input reached the database and came back as a 500 (PostgreSQL) or was stored
silently (SQLite). Checked here: the path, the query string, form fields and JSON bodies.
The common case costs one regular-expression scan of the raw body.
"""
from __future__ import annotations

import json
import re

from flask import request
from flask_smorest import abort
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
# the only ways a JSON body can carry such text: as \u escapes (raw NUL bytes are invalid JSON,
# raw surrogates invalid UTF-8); a surrogate *pair* is fine and is let through after parsing
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
MESSAGE = "Text must not contain NUL characters or unpaired surrogates."


def has_bad_text(value) -> bool:
    if isinstance(value, str):
        return BAD_TEXT.search(value) is not None
    if isinstance(value, dict):
        return any(has_bad_text(k) or has_bad_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_bad_text(v) for v in value)
    return False


def _json_body_is_bad() -> bool:
    if not request.is_json:
        return False
    raw = request.get_data(cache=True)
    if not raw or not _SUSPECT_ESCAPE.search(raw):
        return False
    try:
        return has_bad_text(json.loads(raw))
    except (ValueError, RecursionError):
        return False  # not JSON at all: the endpoint's own parser answers that


def _bad_request_text() -> bool:
    if has_bad_text(request.path) or has_bad_text(request.view_args or {}):
        return True
    if any(has_bad_text(k) or has_bad_text(v) for k, v in request.args.items(multi=True)):
        return True
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if any(has_bad_text(k) or has_bad_text(v) for k, v in request.form.items(multi=True)):
                return True
        elif _json_body_is_bad():
            return True
    return False


def init_input_guard(app) -> None:
    @app.before_request
    def _refuse_unstorable_text():
        try:
            bad = _bad_request_text()
        except HTTPException:
            return None  # e.g. a body over MAX_CONTENT_LENGTH: the view raises it again and it is answered there
        if bad:
            abort(400, message=MESSAGE, code="invalid_characters")
        return None


DB_INT_MAX = 2**31 - 1


class DbIntegerConverter(IntegerConverter):
    """`<int:x>` bounded to what an INTEGER column holds (an explicit max= still wins)."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_id_converter(app, api) -> None:
    """Must run before any blueprint is registered (the converter is bound when a rule is added)."""
    from flask_smorest.spec.plugins import integerconverter2paramschema
    app.url_map.converters["int"] = DbIntegerConverter
    api.register_converter(DbIntegerConverter, integerconverter2paramschema)


def ascii_local_part(value: str | None) -> None:
    """Marshmallow validator for addresses we will send mail to: the part before the @ must be
    plain ASCII (the contract's email rule, shared.contract.MailAddress, includes this check)."""
    if value and not value.rsplit("@", 1)[0].isascii():
        from marshmallow import ValidationError
        from shared.contract import NOT_ASCII
        raise ValidationError(NOT_ASCII)