"""Batches gathered in the worker: under a backlog, the `<service>.batch` tasks waiting for a
free pool process run as one task.

A sign-up's commit publishes one batch task (its registrant's and its contact persons' mails).
While every pool process is busy, the batch tasks this worker receives wait here instead of in
the pool; when a process frees up, all that waited (up to MAX_GATHERED) go to it as one batch:
one task execution, one transaction and one acknowledgement message for all of them, where
each would otherwise cost its own (about a millisecond of worker CPU per task on Celery's side
alone). On a quiet worker a batch task finds a free process and runs at once, as before, so
gathering adds no delay; it only grows with the backlog.

The broker messages stay unacknowledged until the gathered batch finished, and then share
its fate: acknowledged together, or given back together if the process was lost. So that
waiting batch tasks do not use up the worker's prefetch (it would stop fetching, and nothing
could gather), each one waiting raises it by one, up to MAX_WAITING.
"""
from __future__ import annotations

import logging
import threading
import time

from celery.worker.request import Request
from celery.worker.state import task_ready
from celery.worker.strategy import default as default_strategy
from kombu.utils.json import dumps

log = logging.getLogger(__name__)

MAX_GATHERED = 20  # batch tasks run as one (a sign-up's each: 40 mails in one transaction)
MAX_GATHERED_MESSAGES = 200  # nor more messages than this (a mailing's batches hold 50 each)
MAX_RAISED = 60  # batch tasks in hand beyond the prefetch: running, riding along or waiting
STUCK_SECONDS = 5.0  # a batch waiting longer than this starts even if the count says no process is free


class GatheredRequest(Request):
    """The request of a batch task that may carry others along ("riders"): whatever becomes of
    its broker message (acknowledged, given back) becomes of theirs."""

    riders: tuple = ()
    gatherer: "Gatherer | None" = None  # set on a request that raised the prefetch while it waited

    def acknowledge(self):
        super().acknowledge()
        self._settled()
        for rider in self.riders:
            rider.acknowledge()
            task_ready(rider, successful=True)

    def reject(self, requeue=False):
        super().reject(requeue=requeue)
        self._settled()
        for rider in self.riders:
            rider.reject(requeue=requeue)
            task_ready(rider)

    def _settled(self) -> None:
        gatherer, self.gatherer = self.gatherer, None
        if gatherer is not None:
            gatherer.lower_prefetch()


class Gatherer:
    """Holds a worker's batch tasks while its pool is busy; hands them on in groups."""

    def __init__(self, consumer, slots: int):
        self.consumer = consumer
        self.slots = max(1, slots)
        self.running = 0
        self.waiting: list[tuple[Request, float]] = []
        self.lock = threading.Lock()
        self.raised = 0  # how far this gatherer raised the prefetch

    def take(self, request: Request) -> None:
        """The consumer's hand-over of a received batch task (instead of straight to the pool)."""
        with self.lock:
            self._raise_prefetch(request)
            if self.running < self.slots:
                group = self._take_waiting(first=request)
            else:
                self.waiting.append((request, time.monotonic()))
                # an old waiting batch means a finish we never heard of: wait for it no longer
                if time.monotonic() - self.waiting[0][1] <= STUCK_SECONDS:
                    return
                log.warning("batch tasks waited over %.0f s for a free pool process; starting them",
                            STUCK_SECONDS)
                group = self._take_waiting()
            self.running += 1
        self._start(group)

    def _raise_prefetch(self, request: Request) -> None:
        """A batch task in hand (running, riding along or waiting) does not count against the
        prefetch until it is settled (acknowledged): else a busy worker would stop fetching
        and nothing could gather behind the running ones."""
        if self.raised < MAX_RAISED:
            self.raised += 1
            request.gatherer = self
            self.consumer.qos.increment_eventually()

    def lower_prefetch(self) -> None:
        with self.lock:
            self.raised -= 1
        self.consumer.qos.decrement_eventually()

    def _take_waiting(self, first: Request | None = None) -> list[Request]:
        """The next group: `first`, then the longest waiting, within both limits."""
        group = [first] if first is not None else []
        messages = sum(_size(request) for request in group)
        while self.waiting and len(group) < MAX_GATHERED:
            request = self.waiting[0][0]
            if group and messages + _size(request) > MAX_GATHERED_MESSAGES:
                break
            group.append(request)
            messages += _size(request)
            del self.waiting[0]
        return group

    def _finished(self) -> None:
        with self.lock:
            self.running = max(0, self.running - 1)
            if not self.waiting:
                return
            self.running += 1
            group = self._take_waiting()
        self._start(group)

    def _start(self, group: list[Request]) -> None:
        lead, riders = group[0], tuple(group[1:])
        if riders:
            lead.riders = riders
            messages = []
            for request in group:
                messages.extend((request.kwargs or {}).get("messages") or [])
            # the lead's task runs with every message of the group (the pool decodes the body)
            lead._kwargs = lead._request_dict["kwargs"] = {"messages": messages}
            lead._body = dumps([[], lead._kwargs, lead._payload[2]])
            lead._kwargsrepr = f"{{'messages': <{len(messages)} gathered from {len(group)} batches>}}"
        self._on_finish(lead)
        try:
            self.consumer.on_task_request(lead)
        except Exception:
            log.exception("could not hand a batch to the pool")
            self._finished()

    def _on_finish(self, lead: Request) -> None:
        """Count the lead's process free again once it finished, however it ended (once: a
        failure reported as on_success goes on to on_failure)."""
        done = []

        def after(method):
            def wrapped(*args, **kwargs):
                try:
                    return method(*args, **kwargs)
                finally:
                    if not done:
                        done.append(True)
                        self._finished()
            return wrapped
        lead.on_success = after(lead.on_success)
        lead.on_failure = after(lead.on_failure)
        lead.on_timeout = after(lead.on_timeout)


def _size(request: Request) -> int:
    return len((request.kwargs or {}).get("messages") or [])


class _ConsumerView:
    """The worker's consumer as the default strategy sees it, except that its task requests go
    to the gatherer."""

    def __init__(self, consumer, on_task_request):
        self._consumer = consumer
        self.on_task_request = on_task_request

    def __getattr__(self, name):
        return getattr(self._consumer, name)


def gathering_strategy(task, app, consumer, **kwargs):
    """Celery's default strategy for a batch task, its requests handed to a Gatherer."""
    gatherer = Gatherer(consumer, slots=getattr(consumer.pool, "limit", None) or 1)
    return default_strategy(task, app, _ConsumerView(consumer, gatherer.take), **kwargs)
