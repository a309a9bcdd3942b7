"""Settings of the registrations service, read from the environment (embedded defaults)."""
from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def service_defaults() -> dict:
    return {
        # an unconfirmed sign-up holds its seats this long, then expires and frees them
        "CONFIRMATION_HOURS": _int("REGISTRATION_CONFIRMATION_HOURS", 48),
        # cancel links stay valid this long (they also stop working once the registration is gone)
        "CANCEL_LINK_DAYS": _int("REGISTRATION_CANCEL_LINK_DAYS", 400),
        # personal data of registrations is removed this many days after their event ended
        "RETENTION_DAYS": _int("REGISTRATION_RETENTION_DAYS", 180),
        # a repeated POST with the same Idempotency-Key gets the stored answer this long
        "IDEMPOTENCY_HOURS": _int("IDEMPOTENCY_HOURS", 24),
        "EXPIRY_SWEEP_SECONDS": float(os.environ.get("REGISTRATION_EXPIRY_SWEEP_SECONDS", "60")),
        "RETENTION_SWEEP_SECONDS": float(os.environ.get("REGISTRATION_RETENTION_SWEEP_SECONDS", "3600")),
        # how often a missing event is asked for at the events service before answering 503
        "REPLICA_FETCH_ATTEMPTS": _int("REPLICA_FETCH_ATTEMPTS", 2),
        # an id the events service does not know is not asked for again this long
        "REPLICA_MISS_TTL_SECONDS": float(os.environ.get("REPLICA_MISS_TTL_SECONDS", "10")),
        # contact persons hear "nearly full" when this share of seats is taken
        "NEARLY_FULL_RATIO": float(os.environ.get("NEARLY_FULL_RATIO", "0.8")),
        # rate limits (Flask-Limiter notation); load tests raise them. Per client address: a
        # whole office behind one address (60+ people a minute) gets through, a flood does not
        "RATELIMIT_SIGNUP": os.environ.get("RATELIMIT_SIGNUP", "120 per minute;1500 per hour"),
        # per email address signed up (accepted sign-ups only): a person signs up for a few events
        "RATELIMIT_SIGNUP_EMAIL": os.environ.get("RATELIMIT_SIGNUP_EMAIL", "5 per 10 minutes;20 per day"),
        "RATELIMIT_TOKEN": os.environ.get("RATELIMIT_TOKEN", "300 per minute"),
        # the HTML form must have been open this long before it is sent (bots post at once)
        "SIGNUP_MIN_FILL_SECONDS": float(os.environ.get("SIGNUP_MIN_FILL_SECONDS", "2")),
        # None: the broker's Redis (REDIS_URL), so every web process shares the counters
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI"),
        "RATELIMIT_KEY_PREFIX": "civic-registrations",
        "RATELIMIT_HEADERS_ENABLED": True,
        # sign-ups keep working when Redis is away; limits then count per process
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # where people report barriers (the accessibility statement names it, as BITV 2.0 asks)
        "ACCESSIBILITY_CONTACT": os.environ.get("ACCESSIBILITY_CONTACT", "barrierefreiheit@civic-events.example"),
        "WTF_CSRF_TIME_LIMIT": _int("WTF_CSRF_TIME_LIMIT", 4 * 3600),
    }
