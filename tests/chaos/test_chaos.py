"""Chaos: the real stack in subprocesses, a steady stream of sign-ups, and one fault each.

After each fault is healed the stack must reach, by itself and within a bounded time:
- every sign-up answered 202 has exactly one registration row;
- every registration gets its "please confirm" mail exactly once (counted at our SMTP server);
- no seat is counted twice (availability and seat pools == seats held by registrations);
- nothing is stuck: every outbox row acknowledged, every mail row sent.
"""
from __future__ import annotations

import random
import signal
import time

import pytest

pytestmark = pytest.mark.slow

STREAM_SECONDS = 36  # the stream runs this long in all; the fault falls in its middle


def run_until(stream, started: float, seconds: float, jitter: float = 0.0) -> None:
    """Let the stream run until `seconds` after the start (plus a random part of a sign-up
    interval, so that a fault does not always fall on the same phase of the pipeline)."""
    time.sleep(max(0.0, started + seconds + random.uniform(0.0, jitter) - time.monotonic()))
    assert stream.is_alive(), "the sign-up stream died"


def test_sigkill_notifications_worker(chaos):
    """SIGKILL the notifications worker's pool child, then the whole worker (pool, main process,
    embedded beat), start it again, and kill the new pool child as well."""
    stack, role = chaos.stack, "notifications-worker"
    started = time.monotonic()
    stream = chaos.stream()
    try:
        run_until(stream, started, 6, jitter=0.5)
        assert stack.kill_worker_child(role) >= 1, "the notifications worker had no pool child to kill"
        chaos.checker.killed()
        run_until(stream, started, 12, jitter=0.5)
        stack.stop(role, signal.SIGKILL)
        chaos.checker.killed()
        run_until(stream, started, 20)  # sign-ups go on while no worker sends anything
        stack.start(role)
        run_until(stream, started, 28, jitter=0.5)
        assert stack.kill_worker_child(role) >= 1, "the restarted notifications worker had no pool child"
        chaos.checker.killed()
        run_until(stream, started, STREAM_SECONDS)
    finally:
        stream.stop()
    assert len(stream.accepted) >= 100, f"too few sign-ups accepted: {len(stream.accepted)}; {stream.failed[:5]}"
    assert not stream.failed, f"sign-ups failed though registrations was up: {stream.failed[:5]}"
    chaos.settle(stream)


def test_smtp_outage(chaos):
    """The SMTP server is away for 15 s (several retries' worth), then comes back."""
    started = time.monotonic()
    stream = chaos.stream()
    try:
        run_until(stream, started, 8)
        chaos.sink.stop()
        before = len(chaos.sink.snapshot())
        run_until(stream, started, 23)
        assert len(chaos.sink.snapshot()) == before, "mails arrived while the SMTP server was down"
        chaos.sink.start()
        run_until(stream, started, STREAM_SECONDS)
    finally:
        stream.stop()
        chaos.sink.start()
    assert len(stream.accepted) >= 100, f"too few sign-ups accepted: {len(stream.accepted)}; {stream.failed[:5]}"
    assert not stream.failed, f"sign-ups failed though registrations was up: {stream.failed[:5]}"
    verdict = chaos.settle(stream)
    assert verdict.figures["mails_retried"] > 0, f"no mail was retried: the outage was not seen {verdict.figures}"


def test_redis_restart(chaos):
    """Redis goes down for 6 s and comes back empty (no persistence): everything queued and in
    flight is gone. To be sure something *is* queued, the notifications worker is frozen
    (SIGSTOP) for a few seconds before, so messages pile up in Redis. The outbox relays (ack
    timeout) and the mail sweeper must re-drive what was lost."""
    stack = chaos.stack
    started = time.monotonic()
    stream = chaos.stream()
    frozen = False
    try:
        run_until(stream, started, 6)
        stack.signal("notifications-worker", signal.SIGSTOP)
        frozen = True
        run_until(stream, started, 10, jitter=0.5)
        depth = stack.queue_depth("notifications")
        stack.stop_redis()
        run_until(stream, started, 16)
        stack.start_redis()
        run_until(stream, started, 17)
        stack.signal("notifications-worker", signal.SIGCONT)
        frozen = False
        run_until(stream, started, STREAM_SECONDS)
    finally:
        stream.stop()
        if frozen:
            stack.signal("notifications-worker", signal.SIGCONT)
        if stack.redis_process is None:
            stack.start_redis()
    assert depth > 0, "nothing was queued in Redis when it went down: the scenario proved nothing"
    # sign-ups do not need the broker: the outbox keeps the messages
    assert len(stream.accepted) >= 100, f"too few sign-ups accepted: {len(stream.accepted)}; {stream.failed[:5]}"
    assert not stream.failed, f"sign-ups failed while Redis was away: {stream.failed[:5]}"
    verdict = chaos.settle(stream)
    assert verdict.figures["registrations_outbox_republished"] > 0, \
        f"no outbox row was re-published: the lost messages came back some other way? {verdict.figures}"


def test_registrations_web_restart(chaos):
    """The registrations web service is stopped (SIGTERM, graceful) and started again mid-stream;
    requests in the gap may fail, but every one that got a 202 must stand."""
    stack, role = chaos.stack, "registrations-web"
    started = time.monotonic()
    stream = chaos.stream()
    try:
        run_until(stream, started, 10)
        stack.stop(role, signal.SIGTERM)
        run_until(stream, started, 13)
        stack.start(role)
        stack.wait_ready(60)
        run_until(stream, started, STREAM_SECONDS)
    finally:
        stream.stop()
    assert len(stream.accepted) >= 80, f"too few sign-ups accepted: {len(stream.accepted)}; {stream.failed[:5]}"
    assert stream.failed, "no sign-up failed: the registrations service was not really down"
    chaos.settle(stream)
