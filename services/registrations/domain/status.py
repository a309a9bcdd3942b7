"""The status change every step after the sign-up goes through, and the status a seat brings."""
from __future__ import annotations

from prometheus_client import Counter
from sqlalchemy import update

from shared.db import utcnow

from ..models import ACTIVE_STATUSES, BLOCKING_STATUSES, Registration, db

TRANSITIONS = Counter("civic_registration_transitions_total", "Registration status changes", ["to_status"])


def transition(reg: Registration, from_statuses, to_status: str, **values) -> bool:
    """Move a registration on if it is still in one of `from_statuses` (a guarded UPDATE that
    also locks the row on PostgreSQL); False if someone else changed it first."""
    now = utcnow()
    values.setdefault("updated_at", now)
    if to_status not in ACTIVE_STATUSES and to_status not in BLOCKING_STATUSES:
        values["active_email"] = None
    result = db.session.execute(
        update(Registration).where(Registration.id == reg.id, Registration.status.in_(tuple(from_statuses)))
        .values(status=to_status, **values).execution_options(synchronize_session=False))
    db.session.refresh(reg)
    if result.rowcount == 1:
        TRANSITIONS.labels(to_status).inc()
        return True
    return False


def seated_status(event: dict) -> str:
    return "pending_approval" if event["registration"].get("approval") else "confirmed"


def seated_mail_kind(status: str, promoted: bool = False) -> str:
    if status == "pending_approval":
        return "pending_approval"
    return "promoted" if promoted else "confirmed"
