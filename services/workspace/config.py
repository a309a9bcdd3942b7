"""Settings of the workspace, read from the environment (embedded defaults)."""
from __future__ import annotations

import os

from shared.config import DEV_SECRET_KEY, ConfigError, service_url


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


def settings() -> dict:
    return {
        "SERVICE_NAME": "workspace",
        "CIVIC_ENV": os.environ.get("CIVIC_ENV", "development"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET_KEY),
        "EVENTS_URL": service_url("events"),
        # REGISTRATIONS_URL is the public site's address (for the mails' links); where the public
        # address does not reach registrations from inside (compose), this one does
        "REGISTRATIONS_URL": (os.environ.get("REGISTRATIONS_INTERNAL_URL") or service_url("registrations")).rstrip("/"),
        # the public site as people reach it, where REGISTRATIONS_URL is the inside address
        # (the editor links an event's sign-up page)
        "REGISTRATIONS_PUBLIC_URL": service_url("registrations") if os.environ.get("REGISTRATIONS_INTERNAL_URL")
        else None,
        "NOTIFICATIONS_URL": service_url("notifications"),
        "WORKSPACE_URL": service_url("workspace"),
        # shared with the events service: proves a sign-in by OpenID Connect came from us
        "WORKSPACE_SERVICE_SECRET": os.environ.get("WORKSPACE_SERVICE_SECRET", ""),
        # single sign-on with the city's identity provider; off unless all three are set
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", ""),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        # a page waits this long for a service before it says the service is down
        "HTTP_TIMEOUT_SECONDS": _float("HTTP_TIMEOUT_SECONDS", 5),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("WORKSPACE_MAX_CONTENT_LENGTH", str(2 * 1024 * 1024))),
        # idle sign-out: the session and the member session token both end after 8 h unused
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("WORKSPACE_IDLE_SECONDS", str(8 * 3600))),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_NAME": "civic_workspace",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": int(os.environ.get("WTF_CSRF_TIME_LIMIT", str(8 * 3600))),
        # sign-in requests: per address and per client (Flask-Limiter notation)
        "RATELIMIT_SIGN_IN_ADDRESS": os.environ.get("RATELIMIT_SIGN_IN_ADDRESS", "5 per 15 minutes"),
        "RATELIMIT_SIGN_IN_CLIENT": os.environ.get("RATELIMIT_SIGN_IN_CLIENT", "50 per 15 minutes"),
        # None: the broker's Redis (REDIS_URL), so every workspace process shares the counters
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI"),
        "RATELIMIT_KEY_PREFIX": "civic-workspace",
        # sign-in keeps working when Redis is away; limits then count per process
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "JSON_SORT_KEYS": False,
    }


def finalize(config) -> None:
    """Refuse unsafe production settings."""
    if config.get("CIVIC_ENV") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < 32:
        raise ConfigError("SECRET_KEY must be set to a random value of at least 32 characters in production")
    service_secret = config.get("WORKSPACE_SERVICE_SECRET") or ""
    if config.get("OIDC_ISSUER") and len(service_secret) < 32:
        raise ConfigError("WORKSPACE_SERVICE_SECRET must be a random value of at least 32 characters "
                          "when OIDC_ISSUER is set")
    config["SESSION_COOKIE_SECURE"] = True
