"""The local copy of each event: kept fresh by snapshot messages, fetched over HTTP on a miss.

Sign-ups keep working while the events service is down, because everything a sign-up needs
(policy, sessions, capacity, contacts) is in the snapshot.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

import requests
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from shared.contract import SnapshotEventSchema
from shared.db import utcnow

from .domain.errors import RegistrationError
from .domain.seats import sync_pools
from .models import EventReplica, db

log = logging.getLogger(__name__)

# ids the events service said it does not know (or that are drafts), remembered briefly so a
# stream of requests for them does not become a stream of requests to the events service
_misses: dict[int, float] = {}
_misses_lock = threading.Lock()


def forget_misses() -> None:
    with _misses_lock:
        _misses.clear()


def _recent_miss(event_id: int) -> bool:
    with _misses_lock:
        until = _misses.get(event_id)
        if until is not None and until < time.monotonic():
            del _misses[event_id]
            return False
        return until is not None


def _remember_miss(event_id: int) -> None:
    with _misses_lock:
        if len(_misses) > 10_000:
            _misses.clear()
        _misses[event_id] = time.monotonic() + float(current_app.config["REPLICA_MISS_TTL_SECONDS"])


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# ---- storing snapshots ---------------------------------------------------------------------
def _row_values(event: dict, revision: int) -> dict:
    return {
        "organizer_id": int(event["organizer"]["id"]),
        "revision": revision,
        "status": event["status"],
        "starts_at": parse_time(event["starts_at"]),
        "ends_at": parse_time(event["ends_at"]),
        "data": event,
        "updated_at": utcnow(),
    }


def store(event: dict, revision: int) -> tuple[EventReplica | None, EventReplica | None, bool]:
    """Store a snapshot unless we already hold this revision or a newer one.

    Returns (previous data copy or None, the row, whether it was applied). The conditional
    UPDATE makes two workers applying snapshots out of order end with the newest one.
    Must be the first write of its transaction: a lost insert race rolls the session back.
    (No SAVEPOINT: pysqlite's implicit transactions make savepoints unreliable on SQLite.)"""
    row = db.session.get(EventReplica, event["id"], populate_existing=True)
    if row is None:
        try:
            row = EventReplica(id=event["id"], **_row_values(event, revision))
            db.session.add(row)
            db.session.flush()
            sync_pools(event)
            return None, row, True
        except IntegrityError:  # another worker stored it meanwhile: apply ours as an update
            db.session.rollback()
            row = db.session.get(EventReplica, event["id"], populate_existing=True)
    before = dict(row.data)
    result = db.session.execute(
        update(EventReplica).where(EventReplica.id == event["id"], EventReplica.revision < revision)
        .values(**_row_values(event, revision)).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return before, row, False
    db.session.refresh(row)
    sync_pools(event)
    return before, row, True


def _events_unavailable() -> RegistrationError:
    return RegistrationError(503, "events_unavailable",
                             "This event cannot be loaded right now; please try again in a minute.")


def fetch(event_id: int) -> EventReplica | None:
    """Ask the events service for an event we have never heard of; None if it does not exist."""
    url = f"{current_app.config['EVENTS_URL']}/api/v1/events/{event_id}"
    attempts = max(1, int(current_app.config["REPLICA_FETCH_ATTEMPTS"]))
    response = None
    for attempt in range(attempts):
        try:
            response = requests.get(url, timeout=current_app.config["HTTP_TIMEOUT_SECONDS"],
                                    headers={"Accept": "application/json"})
            if response.status_code < 500:
                break
        except requests.RequestException as exc:
            log.warning("fetching event %s from the events service failed (attempt %d): %s",
                        event_id, attempt + 1, exc)
            response = None
    if response is None or response.status_code >= 500:
        raise _events_unavailable()
    if response.status_code == 404:
        _remember_miss(event_id)
        return None
    if response.status_code != 200:
        raise _events_unavailable()
    try:
        event = SnapshotEventSchema().load(response.json())
    except (ValidationError, ValueError) as exc:
        log.error("events service sent an unreadable event %s: %s", event_id, exc)
        raise _events_unavailable() from exc
    event = response.json()  # keep it exactly as sent (extra fields pass through)
    revision = int(event.get("revision") or 1)
    _, row, _ = store(event, revision)
    db.session.commit()
    return db.session.get(EventReplica, event_id)


MAX_ID = 2**31 - 1  # INTEGER on PostgreSQL; larger ids cannot exist (and would overflow SQLite)


def get_event(event_id: int, *, fetch_missing: bool = True) -> EventReplica | None:
    if not 0 < event_id <= MAX_ID:
        return None
    row = db.session.get(EventReplica, event_id)
    if row is None and fetch_missing and not _recent_miss(event_id):
        row = fetch(event_id)
    return row


def public_event(event_id: int) -> EventReplica:
    """A published or cancelled event; drafts and unknown ids are 404."""
    row = get_event(event_id)
    if row is None or row.status == "draft":
        raise RegistrationError(404, "not_found", "No such event.")
    return row
