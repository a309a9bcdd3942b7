"""Settings read from the environment, with safe defaults for the embedded run."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CIVIC_VAR_DIR", ROOT / "var"))

DEV_SECRET_KEY = "dev-only-secret-change-me"
SERVICE_PORTS = {"events": 5001, "registrations": 5002, "notifications": 5003, "workspace": 5004}


class ConfigError(RuntimeError):
    pass


def sqlite_url(service: str) -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / (service + '.sqlite3')}"


def service_url(service: str) -> str:
    env = os.environ.get(f"{service.upper()}_URL")
    return (env or f"http://127.0.0.1:{SERVICE_PORTS[service]}").rstrip("/")


def base_config(service: str) -> dict:
    """The settings every service shares; a service adds its own on top."""
    # imported here: the SMTP sink reads VAR_DIR from this module and needs no Flask
    from shared.apidocs import SETTINGS as API_DOCS
    return {
        "SERVICE_NAME": service,
        "CIVIC_ENV": os.environ.get("CIVIC_ENV", "development"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(f"{service.upper()}_DATABASE_URL") or sqlite_url(service),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        "EVENTS_URL": service_url("events"),
        "REGISTRATIONS_URL": service_url("registrations"),
        "NOTIFICATIONS_URL": service_url("notifications"),
        # how long a request to a sibling service may take before we give up on it
        "HTTP_TIMEOUT_SECONDS": float(os.environ.get("HTTP_TIMEOUT_SECONDS", "3")),
        "OUTBOX_RELAY_SECONDS": float(os.environ.get("OUTBOX_RELAY_SECONDS", "5")),
        # a published message not acknowledged by its consumer within this time is sent again
        "OUTBOX_ACK_TIMEOUT_SECONDS": float(os.environ.get("OUTBOX_ACK_TIMEOUT_SECONDS", "60")),
        # a worker gathers its acknowledgements this long and sends them as one task per origin
        "OUTBOX_ACK_DELAY_SECONDS": float(os.environ.get("OUTBOX_ACK_DELAY_SECONDS", "1")),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_URL_PREFIX": "/",
        **API_DOCS,
        # no pool_pre_ping: shared/db.py pings only connections that sat idle (one round trip less per transaction)
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "JSON_SORT_KEYS": False,
    }


def finalize(config: dict) -> dict:
    """Engine options per backend, and refusal of unsafe production settings."""
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        uri = config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgresql://"):]
    if uri.startswith("sqlite"):
        # SQLite serialises writers; waiting for the lock beats failing with "database is locked"
        opts = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        opts.setdefault("connect_args", {"timeout": 30})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = opts
    if config.get("CIVIC_ENV") == "production":
        secret = config.get("SECRET_KEY") or ""
        if secret == DEV_SECRET_KEY or len(secret) < 32:
            raise ConfigError("SECRET_KEY must be set to a random value of at least 32 characters in production")
        if uri.startswith("sqlite"):
            raise ConfigError(f"{config['SERVICE_NAME'].upper()}_DATABASE_URL must point at a real database in production")
    return config
