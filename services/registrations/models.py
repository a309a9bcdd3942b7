"""Registrations, the seats they hold, and the local replica of each event.

Seats live in `seat_pools`: one row per event (its capacity) and one per session that is
booked on its own. A reservation is one guarded UPDATE on such a row (see domain/seats.py),
so the database, not the application, decides who gets the last seat.
"""
from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared import contract
from shared.db import UTCDateTime, utcnow
from shared.outbox import Outbox, OutboxMixin, ProcessedMessageMixin


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

STATUSES = ("pending_confirmation", "confirmed", "waitlisted", "pending_approval",
            "cancelled", "rejected", "expired")
# a person with one of these has a say on the event: a second sign-up gets no second seat
ACTIVE_STATUSES = ("pending_confirmation", "confirmed", "waitlisted", "pending_approval")
# still blocks a new sign-up with the same address (the organizer said no)
BLOCKING_STATUSES = ACTIVE_STATUSES + ("rejected",)


class EventReplica(db.Model):
    """The newest snapshot of an event we know of (event-carried state from the events service)."""
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organizer_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, index=True)
    starts_at = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at = mapped_column(UTCDateTime, nullable=False, index=True)
    data: Mapped[dict] = mapped_column(JSON, nullable=False)  # the public representation (contract)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # personal data of this event's registrations was removed by the retention job
    retention_done_at = mapped_column(UTCDateTime)


class SeatPool(db.Model):
    __tablename__ = "seat_pools"
    __table_args__ = (
        UniqueConstraint("event_id", "session_id", name="uq_seat_pools_event_session"),
        CheckConstraint("taken >= 0", name="ck_seat_pools_taken"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    # 0: the event as a whole (NULL would not be unique); else the session's id
    session_id: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    taken: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # one active registration per address and event; cancelled/expired ones have NULL here
        UniqueConstraint("event_id", "active_email", name="uq_registrations_active_email"),
        CheckConstraint("companions >= 0", name="ck_registrations_companions"),
        Index("ix_registrations_event_status", "event_id", "status", "created_at"),
        Index("ix_registrations_status_expires", "status", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, not guessable
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False)
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str] = mapped_column(String(320), nullable=False, index=True)  # lower-cased
    active_email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(2))
    companions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    session_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    answers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # the seat pools this registration holds seats in right now (1 + companions in each)
    held_pool_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = mapped_column(UTCDateTime)  # until then an unconfirmed sign-up holds its seats
    confirmed_at = mapped_column(UTCDateTime)
    decided_at = mapped_column(UTCDateTime)  # approved / rejected by the organizer
    cancelled_at = mapped_column(UTCDateTime)
    checked_in_at = mapped_column(UTCDateTime)
    anonymized_at = mapped_column(UTCDateTime)
    # the member ({id, name}) who did it in the workspace; None for the registrant or an API token
    checked_in_by: Mapped[dict | None] = mapped_column(JSON)
    decided_by: Mapped[dict | None] = mapped_column(JSON)  # approved, rejected, promoted
    cancelled_by: Mapped[dict | None] = mapped_column(JSON)  # None: the registrant cancelled
    # a mail to the registrant failed for good (notifications told us): when, and why
    mail_failed_at = mapped_column(UTCDateTime)
    mail_error: Mapped[str | None] = mapped_column(Text)

    @property
    def seats(self) -> int:
        return 1 + (self.companions or 0)


class Mailing(db.Model):
    """An organizer's message to an audience of an event's registrants; each registrant's copy
    is an outbox message to notifications (which keeps the delivery of each)."""
    __tablename__ = "mailings"
    __table_args__ = (UniqueConstraint("event_id", "idempotency_key", name="uq_mailings_event_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    audience: Mapped[str] = mapped_column(String(12), nullable=False)  # contract.MAILING_AUDIENCES
    session_id: Mapped[int | None] = mapped_column(Integer)  # audience "session"
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    recipients: Mapped[int] = mapped_column(Integer, nullable=False)
    sent_by: Mapped[dict | None] = mapped_column(JSON)  # the member; None: an API token
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class IdempotencyKey(db.Model):
    """The answer to a POST made with an Idempotency-Key header, kept for a day."""
    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int] = mapped_column(Integer, nullable=False)
    response: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)


class OutboxMessage(OutboxMixin, db.Model):
    __tablename__ = "outbox_messages"


class ProcessedMessage(ProcessedMessageMixin, db.Model):
    __tablename__ = "processed_messages"


# the erasure request to notifications names the person: kept only until notifications has it
outbox = Outbox("registrations", db, OutboxMessage, scrub_on_ack=(contract.ERASE_PERSON,))

__all__ = ["db", "outbox", "EventReplica", "SeatPool", "Registration", "Mailing", "IdempotencyKey", "OutboxMessage",
           "ProcessedMessage", "STATUSES", "ACTIVE_STATUSES", "BLOCKING_STATUSES"]
