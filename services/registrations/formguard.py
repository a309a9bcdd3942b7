"""A minimum fill time for the public sign-up form: bots post within milliseconds of loading it.

The form carries a signed note of when it was first shown; it travels along when the form is
shown again with errors, so a person correcting a field is never asked to wait. A post sooner
than SIGNUP_MIN_FILL_SECONDS after it (or without a valid note) gets the form back to send
again — nothing is stored and no mail goes out.
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


def keep_or_start(token: str | None) -> str:
    """The note to show the form with again: the posted one if it is valid, else a new one."""
    return token if started_at(token) is not None else started_token()


def filled_too_fast(token: str | None) -> bool:
    minimum = float(current_app.config["SIGNUP_MIN_FILL_SECONDS"])
    if minimum <= 0:
        return False  # switched off (scripted tests of the form)
    started = started_at(token)
    if started is None:
        return True
    return time.time() - started < minimum
