"""Under a backlog, the batch tasks a worker receives while its pool is busy run as one
(shared/gather.py): fewer task executions and transactions, and still every mail once, every
message acknowledged to its origin, every broker message acknowledged."""
from __future__ import annotations

import threading

import pytest
import redis
from celery import signals

from shared import contract
from tests.factories import wait_until
from tests.notifications.conftest import contact_mail, registration_mail, settled_rows
from tests.notifications.test_batches import publish_batch

pytestmark = pytest.mark.usefixtures("worker")

SIGN_UPS = 30


def test_a_backlog_of_sign_ups_runs_in_fewer_tasks_and_every_mail_goes_out_once(celery, sink, app, acks,
                                                                                redis_url, monkeypatch):
    client = redis.Redis.from_url(redis_url)
    release, held = threading.Event(), []
    whole = celery.consume_whole_batch

    def slow_at_first(items):
        # the first two batches hold the worker's two pool threads (before their transaction:
        # SQLite would make the second wait for the first) until the whole backlog is in
        if len(held) < 2:
            held.append(len(items))
            release.wait(30)
        return whole(items)

    monkeypatch.setattr(celery, "consume_whole_batch", slow_at_first)
    runs: list[int] = []

    def count_run(sender=None, kwargs=None, **_):
        if sender is not None and sender.name == contract.batch_task("notifications"):
            runs.append(len((kwargs or {}).get("messages") or []))

    signals.task_prerun.connect(count_run, weak=False)
    try:
        messages = []
        for number in range(SIGN_UPS):
            registrant = registration_mail("confirmed", email=f"person-{number}@example.org",
                                           name=f"Person {number}")
            contact = contact_mail(email=f"person-{number}@example.org", name=f"Person {number}")
            publish_batch(celery, (contract.REGISTRATION_MAIL, registrant), (contract.CONTACT_MAIL, contact))
            messages += [registrant["message_id"], contact["message_id"]]
        # the worker fetched the backlog while both threads were busy: it waits in the gatherer
        wait_until(lambda: len(held) == 2 and client.llen("notifications") == 0, timeout=20)
        release.set()
        # each sign-up: its registrant's mail and one to each of the event's two contact persons
        rows = settled_rows(app, count=3 * SIGN_UPS, timeout=60)
        wait_until(lambda: set(acks()) >= set(messages), timeout=20)
        wait_until(lambda: client.hlen("unacked") == 0, timeout=10)
    finally:
        release.set()
        signals.task_prerun.disconnect(count_run)
        client.close()

    assert all(row.status == "sent" and row.attempts == 1 for row in rows)
    assert sorted(len(sink.to(f"person-{n}@example.org")) for n in range(SIGN_UPS)) == [1] * SIGN_UPS
    assert len(sink.mails) == 3 * SIGN_UPS
    # every message ran exactly once: the two that held the threads alone, the other 28
    # sign-ups gathered into runs of up to shared/gather.py's MAX_GATHERED
    assert sum(runs) == 2 * SIGN_UPS
    assert sorted(runs)[:2] == [2, 2] and len(runs) <= 4 and max(runs) >= 2 * 14, runs
