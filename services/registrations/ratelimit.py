"""Rate limits against bots (instead of a CAPTCHA): Flask-Limiter with Redis storage."""
from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def signup_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP"]


def token_limit() -> str:
    return current_app.config["RATELIMIT_TOKEN"]
