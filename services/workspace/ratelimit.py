"""Rate limits of the sign-in form: per address asked for, and per client (Flask-Limiter, Redis)."""
from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def address_limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN_ADDRESS"]


def client_limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN_CLIENT"]


def requested_address() -> str:
    """The limit's key: the address in the form, as the events service would match it."""
    return "sign-in:" + (request.form.get("email") or "").strip().lower()
