"""Erasing one person from the copies of messages a service keeps (GDPR, Art. 17).

The outbox keeps every message it sent for 7 days after its consumer acknowledged it, and an
unsent one until it goes out; mails to and about a person carry their address, name and
answers. On erasure, each such row goes: an unsent message about the person will not be sent
(they are gone), an acknowledged one was only kept for the record. A message that is itself
the erasure request for another service is kept until it went out, and its payload is cut
down to nothing personal when its consumer acknowledges it (Outbox(scrub_on_ack=...)).
The inboxes (processed_messages) keep only message ids and task names.
"""
from __future__ import annotations

import json

from sqlalchemy import Text, cast, delete, select

ERASED_PAYLOAD = {"erased": True}


def mentions(value, email: str) -> bool:
    """True if the address occurs in any text of a (nested) payload, in any letter case."""
    if isinstance(value, str):
        return email in value.lower()
    if isinstance(value, dict):
        return any(mentions(v, email) for v in value.values())
    if isinstance(value, list):
        return any(mentions(v, email) for v in value)
    return False


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def scrub_outbox(session, model, email: str, *, keep_tasks=(), in_scope=lambda payload: True) -> int:
    """Delete the outbox rows whose payload names `email` (and that `in_scope` accepts); rows of
    `keep_tasks` not yet acknowledged stay. Returns how many rows went."""
    email = email.strip().lower()
    # the database narrows it down (JSON text: non-ASCII letters as \\u escapes), Python decides
    pattern = _like(json.dumps(email)[1:-1])
    rows = session.execute(select(model.id, model.task_name, model.payload, model.acked_at)
                           .where(cast(model.payload, Text).ilike(pattern, escape="\\"))).all()
    doomed = [row.id for row in rows if mentions(row.payload, email) and in_scope(row.payload)
              and not (row.task_name in keep_tasks and row.acked_at is None)]
    for start in range(0, len(doomed), 500):
        session.execute(delete(model).where(model.id.in_(doomed[start:start + 500])))
    return len(doomed)
