"""A worker process gathers its acknowledgements for OUTBOX_ACK_DELAY_SECONDS and sends one
task per origin (shared/acks.py); outside a task they go at once (test_outbox.py)."""
from __future__ import annotations

import time

from celery import Celery

from shared.acks import AckBuffer
from tests.shared.test_outbox import queued


def test_acknowledgements_of_several_tasks_travel_as_one_per_origin(own_redis):
    celery = Celery("ack-buffer-test", broker=own_redis.url, set_as_current=False)
    buffer = AckBuffer()
    try:
        buffer.add(celery, "registrations", ["m1"], delay=0.3)
        buffer.add(celery, "registrations", ["m2", "m3"], delay=0.3)
        buffer.add(celery, "events", ["e1"], delay=0.3)
        assert queued(own_redis, "registrations") == []  # not yet: gathered for the delay
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (queued(own_redis, "registrations") and queued(own_redis, "events")):
            time.sleep(0.05)
        [registrations] = queued(own_redis, "registrations")
        assert registrations["task"] == "registrations.outbox_ack"
        assert registrations["kwargs"] == {"message_ids": ["m1", "m2", "m3"]}
        [events] = queued(own_redis, "events")
        assert events["task"] == "events.outbox_ack" and events["kwargs"] == {"message_id": "e1"}
        # the next acknowledgement starts a new gathering
        buffer.add(celery, "events", ["e2"], delay=0.05)
        buffer.flush()
        assert [m["kwargs"] for m in queued(own_redis, "events")] == [{"message_id": "e1"}, {"message_id": "e2"}]
    finally:
        celery.close()
