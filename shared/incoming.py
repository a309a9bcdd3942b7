"""A consumer's validation of incoming contract messages, with the event snapshots it has
already checked remembered.

Nearly every message carries a snapshot of its event, and the messages about one event
carry the same snapshot until the event changes: the registrant's mail, the contact
person's, the next sign-up's. Walking that snapshot through marshmallow was a good part of
a notifications worker's CPU per mail. A snapshot validated once is recognised by its exact
content (not by its revision: whatever differs is checked again) and its loaded form reused;
the rest of each message is validated as always.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict

from shared.contract import validate_payload

MAX_SNAPSHOTS = 256

_checked: OrderedDict[str, str] = OrderedDict()  # the snapshot as sent -> as loaded (both JSON)
_lock = threading.Lock()


def validate_incoming(task_name: str, message: dict) -> dict:
    """validate_payload(), with a known event snapshot not walked again; raises ValidationError."""
    event = message.get("event")
    if not isinstance(event, dict):
        return validate_payload(task_name, message)
    try:
        key = json.dumps(event, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return validate_payload(task_name, message)
    with _lock:
        loaded = _checked.get(key)
        if loaded is not None:
            _checked.move_to_end(key)
    if loaded is None:
        data = validate_payload(task_name, message)
        try:
            as_loaded = json.dumps(data["event"])
        except (TypeError, ValueError):  # a schema that loads into other types: not kept
            return data
        with _lock:
            _checked[key] = as_loaded
            while len(_checked) > MAX_SNAPSHOTS:
                _checked.popitem(last=False)
        return data
    data = validate_payload(task_name, {k: v for k, v in message.items() if k != "event"}, partial=("event",))
    data["event"] = json.loads(loaded)  # a fresh copy: handlers may change theirs
    return data
