"""What a registration tells notifications: mails to the registrant and to the event's contact
persons, the event's changes, a person's erasure. Each is an outbox row written in the
transaction of the change it reports, so it goes out after that commit or not at all.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from shared import contract

from .. import links
from ..models import Registration, outbox

if TYPE_CHECKING:
    from .seats import Held

# The event in our messages is the replica's snapshot, checked against the contract when it
# arrived; the outbox does not walk it again for every mail (notifications still checks it).
# A contract change that makes stored snapshots invalid must therefore also refresh the
# replicas, or notifications drops those mails as unreadable (it logs each one).
REPLICA_EVENT = ("event",)

# registrations whose address was confirmed: they hear about changes of the event
INFORMED_STATUSES = ("confirmed", "waitlisted", "pending_approval")


def registrant_of(reg: Registration) -> dict:
    return {"name": reg.name, "email": reg.email, "locale": reg.locale}


def facts_of(reg: Registration) -> dict:
    return {"id": reg.id, "status": reg.status, "companions": reg.companions,
            "session_ids": list(reg.session_ids or []), "answers": dict(reg.answers or {}),
            "created_at": reg.created_at.isoformat() if reg.created_at else None}


def links_of(reg: Registration, *, confirm: bool = False) -> dict:
    return {"confirm": links.confirm_url(reg.id) if confirm else None,
            "cancel": links.cancel_url(reg.id),
            "event_page": links.event_url(reg.event_id)}


def mail(reg: Registration, event: dict, kind: str) -> str:
    """A mail to the registrant, sent by notifications after this transaction commits."""
    return outbox.put(contract.REGISTRATION_MAIL, {
        "kind": kind, "registrant": registrant_of(reg), "registration": facts_of(reg), "event": event,
        "links": links_of(reg, confirm=(kind == "confirm_email")),
    }, prevalidated=REPLICA_EVENT)


def wants_contact_mail(event: dict) -> bool:
    return event.get("contact_notifications", "each") != "none" and any(
        c.get("email") for c in event.get("contacts") or [])


def contact_mail(event: dict, kind: str, reg: Registration | None = None, numbers: dict | None = None) -> None:
    if not wants_contact_mail(event):
        return
    outbox.put(contract.CONTACT_MAIL, {
        "kind": kind, "event": event,
        "registrant": registrant_of(reg) if reg else None,
        "registration": facts_of(reg) if reg else None,
        "availability": numbers or {},
    }, prevalidated=REPLICA_EVENT)


def announce_thresholds(event: dict, held: list[Held], seats: int) -> None:
    """Tell the contact persons once a pool crosses 80 % and once it is full."""
    ratio = float(current_app.config["NEARLY_FULL_RATIO"])
    titles = {s["id"]: s["title"] for s in event.get("sessions") or []}
    for pool in held:
        if not pool.capacity:
            continue
        after, before = pool.taken, pool.taken - seats
        numbers = {"capacity": pool.capacity, "taken": after, "available": max(0, pool.capacity - after),
                   "session_id": pool.session_id or None, "session_title": titles.get(pool.session_id)}
        if before < pool.capacity <= after:
            contact_mail(event, "full", numbers=numbers)
        elif before < ratio * pool.capacity <= after:
            contact_mail(event, "nearly_full", numbers=numbers)


def event_change_mail(reg: Registration, event: dict, kind: str, time_changed: bool, place_changed: bool) -> None:
    """The event was cancelled or moved: the registrant hears what changed for them."""
    outbox.put(contract.EVENT_CHANGE_MAIL, {
        "kind": kind, "registrant": registrant_of(reg), "registration": facts_of(reg), "event": event,
        "time_changed": time_changed, "place_changed": place_changed, "links": links_of(reg),
    }, prevalidated=REPLICA_EVENT)


def erasure(email: str, organizer_id: int, event_ids: list[int]) -> None:
    """Notifications erases its mails to that address for these events."""
    outbox.put(contract.ERASE_PERSON, {"email": email, "organizer_id": organizer_id, "event_ids": event_ids})
