"""A mail to a registrant failed for good (notifications' `registrations.mail_failed`).

An unconfirmed sign-up then holds seats for nobody: the confirmation link never arrived, so
the hold expires now instead of after CONFIRMATION_HOURS, and the waiting list moves up. A
confirmed registration stays (the person confirmed by a mail that did arrive). Either way the
organizer sees `mail_failed_at` and `mail_error` in the registrations list, and it is logged.
"""
from __future__ import annotations

import logging

from shared.db import utcnow

from ..models import Registration, db
from . import lifecycle

log = logging.getLogger(__name__)


def mail_failed(data: dict) -> bool:
    reg = db.session.get(Registration, data["registration_id"], populate_existing=True)
    if reg is None or reg.anonymized_at is not None:
        return False
    reg.mail_failed_at = utcnow()
    reg.mail_error = (f"{data['kind']}: {data.get('error') or ''}")[:1000]
    freed = reg.status == "pending_confirmation" and lifecycle.end(
        reg, "expired", from_statuses=["pending_confirmation"], mail_kind=None)
    log.warning("registration %s on event %s: %s failed for good (%s)%s", reg.id, reg.event_id, data["kind"],
                data.get("error"), "; its unconfirmed hold is freed" if freed else "")
    return freed
