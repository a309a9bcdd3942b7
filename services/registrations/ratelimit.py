"""Rate limits against bots (instead of a CAPTCHA): Flask-Limiter with Redis storage.

Two keys: the client address, generous enough for a whole office behind one address (a city
hall's colleagues all come from its proxy), and the email address signed up, tight, because
that is what a flood of sign-ups — or mail-bombing someone through our confirmation mails —
repeats. The HTML form adds a honeypot field and a minimum fill time (formguard.py).
"""
from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def signup_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP"]


def token_limit() -> str:
    return current_app.config["RATELIMIT_TOKEN"]


def email_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP_EMAIL"]


def submitted_email() -> str:
    """The address in the posted form or JSON body, as registrations stores it."""
    if request.mimetype == "application/json":
        body = request.get_json(silent=True)
        value = body.get("email") if isinstance(body, dict) else None
    else:
        value = request.form.get("email")
    return value.strip().lower() if isinstance(value, str) else ""


def _email_key() -> str:
    return "signup-email:" + submitted_email()


def _accepted(response) -> bool:
    # only sign-ups that went through count: correcting a typo in the form costs nothing
    return response.status_code in (202, 302)


def per_email(methods=None):
    """The per-email limit as a decorator (requests without an address are not counted)."""
    return limiter.limit(email_limit, key_func=_email_key, methods=methods, deduct_when=_accepted,
                         exempt_when=lambda: not submitted_email())
