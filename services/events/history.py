"""The history of an event: each creation, change, publication and cancellation, with the
member who made it (`changed_by`; None for an API token or a command) and the fields a change
touched. Written in the same transaction as the change itself (from domain.announce)."""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import select

from .models import Event, EventChange, db

ACTIONS = {"created": "created", "updated": "updated", "published": "published", "cancelled": "cancelled"}


def _changed_fields(action: str) -> list[str]:
    """The top-level fields a PATCH sent (the change as the member asked for it)."""
    if action != "updated" or not has_request_context():
        return []
    body = request.get_json(silent=True)
    return sorted(str(key) for key in body) if isinstance(body, dict) else []


def record(event: Event, action: str) -> None:
    from .access import current_member
    member = current_member()
    db.session.add(EventChange(event_id=event.id, action=ACTIONS.get(action, action), fields=_changed_fields(action),
                               member_id=member.id if member else None, member_name=member.name if member else None))


def of(event_id: int) -> list[dict]:
    rows = db.session.execute(select(EventChange).where(EventChange.event_id == event_id)
                              .order_by(EventChange.at, EventChange.id)).scalars()
    return [{"at": row.at, "action": row.action, "fields": list(row.fields or []),
             "member": {"id": row.member_id, "name": row.member_name} if row.member_name is not None else None}
            for row in rows]
