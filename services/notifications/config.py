"""Settings of the notifications service, read from the environment (embedded defaults)."""
from __future__ import annotations

import os

from shared.config import VAR_DIR


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def defaults() -> dict:
    return {
        # SMTP: the embedded stack's own sink (python -m services.notifications.sink) by default
        "SMTP_HOST": _env("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(_env("SMTP_PORT", "1025")),
        "SMTP_USER": os.environ.get("SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_SECURITY": _env("SMTP_SECURITY", "none"),  # none | starttls | ssl
        "SMTP_TIMEOUT_SECONDS": float(_env("SMTP_TIMEOUT_SECONDS", "30")),
        "SMTP_CA_FILE": os.environ.get("SMTP_CA_FILE") or None,  # extra CA for the relay's certificate
        # a worker keeps its SMTP connection open this long for the next mail (0: one per mail)
        "SMTP_REUSE_SECONDS": float(_env("SMTP_REUSE_SECONDS", "10")),
        "MAIL_FROM": _env("MAIL_FROM", "civic-events <no-reply@civic-events.example>"),
        "MAILBOX_DIR": _env("MAILBOX_DIR", str(VAR_DIR / "mailbox")),
        # 0: `make run` found SMTP_HOST to be another server, so mail goes there, not to the sink
        "DEV_SMTP_SINK": _env("DEV_SMTP_SINK", "1") != "0",
        # delivery: a claimed row belongs to its worker this long (must outlast any SMTP send)
        "DELIVERY_LEASE_SECONDS": float(_env("DELIVERY_LEASE_SECONDS", "120")),
        "MAIL_MAX_ATTEMPTS": int(_env("MAIL_MAX_ATTEMPTS", "10")),
        "MAIL_RETRY_BASE_SECONDS": float(_env("MAIL_RETRY_BASE_SECONDS", "30")),
        "MAIL_RETRY_MAX_SECONDS": float(_env("MAIL_RETRY_MAX_SECONDS", "3600")),
        # retries sooner than this also get a broker countdown; later ones only the sweeper
        "SHORT_RETRY_SECONDS": float(_env("SHORT_RETRY_SECONDS", "120")),
        "SWEEP_SECONDS": float(_env("SWEEP_SECONDS", "15")),
        # a fresh row is sent by the task enqueued after its commit; the sweeper waits this long
        "SWEEP_GRACE_SECONDS": float(_env("SWEEP_GRACE_SECONDS", "20")),
        "SWEEP_REDRIVE_SECONDS": float(_env("SWEEP_REDRIVE_SECONDS", "60")),
        "REMINDER_CHECK_SECONDS": float(_env("REMINDER_CHECK_SECONDS", "300")),
        "DIGEST_HOUR_UTC": int(_env("DIGEST_HOUR_UTC", "6")),
        # mails, reminder records and digest items are deleted this many days after their event ended
        "RETENTION_DAYS": int(_env("NOTIFICATIONS_RETENTION_DAYS", "180")),
        "RETENTION_SWEEP_SECONDS": float(_env("NOTIFICATIONS_RETENTION_SWEEP_SECONDS", "3600")),
    }


def check(config) -> None:
    import logging
    from shared.config import ConfigError
    if float(config["DELIVERY_LEASE_SECONDS"]) < 3 * float(config["SMTP_TIMEOUT_SECONDS"]):
        # a send still running when its lease ends may be repeated by another worker
        logging.getLogger(__name__).warning(
            "DELIVERY_LEASE_SECONDS (%s) should be at least three times SMTP_TIMEOUT_SECONDS (%s)",
            config["DELIVERY_LEASE_SECONDS"], config["SMTP_TIMEOUT_SECONDS"])
    if str(config["SMTP_SECURITY"]).lower() not in ("none", "starttls", "ssl"):
        raise ConfigError("SMTP_SECURITY must be one of none, starttls, ssl")
    from email.utils import parseaddr
    from .safety import InvalidAddress, clean_address
    try:
        clean_address(parseaddr(config["MAIL_FROM"])[1])
    except InvalidAddress:
        raise ConfigError(f"MAIL_FROM is not a valid address: {config['MAIL_FROM']!r}") from None
