"""Transactional outbox: the sender side of a message between services (the consumer side,
the processed-message inbox, is shared/inbox.py).

Sender: `outbox.put(task, body)` adds the message row to the current transaction. After
that transaction commits, the row is published to the broker; if the broker is down, the
row stays and the periodic relay sends it again (`<service>.relay_outbox`). A published
row counts as delivered only when the consumer acknowledges it (`<service>.outbox_ack`,
sent after the consumer committed the effect); until then it is re-published after
OUTBOX_ACK_TIMEOUT_SECONDS, because a Redis restart without persistence forgets queued
messages. Consumers deduplicate by message id, so a re-sent message has no second effect.
"""
from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import JSON, Integer, String, Text, func, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy import event as sa_event

from shared.contract import (SCHEMA_VERSION, batch_task, outbox_ack_task, queue_of, relay_task,
                             validate_outgoing)
from shared.db import UTCDateTime, utcnow
from shared.logging import current_request_id

log = logging.getLogger(__name__)

# A row whose publish right after the commit failed is due for the relay after this long.
INLINE_PUBLISH_GRACE = timedelta(seconds=2)
MAX_BACKOFF = timedelta(minutes=10)
ACKED_RETENTION = timedelta(days=7)
MAX_BATCH = 50  # messages per broker message when one commit has several for one queue
# a published, unacknowledged message waits behind a non-empty queue at most this many ack timeouts
BACKLOG_PATIENCE = 5


