"""A minimum fill time for the public sign-up form: bots post within milliseconds of loading it.

The form carries a signed note of when it was first shown; it travels along when the form is
shown again with errors, so a person correcting a field is never asked to wait. A post sooner
than SIGNUP_MIN_FILL_SECONDS after it, without a valid note, or with one older than the form's
CSRF token (a bot re-using one form) gets the form back to send again — nothing is stored and
no mail goes out.
"""
from __future__ import annotations

import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "signup-form-started"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def started_token(started_at: float | None = None) -> str:
    return _serializer().dumps({"t": int(started_at if started_at is not None else time.time())})


def started_at(token: str | None) -> float | None:
    try:
        value = _serializer().loads(token or "")
    except BadSignature:
        return None
    return float(value["t"]) if isinstance(value, dict) and isinstance(value.get("t"), int) else None


def _max_age() -> float:
    # a note older than the form's CSRF token is one a bot keeps re-using
    return float(current_app.config.get("WTF_CSRF_TIME_LIMIT") or 4 * 3600)


def keep_or_start(token: str | None) -> str:
    """The note to show the form with again: the posted one if it is valid, else a new one."""
    started = started_at(token)
    return token if started is not None and time.time() - started <= _max_age() else started_token()


def filled_too_fast(token: str | None) -> bool:
    minimum = float(current_app.config["SIGNUP_MIN_FILL_SECONDS"])
    if minimum <= 0:
        return False  # switched off (scripted tests of the form)
    started = started_at(token)
    if started is None:
        return True
    age = time.time() - started
    return age < minimum or age > _max_age()
