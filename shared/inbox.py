"""Processed-message inbox: the consumer side of a message between services (the sender
side is shared/outbox.py).

A consumer runs a message's handler once per message id: the id is claimed by an INSERT into
its processed-messages table in the transaction of the handler's effect, so a copy (the
origin re-sends until acknowledged) fails that INSERT and has no second effect. After the
commit the message is acknowledged to its origin (`<origin>.outbox_ack`).
"""
from __future__ import annotations

import logging
from contextvars import ContextVar

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from shared.contract import BatchMessage, batch_task
from shared.db import insert_unless_present
from shared.incoming import validate_incoming

log = logging.getLogger(__name__)


class Inbox:
    """Consumer side: run a handler once per message id, then acknowledge to the origin."""

    def __init__(self, db, model):
        self.db = db
        self.model = model

    def consume(self, task_name: str, message: dict, handler) -> bool:
        """Returns True if the handler ran, False for a duplicate or an invalid message."""
        data = self._validated(task_name, message)
        if data is None:
            return False
        message_id = data["message_id"]
        session = self.db.session
        try:
            # the message id is claimed first, by its INSERT, not looked up before: a copy of a
            # message already processed fails here (a copy being processed right now waits for
            # that transaction, then fails), and a new message costs no extra round trip
            session.add(self.model(message_id=message_id, task_name=task_name))
            session.flush()
            handler(data)
            session.commit()
        except IntegrityError:
            # a copy of a message processed before, or at this moment by another worker: its
            # effect stands; else the handler's own conflict, which the caller may retry
            session.rollback()
            if session.get(self.model, message_id) is None:
                raise
            self._ack(data["origin"], message_id)
            return False
        except Exception:
            session.rollback()
            raise
        self._ack(data["origin"], message_id)
        return True

    def consume_many(self, items: list[tuple[str, dict]], handler) -> list[str]:
        """consume() for several messages (task name, message) in one transaction: their ids
        claimed by one INSERT that skips those processed before, each new one's handler run
        (`handler(task_name, data)`), one commit. Returns the ids whose handler ran. Should a
        handler fail, nothing of the batch is kept and the error is raised: the caller may
        then consume the messages one by one, each in its own transaction."""
        valid: list[tuple[str, dict]] = []
        for task_name, message in items:
            data = self._validated(task_name, message)
            if data is not None:
                valid.append((task_name, data))
        if not valid:
            return []
        session = self.db.session
        connection = session.connection()
        ran: list[str] = []
        try:
            claim = insert_unless_present(self.model.__table__, "message_id", connection.dialect.name)
            # a copy processed at this moment by another worker: this INSERT waits for its commit
            fresh = set(connection.execute(claim, [{"message_id": data["message_id"], "task_name": task_name}
                                                   for task_name, data in valid]).scalars())
            for task_name, data in valid:
                if data["message_id"] in fresh and data["message_id"] not in ran:
                    handler(task_name, data)
                    ran.append(data["message_id"])
            session.commit()
        except Exception:
            session.rollback()
            raise
        for _, data in valid:
            self._ack(data["origin"], data["message_id"])
        return ran

    def _validated(self, task_name: str, message: dict) -> dict | None:
        try:
            return validate_incoming(task_name, message)
        except ValidationError as exc:
            # a payload this version cannot read will never become readable: log, acknowledge, drop
            log.error("dropping invalid %s message %s: %s", task_name, message.get("message_id"), exc.messages)
            if message.get("origin") and message.get("message_id"):
                self._ack(message["origin"], message["message_id"])
            return None

    def _ack(self, origin: str, message_id: str) -> None:
        pending = _pending_acks.get()
        if pending is not None:  # inside a batch: one acknowledgement per origin at its end
            pending.setdefault(origin, []).append(message_id)
            return
        send_acks(origin, [message_id])


def send_acks(origin: str, message_ids: list[str]) -> None:
    """Inside a worker's task, gathered with the process's other acknowledgements for
    OUTBOX_ACK_DELAY_SECONDS and sent together (shared/acks.py); elsewhere at once."""
    from celery import current_task

    from shared import acks
    celery = current_app.extensions["celery"]
    delay = float(current_app.config.get("OUTBOX_ACK_DELAY_SECONDS") or 0)
    if delay > 0 and current_task and not current_task.request.called_directly:
        acks.BUFFER.add(celery, origin, message_ids, delay)
    else:
        acks.send_now(celery, origin, message_ids)


# acknowledgements collected while a batch is handled: {origin: [message ids]}
_pending_acks: ContextVar[dict | None] = ContextVar("pending_acks", default=None)


def consume_batches_whole(celery, consume) -> None:
    """Let `consume(items)` take a whole batch at once (items: [{"task", "message"}]): one
    transaction for all its messages instead of one each. It returns how many it handled, or
    None for a batch it does not take; if it raises, the batch is handled message by message."""
    celery.consume_whole_batch = consume


def register_batch_consumer(celery, service: str) -> None:
    """`<service>.batch`: hand each message of a batch to its own task, in this process and in
    order, as if it had come alone; acknowledge them together at the end. A message that fails
    is not acknowledged, so its origin relays it again (alone) after the ack timeout."""
    # batch tasks that wait for a free pool process run as one (shared/gather.py)
    @celery.task(name=batch_task(service), shared=False,
                 Strategy="shared.gather:gathering_strategy", Request="shared.gather:GatheredRequest")
    def batch(messages: list):
        try:
            items = BatchMessage().load({"messages": messages})["messages"]
        except ValidationError as exc:
            log.error("dropping an unreadable %s batch: %s", service, exc.messages)
            return 0
        pending: dict = {}
        token = _pending_acks.set(pending)
        try:
            whole = getattr(celery, "consume_whole_batch", None)
            if whole is not None and len(items) > 1:
                try:
                    handled = whole(items)
                except Exception:
                    log.warning("a %s batch of %d failed as a whole; handling its messages one by one",
                                service, len(items), exc_info=True)
                    pending.clear()
                else:
                    if handled is not None:
                        return handled
            return _one_by_one(celery, service, items)
        finally:
            _pending_acks.reset(token)
            for origin, ids in pending.items():
                send_acks(origin, ids)


def _one_by_one(celery, service: str, items: list[dict]) -> int:
    handled, failures = 0, []
    for item in items:
        task = celery.tasks.get(item["task"])
        if task is None or item["task"].split(".", 1)[0] != service:
            log.error("a %s batch holds %r, which is no task of this service", service, item["task"])
            continue
        try:
            task(message=item["message"])
            handled += 1
        except Exception as exc:  # the others still run; this one comes back through the relay
            log.exception("%s %s failed inside a batch", item["task"], item["message"].get("message_id"))
            failures.append(exc)
    if failures:
        raise failures[0]
    return handled