class OutboxMixin:
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the message id
    task_name: Mapped[str] = mapped_column(String(120), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    published_at = mapped_column(UTCDateTime)
    acked_at = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at = mapped_column(UTCDateTime, nullable=False, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)


class ProcessedMessageMixin:
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_name: Mapped[str] = mapped_column(String(120), nullable=False)
    processed_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


def relaxed_commit(conn) -> None:
    """This transaction's commit need not wait for its WAL record to reach the disk
    (PostgreSQL's synchronous_commit off, for this transaction only): for writes that a server
    crash may take back without harm, because they are made again (an acknowledgement is
    re-sent after the next publish). The commit stays atomic; no other transaction waits less."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** min(attempts, 12)), MAX_BACKOFF)


class Outbox:
    def __init__(self, service: str, db, model, scrub_on_ack: tuple[str, ...] = ()):
        self.service = service
        self.db = db
        self.model = model
        # tasks whose payload is personal data needed only until the consumer has it (an
        # erasure request): cut down to nothing when acknowledged (see shared/scrub.py)
        self.scrub_on_ack = tuple(scrub_on_ack)

    # ---- sending ---------------------------------------------------------------------
    def put(self, task_name: str, body: dict, prevalidated: tuple[str, ...] = ()) -> str:
        """Add a message to the current transaction; it is published after the commit.

        The row is written as published (attempt 1, due again after the ack timeout): the
        publish right after the commit nearly always succeeds, and marking it would cost a
        second write and commit per change. If that publish fails, publish_committed marks the
        row due at once; if the process dies between commit and publish, the relay sends it
        when the ack timeout has passed (later if its queue is busy: see relay). `prevalidated`: see contract.validate_outgoing."""
        session = self.db.session()  # the Session behind the scoped_session proxy
        if session.in_nested_transaction():
            # the rows are kept per session until its commit; a savepoint rolled back would
            # take the rows put before it along
            raise RuntimeError("outbox.put inside a nested transaction (savepoint) is not supported")
        session.connection()  # begin the transaction now, so that a rollback forgets this row too
        message_id = uuid.uuid4().hex
        payload = {"message_id": message_id, "schema_version": SCHEMA_VERSION, "origin": self.service, **body}
        # a malformed message is a bug: fail inside the transaction
        validate_outgoing(task_name, payload, prevalidated)
        queue_of(task_name)
        now = utcnow()
        ack_timeout = timedelta(seconds=current_app.config["OUTBOX_ACK_TIMEOUT_SECONDS"])
        request_id = current_request_id()
        row = {"id": message_id, "task_name": task_name, "payload": payload, "request_id": request_id,
               "created_at": now, "published_at": now, "acked_at": None, "attempts": 1,
               "next_attempt_at": now + ack_timeout, "last_error": None}
        # inserted by one plain INSERT just before the commit (_insert_before_commit), not as ORM
        # objects: a sign-up's two messages cost one statement and no unit-of-work bookkeeping
        session.info.setdefault("outbox_rows", {}).setdefault(self, []).append(row)
        session.info.setdefault("outbox_pending", []).append(
            (self, current_app._get_current_object(), (message_id, task_name, payload, request_id)))
        return message_id

    def insert_rows(self, session: Session, rows: list[dict]) -> None:
        session.execute(insert(self.model.__table__), rows)

    def _publish(self, celery, message_id: str, task_name: str, payload: dict, request_id: str | None) -> None:
        # kwargsrepr: Celery would otherwise walk the whole payload to build a log string
        celery.send_task(task_name, kwargs={"message": payload}, task_id=message_id,
                         queue=queue_of(task_name), headers={"request_id": request_id or ""},
                         argsrepr="()", kwargsrepr=f"{{'message': <{task_name} {message_id}>}}")

    def _publish_batch(self, celery, messages: list[tuple]) -> None:
        queue = queue_of(messages[0][1])
        celery.send_task(batch_task(queue), task_id=uuid.uuid4().hex, queue=queue,
                         kwargs={"messages": [{"task": task_name, "message": payload}
                                              for _, task_name, payload, _ in messages]},
                         headers={"request_id": messages[0][3] or ""}, argsrepr="()",
                         kwargsrepr=f"{{'messages': <{len(messages)} for {queue}>}}")

    def publish_committed(self, messages: list[tuple]) -> int:
        """Publish rows just committed (held in memory: no re-read), those for one queue as one
        batch (a sign-up's mail to the registrant and to the contact person: one broker message,
        one task). Rows that could not be published are made due for the relay, which retries
        them one by one with backoff."""
        celery = current_app.extensions["celery"]
        by_queue: dict[str, list[tuple]] = {}
        for message in messages:
            by_queue.setdefault(queue_of(message[1]), []).append(message)
        # a commit that tells every registrant of an event becomes several batches: one task
        # per batch runs its messages one after another and acknowledges them at its end
        groups = [group[i:i + MAX_BATCH] for group in by_queue.values() for i in range(0, len(group), MAX_BATCH)]
        published, unpublished, error = 0, [], None
        for index, group in enumerate(groups):
            try:
                if len(group) == 1:
                    self._publish(celery, *group[0])
                else:
                    self._publish_batch(celery, group)
            except Exception as exc:  # broker down: the relay takes over
                log.warning("outbox publish of %d message(s) (%s) failed: %s", len(group), group[0][1], exc)
                error = exc
                # the broker is unlikely to be back for the next batch of this commit
                unpublished = [m[0] for rest in groups[index:] for m in rest]
                break
            published += len(group)
        if unpublished:
            now = utcnow()
            with self.db.engine.begin() as conn:
                conn.execute(update(self.model).where(self.model.id.in_(unpublished)).values(
                    published_at=None, last_error=str(error)[:1000], next_attempt_at=now + INLINE_PUBLISH_GRACE))
        return published

    def _send_and_record(self, conn, celery, row) -> int:
        now = utcnow()
        try:
            self._publish(celery, row.id, row.task_name, row.payload, row.request_id)
        except Exception as exc:  # broker down or unreachable: the relay tries again
            log.warning("outbox publish of %s (%s) failed: %s", row.id, row.task_name, exc)
            conn.execute(update(self.model).where(self.model.id == row.id).values(
                attempts=self.model.attempts + 1, last_error=str(exc)[:1000],
                next_attempt_at=now + _backoff(row.attempts + 1)))
            return 0
        ack_timeout = timedelta(seconds=current_app.config["OUTBOX_ACK_TIMEOUT_SECONDS"])
        conn.execute(update(self.model).where(self.model.id == row.id).values(
            attempts=self.model.attempts + 1, published_at=now, last_error=None,
            next_attempt_at=now + ack_timeout * (2 ** min(row.attempts, 6))))
        return 1

    @staticmethod
    def _queue_depth(celery, queue: str) -> int:
        """Messages waiting in a broker queue; 0 if it does not exist or cannot be asked."""
        try:
            with celery.connection_or_acquire() as connection:
                return connection.default_channel.queue_declare(queue=queue, passive=True).message_count
        except Exception:  # no such queue (an empty Redis list does not exist), or the broker is down
            return 0

    def relay(self, batch: int = 500) -> int:
        """Publish every unacknowledged row that is due; returns how many were sent.

        A published row whose queue still holds messages is not sent again at once: it is most
        likely waiting in that backlog (consumers slower than producers), and a copy would only
        add to it: under a backlog longer than the ack timeout, re-publishing turned into a
        storm of duplicates that slowed the consumers further. Its turn comes again one ack
        timeout later. A lost message (a Redis restart empties the queues, a worker died
        between commit and publish) is re-sent as soon as its queue is empty, and at the latest
        BACKLOG_PATIENCE ack timeouts after its last publish, busy queue or not."""
        celery = current_app.extensions["celery"]
        now = utcnow()
        sent = 0
        ack_timeout = timedelta(seconds=current_app.config["OUTBOX_ACK_TIMEOUT_SECONDS"])
        with self.db.engine.begin() as conn:
            rows = conn.execute(
                select(self.model)
                .where(self.model.acked_at.is_(None), self.model.next_attempt_at <= now)
                .order_by(self.model.created_at).limit(batch)
            ).all()
            depths: dict[str, int] = {}
            waiting: list[str] = []
            patience = ack_timeout * BACKLOG_PATIENCE
            for row in rows:
                if row.published_at is not None and now - row.published_at < patience:
                    queue = queue_of(row.task_name)
                    if queue not in depths:
                        depths[queue] = self._queue_depth(celery, queue)
                    if depths[queue] > 0:
                        waiting.append(row.id)
                        continue
                if not self._send_and_record(conn, celery, row):
                    # the broker is down: trying the rest of the batch would only hold this
                    # transaction (on SQLite the database's write lock) for batch x connect timeout
                    break
                sent += 1
            if waiting:
                conn.execute(update(self.model).where(self.model.id.in_(waiting)).values(
                    next_attempt_at=now + ack_timeout))
                log.info("outbox relay: %d unacknowledged message(s) wait behind a backlog; not re-sent yet",
                         len(waiting))
            conn.execute(self.model.__table__.delete().where(
                self.model.acked_at.is_not(None), self.model.acked_at < now - ACKED_RETENTION))
        if sent:
            log.info("outbox relay re-published %d message(s)", sent)
        return sent

    def acknowledge(self, *message_ids: str) -> None:
        if not message_ids:
            return
        with self.db.engine.begin() as conn:
            relaxed_commit(conn)  # a lost acknowledgement costs a re-publish, which the consumer drops
            conn.execute(update(self.model).where(self.model.id.in_(message_ids), self.model.acked_at.is_(None))
                         .values(acked_at=utcnow()))
            if self.scrub_on_ack:
                from shared.scrub import ERASED_PAYLOAD
                conn.execute(update(self.model).where(self.model.id.in_(message_ids),
                                                      self.model.task_name.in_(self.scrub_on_ack))
                             .values(payload=ERASED_PAYLOAD))

    def backlog(self) -> int:
        """Messages not yet acknowledged by their consumer (a Prometheus gauge)."""
        with self.db.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(self.model).where(self.model.acked_at.is_(None))).scalar_one()

    def stuck(self, older_than: timedelta) -> int:
        with self.db.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(self.model).where(
                self.model.acked_at.is_(None), self.model.created_at < utcnow() - older_than)).scalar_one()

    def register_tasks(self, celery) -> None:
        outbox = self

        # shared=False: a Celery app gets only its own service's tasks (a shared task would be added to
        # every app finalized later in the process, and the first registration of a name wins)
        @celery.task(name=relay_task(self.service), shared=False)
        def relay_outbox():
            return outbox.relay()

        @celery.task(name=outbox_ack_task(self.service), shared=False)
        def outbox_ack(message_id: str | None = None, message_ids: list[str] | None = None):
            outbox.acknowledge(*([message_id] if message_id else []), *(message_ids or []))


@sa_event.listens_for(Session, "before_commit")
def _insert_before_commit(session):
    for outbox, rows in session.info.pop("outbox_rows", {}).items():
        outbox.insert_rows(session, rows)


@sa_event.listens_for(Session, "after_commit")
def _publish_after_commit(session):
    pending = session.info.pop("outbox_pending", None)
    if not pending:
        return
    by_outbox: dict = {}
    for outbox, app, message in pending:
        by_outbox.setdefault((outbox, app), []).append(message)
    for (outbox, app), messages in by_outbox.items():
        try:
            with app.app_context():
                outbox.publish_committed(messages)
        except Exception:  # never let publishing break the request that already committed
            log.exception("publishing %d outbox message(s) after commit failed; the relay will retry", len(messages))


@sa_event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop("outbox_rows", None)
    session.info.pop("outbox_pending", None)
