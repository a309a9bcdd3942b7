"""What notifications keeps: every outgoing mail (before it is sent), the registrations it
needs for reminders, the contact notifications waiting for a daily digest, and the ids of
consumed messages."""
from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, utcnow
from shared.outbox import Outbox, OutboxMixin, ProcessedMessageMixin


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

STATUSES = ("queued", "sent", "failed")


class Message(db.Model):
    """One mail to one recipient. The row exists before the first SMTP attempt; its status
    decides whether a (re)delivered task sends anything."""
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # what caused the mail, unique per mail: the contract message id (plus the recipient for
    # mails to several contacts), or "reminder:…", "digest:…", "bulk:…"
    source_key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)  # e.g. "registration.confirmed"
    recipient: Mapped[str] = mapped_column(String(320), nullable=False, index=True)
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    # the person a mail is about (the registrant in a contact's notification): erased with them
    about_email: Mapped[str | None] = mapped_column(String(320), index=True)
    locale: Mapped[str] = mapped_column(String(5), nullable=False)
    subject: Mapped[str] = mapped_column(String(500), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str | None] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    ics_method: Mapped[str | None] = mapped_column(String(10))
    headers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # extra headers, already clean
    rfc_message_id: Mapped[str] = mapped_column(String(250), nullable=False, unique=True)  # stable Message-ID

    registration_id: Mapped[str | None] = mapped_column(String(64), index=True)
    event_id: Mapped[int | None] = mapped_column(Integer, index=True)
    organizer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # one of an organizer's mailings to the registrants of an event (registrations keeps the mailing)
    mailing_id: Mapped[str | None] = mapped_column(String(64), index=True)

    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    # a worker that claimed the row owns the SMTP attempt until then; nobody else sends it meanwhile
    lease_until = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = mapped_column(UTCDateTime)


class Attendee(db.Model):
    """The latest state of one registration as the registration mails told it (for reminders)."""
    __tablename__ = "attendees"

    registration_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    organizer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str] = mapped_column(String(320), nullable=False, index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(30), nullable=False)
    session_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    event: Mapped[dict] = mapped_column(JSON, nullable=False)  # newest snapshot seen
    event_revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    links: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    starts_at = mapped_column(UTCDateTime, nullable=False, index=True)  # first session the person attends
    remind_at = mapped_column(UTCDateTime, index=True)  # None: no reminder
    reminded_for = mapped_column(UTCDateTime)  # the start a reminder was sent for
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class DigestItem(db.Model):
    """A sign-up or cancellation waiting for the contact persons' daily digest."""
    __tablename__ = "digest_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    organizer_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    registrant_name: Mapped[str | None] = mapped_column(String(200))
    registrant_email: Mapped[str | None] = mapped_column(String(320), index=True)
    companions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    event: Mapped[dict] = mapped_column(JSON, nullable=False)
    availability: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    digested_at = mapped_column(UTCDateTime, index=True)


class ProcessedMessage(ProcessedMessageMixin, db.Model):
    __tablename__ = "processed_messages"


class OutboxMessage(OutboxMixin, db.Model):
    """What notifications tells other services (a mail that failed for good), sent after commit."""
    __tablename__ = "outbox_messages"


outbox = Outbox("notifications", db, OutboxMessage)
