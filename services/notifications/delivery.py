"""Sending a message row: claim it, talk SMTP, record the outcome.

Exactly once, as far as SMTP allows:
- A delivery first *claims* the row: one guarded UPDATE (status still "queued", no live
  lease) sets `lease_until` and counts the attempt, and commits. Of two workers running
  the same delivery (a task redelivered, the sweeper and a retry at once) only one wins;
  the other sends nothing. A row is usually claimed at birth instead: the task that
  consumes a contract message writes the row with its lease in the same transaction and
  sends it right after the commit (`lease_at_birth`, `send_leased`).
- After the SMTP server accepted the mail (250 after DATA) the row becomes "sent".
- A worker killed (SIGKILL, OOM, node lost) while it holds the lease leaves the row
  "queued"; when the lease has run out the sweeper (`notifications.sweep`) hands it to a
  worker again. If the server had not yet accepted the mail, nothing arrived and the
  retry delivers it: the mail arrives once.
- The window we accept: the server accepted the mail but the worker died before it
  committed "sent" (milliseconds between the 250 reply and our UPDATE). Then the mail is
  sent a second time after the lease; it carries the same Message-ID, by which mail
  clients and many providers recognise the duplicate. SMTP has no way to close this
  window from the client side.
- The lease must outlast any send (SMTP_TIMEOUT_SECONDS per socket operation): the default
  lease is 120 s against a 30 s timeout (a warning is logged below three times).

Long retry delays live in `next_attempt_at` (read by the sweeper), not in broker countdowns;
only short delays are also scheduled with a countdown to keep them short.
"""
from __future__ import annotations

import functools
import logging
import random
import time
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from prometheus_client import Counter
from sqlalchemy import bindparam, or_, select, update

from shared.db import utcnow

from . import mailer, mime, undeliverable
from .models import Message, db
from .safety import InvalidAddress

log = logging.getLogger(__name__)

DELIVER_TASK = "notifications.deliver"

MAILS_SENT = Counter("civic_mails_sent_total", "Mails accepted by the SMTP server", ["kind"])
MAILS_FAILED = Counter("civic_mails_failed_total", "Mails given up on", ["kind", "reason"])
MAIL_RETRIES = Counter("civic_mail_retries_total", "SMTP attempts that failed temporarily and will be retried")
MAIL_CLAIMS_LOST = Counter("civic_mail_claims_lost_total",
                           "Deliveries that found their mail already sent, failed or being sent by another worker")


def _kind_label(kind: str) -> str:
    return kind.split(".")[0] + ("." + kind.split(".")[1] if "." in kind else "")


def backoff(attempts: int, config) -> float:
    """Exponential backoff with jitter: base·2^(n-1), capped, times a random 0.5–1.0."""
    base = float(config["MAIL_RETRY_BASE_SECONDS"])
    cap = float(config["MAIL_RETRY_MAX_SECONDS"])
    return min(cap, base * (2 ** max(0, attempts - 1))) * random.uniform(0.5, 1.0)


def _lease_length() -> timedelta:
    return timedelta(seconds=float(current_app.config["DELIVERY_LEASE_SECONDS"]))


