"""Signed links for registrants: confirm (double opt-in) and cancel.

A token is the registration id signed with SECRET_KEY and a per-purpose salt, so a
confirm token cannot cancel, and a token of another deployment means nothing here.
Altered or forged → BadToken (400); valid signature but too old → ExpiredToken (410).
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM = "confirm"
CANCEL = "cancel"


class BadToken(Exception):
    pass


class ExpiredToken(Exception):
    pass


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"civic-registrations.{purpose}")


def make_token(purpose: str, registration_id: str) -> str:
    return _serializer(purpose).dumps({"r": registration_id})


def max_age(purpose: str) -> int:
    if purpose == CONFIRM:
        return int(current_app.config["CONFIRMATION_HOURS"]) * 3600
    return int(current_app.config["CANCEL_LINK_DAYS"]) * 86400


def read_token(purpose: str, token: str) -> str:
    """The registration id in a token of this purpose."""
    if not token or len(token) > 500:
        raise BadToken()
    try:
        data = _serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise ExpiredToken()
    except BadSignature:
        raise BadToken()
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        raise BadToken()
    return data["r"]


def base_url() -> str:
    return current_app.config["REGISTRATIONS_URL"].rstrip("/")


def confirm_url(registration_id: str) -> str:
    return f"{base_url()}/confirm/{make_token(CONFIRM, registration_id)}"


def cancel_url(registration_id: str) -> str:
    return f"{base_url()}/cancel/{make_token(CANCEL, registration_id)}"


def event_url(event_id: int) -> str:
    return f"{base_url()}/events/{event_id}"
