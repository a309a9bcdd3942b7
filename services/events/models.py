"""The events domain: organizers, series, events with sessions, agenda, contacts and policy."""
from __future__ import annotations

from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UTCDateTime, utcnow
from shared.outbox import Outbox, OutboxMixin, ProcessedMessageMixin


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

LANGUAGES = ("de", "en")
FORMATS = ("in_person", "online", "hybrid")
STATUSES = ("draft", "published", "cancelled")
REGISTRATION_MODES = ("required", "optional", "none")
CONTACT_NOTIFICATIONS = ("each", "daily_digest", "none")


class Organizer(db.Model):
    """A public body (or one of its departments) that publishes events."""
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # origins (https://www.kiel.de) whose pages may frame the sign-up (CSP frame-ancestors)
    embed_origins: Mapped[list | None] = mapped_column(JSON)  # None: no site may
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="organizer", cascade="all, delete-orphan")


class ApiToken(db.Model):
    """Only the SHA-256 of a token is kept: tokens are long random strings, not passwords."""
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="CASCADE"), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at = mapped_column(UTCDateTime)
    revoked_at = mapped_column(UTCDateTime)

    organizer: Mapped[Organizer] = relationship(back_populates="tokens")


class Series(db.Model):
    """Events that belong together: a workshop series, a recurring meeting."""
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    # a series may announce more parts than are scheduled yet ("Teil einer vierteiligen Reihe")
    planned_parts: Mapped[int | None] = mapped_column(Integer)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    organizer: Mapped[Organizer] = relationship()
    events: Mapped[list["Event"]] = relationship(back_populates="series", order_by="Event.starts_at")


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ck_events_ends_after_start"),
        CheckConstraint("registration_capacity IS NULL OR registration_capacity >= 0", name="ck_events_capacity"),
        CheckConstraint("price_amount_cents >= 0", name="ck_events_price"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), nullable=False, index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    series_position: Mapped[int | None] = mapped_column(Integer)

    title: Mapped[str] = mapped_column(String(300), nullable=False)
    summary: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="de")
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="Europe/Berlin")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    format: Mapped[str] = mapped_column(String(20), nullable=False, default="in_person")
    audience: Mapped[str | None] = mapped_column(Text)  # "Zielgruppe"
    tags: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    venue_name: Mapped[str | None] = mapped_column(String(300))
    venue_street: Mapped[str | None] = mapped_column(String(300))
    venue_postal_code: Mapped[str | None] = mapped_column(String(20))
    venue_city: Mapped[str | None] = mapped_column(String(120))
    online_url: Mapped[str | None] = mapped_column(String(1000))

    price_amount_cents: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    price_currency: Mapped[str] = mapped_column(String(3), nullable=False, default="EUR")
    price_note: Mapped[str | None] = mapped_column(String(300))

    # registration policy; sessions may narrow it (own capacity, own mode)
    registration_mode: Mapped[str] = mapped_column(String(10), nullable=False, default="required")
    registration_opens_at = mapped_column(UTCDateTime)
    registration_closes_at = mapped_column(UTCDateTime)
    registration_capacity: Mapped[int | None] = mapped_column(Integer)
    registration_waitlist: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    registration_approval: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    registration_max_companions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    registration_questions: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    reminder_hours_before: Mapped[int] = mapped_column(Integer, nullable=False, default=24)
    contact_notifications: Mapped[str] = mapped_column(String(20), nullable=False, default="each")

    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft", index=True)
    published_at = mapped_column(UTCDateTime)
    cancelled_at = mapped_column(UTCDateTime)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    # the start before a published event was moved (schema.org EventRescheduled, previousStartDate)
    previous_starts_at = mapped_column(UTCDateTime)
    # bumped on every change; registrations keeps the newest snapshot by it
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # what an import read from an announcement ({"fields": {...}, "missing": [...]}), kept while
    # the draft is reviewed so the editor can show where each value came from
    import_report: Mapped[dict | None] = mapped_column(JSON)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    organizer: Mapped[Organizer] = relationship()
    series: Mapped[Series | None] = relationship(back_populates="events")
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Contact.position")
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(EventSession.starts_at, EventSession.id)")
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(AgendaItem.starts_at, AgendaItem.position)")


class Contact(db.Model):
    """Who to ask about the event; also who is told of sign-ups."""
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))

    event: Mapped[Event] = relationship(back_populates="contacts")


class EventSession(db.Model):
    """A dated part of an event (a day's workshop, a module) with its own seats."""
    __tablename__ = "event_sessions"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ck_sessions_ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_sessions_capacity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration: Mapped[str] = mapped_column(String(10), nullable=False, default="required")

    event: Mapped[Event] = relationship(back_populates="sessions")


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    speakers: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    event: Mapped[Event] = relationship(back_populates="agenda")


MEMBER_ROLES = ("owner", "editor")


class Member(db.Model):
    """A person of an organizer who signs in to the workspace. Removed members are kept
    (removed_at) so the history still names who made a change."""
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # kept lower-cased: people type their address in any case
    email: Mapped[str] = mapped_column(String(320), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(10), nullable=False, default="editor")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    removed_at = mapped_column(UTCDateTime)

    organizer: Mapped[Organizer] = relationship()


class MemberSession(db.Model):
    """A signed-in member's bearer token (only its SHA-256 kept); ends when unused for the idle
    time, when revoked (sign-out) or when the member is removed."""
    __tablename__ = "member_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at = mapped_column(UTCDateTime)

    member: Mapped[Member] = relationship()


class SignInLink(db.Model):
    """The token of a sign-in mail's link (hashed): single use, short-lived."""
    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime)

    member: Mapped[Member] = relationship()


class EventChange(db.Model):
    """One entry of an event's history: what was done, to which fields, by which member."""
    __tablename__ = "event_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    fields: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # None: an API token or a command, not a member; the name is kept as it was then
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    member_name: Mapped[str | None] = mapped_column(String(200))


class OutboxMessage(OutboxMixin, db.Model):
    __tablename__ = "outbox_messages"


class ProcessedMessage(ProcessedMessageMixin, db.Model):
    __tablename__ = "processed_messages"


outbox = Outbox("events", db, OutboxMessage)