def _take_lease(row_id: int, *guard, **values) -> bool:
    """One guarded UPDATE that gives this worker the row for a lease, committed at once;
    False if the row is not queued or `guard` does not hold."""
    now = utcnow()
    result = db.session.execute(
        update(Message).where(Message.id == row_id, Message.status == "queued", *guard)
        # should this worker vanish, the sweeper looks again once the lease is over
        .values(lease_until=now + _lease_length(), next_attempt_at=now + _lease_length(), **values)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def claim(row_id: int) -> bool:
    return _take_lease(row_id, or_(Message.lease_until.is_(None), Message.lease_until < utcnow()),
                       attempts=Message.attempts + 1)


_messages = Message.__table__


def _record(row_ids: int | list[int], **values) -> None:
    """Write the outcome of one row or of several; retried briefly, since losing it after a
    send means a duplicate. A Core UPDATE on the table: the ORM's bulk-update path cost as much
    CPU as the send."""
    ids = [row_ids] if isinstance(row_ids, int) else list(row_ids)
    for attempt in range(5):
        try:
            if values.get("status") == "failed":
                for row_id in ids:
                    undeliverable.report_row(row_id, values.get("last_error"))
            db.session.connection().execute(_outcome_update(tuple(sorted(values))), {"ids": ids, **values})
            db.session.commit()
            return
        except Exception:
            db.session.rollback()
            if attempt == 4:
                raise
            log.warning("recording the outcome of message(s) %s failed; retrying", ids, exc_info=True)
            time.sleep(0.2 * (attempt + 1))


@functools.lru_cache(maxsize=16)
def _outcome_update(columns: tuple[str, ...]):
    """UPDATE of a queued row's outcome, built once per set of columns (building a statement
    for each outcome cost more than running it)."""
    return (update(_messages).where(_messages.c.id.in_(bindparam("ids", expanding=True)),
                                    _messages.c.status == "queued")
            .values(lease_until=None, **{name: bindparam(name) for name in columns}))


class Prepared(NamedTuple):
    """A claimed row, turned into a mail while its data was at hand."""
    row_id: int
    kind: str
    recipient: str
    attempts: int
    mail: mime.RawMail | None
    error: Exception | None  # building the mail failed (e.g. an address the mail library refuses)
    lease_until: datetime | None = None  # set for a row leased at birth (see send_leased)


def prepare(row: Message, recipient_checked: bool = False) -> Prepared:
    try:
        mail, error = mime.build(row, current_app.config, recipient_checked), None
    except Exception as exc:  # reported, with the row's outcome, by send()
        mail, error = None, exc
    return Prepared(row.id, row.kind, row.recipient, row.attempts, mail, error)


def lease_at_birth(rows: list[Message]) -> list[Prepared]:
    """Claim rows created in the current transaction for the task that created them: the
    lease is part of that transaction's commit, so no separate claim is needed and no other
    worker can take them meanwhile. If this worker dies, the lease runs out and the sweeper
    hands them on, as for any claimed row (queue_message wrote them, with their ids)."""
    now, lease = utcnow(), _lease_length()
    prepared = []
    for row in rows:
        if row.status != "queued":
            continue
        if row.lease_until is None:  # not born leased (see born_leased): leased by one more UPDATE
            row.lease_until, row.next_attempt_at = now + lease, now + lease
            row.attempts = (row.attempts or 0) + 1
            db.session.execute(update(_messages).where(_messages.c.id == row.id).values(
                lease_until=row.lease_until, next_attempt_at=row.next_attempt_at, attempts=row.attempts))
        # queue_message wrote the row with an address that passed clean_address
        prepared.append(prepare(row, recipient_checked=True)._replace(lease_until=row.lease_until))
    return prepared


# Set while a consumer composes the rows it will send itself: queue_message then writes them
# leased (attempt 1, the lease's end) in their INSERT, instead of an UPDATE of each row later.
born_leased: ContextVar[datetime | None] = ContextVar("born_leased", default=None)


def birth_lease() -> datetime:
    return utcnow() + _lease_length()


def send_leased(prepared: Prepared) -> str:
    """send() for a row leased at birth."""
    outcome = _send_leased(prepared)
    if outcome == "sent":
        _record_sent([prepared])
    return outcome


def send_all_leased(prepared: list[Prepared]) -> list[str]:
    """send_leased() for the mails of a batch, one after another on the kept connection, those
    that went out recorded by one UPDATE at the end (failures and retries at once, each). The
    window in which a worker that dies sends a mail twice after its lease grows from the moment
    between the server's 250 and the UPDATE to the batch's remaining mails: a sign-up's two."""
    outcomes, sent = [], []
    for mail in prepared:
        outcome = _send_leased(mail)
        outcomes.append(outcome)
        if outcome == "sent":
            sent.append(mail)
    _record_sent(sent)
    return outcomes


def _send_leased(prepared: Prepared) -> str:
    """The mails of one message go out one after another (a message to several contact
    persons, a slow SMTP server): once half the lease has passed, it is renewed first, and if
    the row is no longer ours — the sweeper handed it to another worker after the lease ran
    out, or it was erased — nothing is sent."""
    if prepared.lease_until is not None and utcnow() >= prepared.lease_until - _lease_length() / 2:
        if not _take_lease(prepared.row_id, Message.lease_until == prepared.lease_until):
            MAIL_CLAIMS_LOST.inc()
            return "skipped"
    return _attempt(prepared)


def deliver(row_id: int) -> str:
    """Send one message row if it still needs sending. Returns what happened (for logs and tests)."""
    if not claim(row_id):
        MAIL_CLAIMS_LOST.inc()
        return "skipped"
    row = db.session.execute(select(Message).where(Message.id == row_id)).scalar_one_or_none()
    if row is None:  # erased meanwhile
        return "gone"
    return send(prepare(row))


def send(prepared: Prepared) -> str:
    """Hand a claimed, prepared row to SMTP and record the outcome."""
    outcome = _attempt(prepared)
    if outcome == "sent":
        _record_sent([prepared])
    return outcome


def _record_sent(prepared: list[Prepared]) -> None:
    if not prepared:
        return
    _record([mail.row_id for mail in prepared], status="sent", sent_at=utcnow(), last_error=None)
    for mail in prepared:
        MAILS_SENT.labels(_kind_label(mail.kind)).inc()
        log.info("message %s (%s) sent to %s", mail.row_id, mail.kind, mail.recipient)


def _attempt(prepared: Prepared) -> str:
    """Hand a claimed, prepared row to SMTP; a failure is recorded here, a success ("sent")
    by the caller."""
    config = current_app.config
    row_id, recipient, attempts = prepared.row_id, prepared.recipient, prepared.attempts
    kind = _kind_label(prepared.kind)
    try:
        if prepared.error is not None:
            raise prepared.error
        mailer.send(prepared.mail, config)
    except (mailer.PermanentFailure, InvalidAddress) as exc:
        _record(row_id, status="failed", last_error=str(exc)[:1000])
        MAILS_FAILED.labels(kind, "permanent").inc()
        log.warning("message %s to %s failed permanently: %s", row_id, recipient, exc)
        return "failed"
    except mailer.TemporaryFailure as exc:
        if attempts >= int(config["MAIL_MAX_ATTEMPTS"]):
            _record(row_id, status="failed", last_error=f"gave up after {attempts} attempts: {exc}"[:1000])
            MAILS_FAILED.labels(kind, "retries_exhausted").inc()
            log.warning("message %s to %s failed after %d attempts: %s", row_id, recipient, attempts, exc)
            return "failed"
        delay = backoff(attempts, config)
        _record(row_id, last_error=str(exc)[:1000], next_attempt_at=utcnow() + timedelta(seconds=delay))
        MAIL_RETRIES.inc()
        log.info("message %s: temporary failure (%s); attempt %d again in %.1fs", row_id, exc, attempts + 1, delay)
        if delay <= float(config["SHORT_RETRY_SECONDS"]):
            enqueue([row_id], countdown=delay)
        return "retry"
    except Exception as exc:
        # a bug or broken row: leave it queued; after the lease the sweeper tries again, up to the limit
        db.session.rollback()
        log.exception("message %s: unexpected error while sending", row_id)
        if attempts >= int(config["MAIL_MAX_ATTEMPTS"]):
            _record(row_id, status="failed", last_error=f"{exc.__class__.__name__}: {exc}"[:1000])
            MAILS_FAILED.labels(kind, "error").inc()
        return "error"
    return "sent"


def enqueue(row_ids, countdown: float | None = None) -> int:
    """Hand rows to the workers; a broker that is down is fine (the sweeper re-drives them)."""
    celery = current_app.extensions["celery"]
    sent = 0
    for row_id in row_ids:
        try:
            celery.send_task(DELIVER_TASK, args=[row_id], countdown=countdown, queue="notifications")
            sent += 1
        except Exception as exc:
            log.warning("could not enqueue delivery of message %s (the sweeper will): %s", row_id, exc)
            break
    return sent


def sweep(limit: int = 500) -> int:
    """Re-drive queued rows that are due: retries whose time came, rows whose worker vanished,
    rows whose delivery task was lost with the broker."""
    now = utcnow()
    ids = db.session.execute(
        select(Message.id).where(Message.status == "queued", Message.next_attempt_at <= now,
                                 or_(Message.lease_until.is_(None), Message.lease_until < now))
        .order_by(Message.next_attempt_at).limit(limit)).scalars().all()
    if not ids:
        db.session.rollback()
        return 0
    # not swept again before a worker had time to take them
    again = now + timedelta(seconds=float(current_app.config["SWEEP_REDRIVE_SECONDS"]))
    db.session.execute(update(Message).where(Message.id.in_(ids), Message.status == "queued",
                                             Message.next_attempt_at <= now)
                       .values(next_attempt_at=again).execution_options(synchronize_session=False))
    db.session.commit()
    sent = enqueue(ids)
    if sent:
        log.info("sweeper re-drove %d message(s)", sent)
    return sent
