"""Acknowledgements of a worker process, gathered for a moment and sent together.

Every consumed message is acknowledged to its origin (`<origin>.outbox_ack`), which marks
its outbox row. One acknowledgement per message (per sign-up, say) cost the origin's worker
a whole Celery task and a PostgreSQL transaction each, and this worker a publish: under
load as much CPU as the mail itself. A worker process now sends what it gathered over
OUTBOX_ACK_DELAY_SECONDS as one task per origin. An acknowledgement lost with the process
(killed before the flush) only means that the origin publishes the message again after its
ack timeout; the consumer recognises the copy by its id and acknowledges it then.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading

log = logging.getLogger(__name__)


class AckBuffer:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending: dict[tuple[int, str], tuple[object, list[str]]] = {}  # (id(celery), origin)
        self._timer: threading.Timer | None = None
        self._pid = os.getpid()

    def add(self, celery, origin: str, message_ids: list[str], delay: float) -> None:
        with self._lock:
            if self._pid != os.getpid():  # a forked pool child: nothing of the parent's is ours
                self._pending, self._timer, self._pid = {}, None, os.getpid()
            entry = self._pending.setdefault((id(celery), origin), (celery, []))
            entry[1].extend(message_ids)
            if self._timer is None:
                self._timer = threading.Timer(delay, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending, self._timer = self._pending, {}, None
        for (_, origin), (celery, ids) in pending.items():
            send_now(celery, origin, ids)


def send_now(celery, origin: str, message_ids: list[str]) -> None:
    from shared.contract import outbox_ack_task
    kwargs = {"message_id": message_ids[0]} if len(message_ids) == 1 else {"message_ids": message_ids}
    try:
        celery.send_task(outbox_ack_task(origin), kwargs=kwargs, queue=origin)
    except Exception as exc:  # the origin re-sends; we deduplicate and acknowledge again
        log.warning("could not acknowledge %d message(s) to %s: %s", len(message_ids), origin, exc)


BUFFER = AckBuffer()
atexit.register(BUFFER.flush)
