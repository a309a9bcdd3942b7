"""Every Celery message that crosses a service boundary: its task name and payload schema.

A service sends by name (`celery.send_task(name, kwargs={"message": payload})`) and never
imports another service. Each payload carries `message_id` (unique; consumers deduplicate
on it), `schema_version`, and `origin` (the sending service, which receives the
acknowledgement `<origin>.outbox_ack` once the consumer has committed the effect).
Adding optional fields is compatible; removing or renaming a field needs a new version.
"""
from __future__ import annotations

import functools

from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, validate

SCHEMA_VERSION = 1
SERVICES = ("events", "registrations", "notifications")

# ---- task names --------------------------------------------------------------------------
# events → registrations: the public state and registration policy of one event
EVENT_SNAPSHOT = "registrations.event_snapshot"
# registrations → notifications: one mail about one registration (kind says which)
REGISTRATION_MAIL = "notifications.registration_mail"
# registrations → notifications: the contact person(s) of an event learn of a sign-up/cancellation
CONTACT_MAIL = "notifications.contact_mail"
# registrations → notifications: the event changed or was cancelled; tell one registrant
EVENT_CHANGE_MAIL = "notifications.event_change_mail"
# registrations → notifications: erase everything kept about one person (GDPR request)
ERASE_PERSON = "notifications.erase_person"
# events → notifications: a mail to a member of an organizer (the workspace's sign-in link)
MEMBER_MAIL = "notifications.member_mail"
# registrations → notifications: the organizer's own text to one registrant (one of a mailing
# to an audience of the event; registrations owns the registrants, so it picks them)
ORGANIZER_MAIL = "notifications.organizer_mail"
# notifications → registrations: a mail to a registrant failed for good (a refused address,
# retries used up); an unconfirmed hold is freed and the organizer sees it in the list
MAIL_FAILED = "registrations.mail_failed"


def outbox_ack_task(service: str) -> str:
    """The task a consumer sends back to the origin once a message took effect."""
    return f"{service}.outbox_ack"


def batch_task(service: str) -> str:
    """Several messages for one service committed in one transaction travel as one broker
    message (kwargs {"messages": [{"task": name, "message": payload}, ...]}); the consumer
    handles each as if it had come alone (deduplicated, acknowledged). A relayed message
    always travels alone."""
    return f"{service}.batch"


def relay_task(service: str) -> str:
    return f"{service}.relay_outbox"


REGISTRATION_MAIL_KINDS = (
    "confirm_email",      # double opt-in: "please confirm your email"
    "confirmed",          # "you are registered" (+ .ics)
    "waitlisted",         # "you are on the waiting list"
    "promoted",           # "a seat is free — you are registered"
    "pending_approval",   # "the organizer will review your registration"
    "cancelled",          # "your registration was cancelled"
    "rejected",           # "your registration was rejected"
    "expired",            # "your unconfirmed registration expired"
    "cancelled_by_organizer",  # "the organizer cancelled your registration" (+ their note)
)
MAILING_AUDIENCES = ("all", "confirmed", "waitlisted", "session")
CONTACT_MAIL_KINDS = ("new_registration", "cancellation", "nearly_full", "full")
EVENT_CHANGE_KINDS = ("changed", "cancelled")
MEMBER_MAIL_KINDS = ("sign_in_link",)


class _Envelope(Schema):
    class Meta:
        unknown = EXCLUDE

    message_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    schema_version = fields.Integer(required=True, validate=validate.Range(min=1))
    origin = fields.String(required=True, validate=validate.OneOf(SERVICES))


# ---- event snapshot ----------------------------------------------------------------------
class _Place(Schema):
    class Meta:
        unknown = EXCLUDE
    name = fields.String(allow_none=True)
    street = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    city = fields.String(allow_none=True)


class _Contact(Schema):
    class Meta:
        unknown = EXCLUDE
    name = fields.String(required=True)
    role = fields.String(allow_none=True, load_default=None)  # events publishes it; mails show it
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class _SnapshotSession(Schema):
    class Meta:
        unknown = EXCLUDE
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    starts_at = fields.String(required=True)  # ISO 8601 with offset
    ends_at = fields.String(required=True)
    capacity = fields.Integer(allow_none=True)  # None: no limit
    registration = fields.String(required=True)  # "required" | "optional" | "none"


class _Question(Schema):
    class Meta:
        unknown = EXCLUDE
    key = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(required=True)  # "text" | "choice" | "boolean"
    required = fields.Boolean(load_default=False)
    options = fields.List(fields.String(), load_default=list)


class _Policy(Schema):
    class Meta:
        unknown = EXCLUDE
    mode = fields.String(required=True)  # "required" | "optional" | "none"
    opens_at = fields.String(allow_none=True)
    closes_at = fields.String(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    waitlist = fields.Boolean(required=True)
    approval = fields.Boolean(required=True)
    max_companions = fields.Integer(required=True)
    questions = fields.List(fields.Nested(_Question), load_default=list)


class SnapshotEventSchema(Schema):
    """The public representation of an event (API.md's event fields) as registrations stores it.

    Fields beyond these (audience, tags, revision, ...) pass through unchanged."""

    class Meta:
        unknown = INCLUDE

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    language = fields.String(required=True)
    timezone = fields.String(required=True)
    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    format = fields.String(required=True)
    venue = fields.Nested(_Place, allow_none=True)
    online_url = fields.String(allow_none=True)
    price = fields.Dict(allow_none=True)  # {amount_cents, currency, note}
    organizer = fields.Dict(required=True)  # {id, name}
    contacts = fields.List(fields.Nested(_Contact), load_default=list)
    series = fields.Dict(allow_none=True)
    sessions = fields.List(fields.Nested(_SnapshotSession), load_default=list)
    agenda = fields.List(fields.Dict(), load_default=list)
    registration = fields.Nested(_Policy, required=True)
    status = fields.String(required=True, validate=validate.OneOf(("draft", "published", "cancelled")))
    reminder_hours_before = fields.Integer(load_default=24)
    contact_notifications = fields.String(load_default="each")  # "each" | "daily_digest" | "none"


class _Change(Schema):
    class Meta:
        unknown = EXCLUDE
    kind = fields.String(required=True, validate=validate.OneOf(
        ("created", "updated", "published", "cancelled")))
    time_changed = fields.Boolean(load_default=False)
    place_changed = fields.Boolean(load_default=False)


class EventSnapshotMessage(_Envelope):
    event_id = fields.Integer(required=True)
    # increases with every change of the event; an older revision never overwrites a newer one
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    change = fields.Nested(_Change, required=True)
    event = fields.Nested(SnapshotEventSchema, required=True)


# ---- the one email rule -------------------------------------------------------------------
# What registrations and events accept is what notifications can deliver: an address that
# passes here is one the mail service sends to, so nobody is told "we sent you a mail" (and
# holds a seat for days) for an address like max@localhost that no mail can reach.
NOT_AN_ADDRESS = "Not a valid email address."
NOT_ASCII = "Use an address whose part before the @ has no accents or umlauts."


class UndeliverableAddress(ValueError):
    pass


def mail_address(value) -> str:
    """The address as mails go to it (normalized), or UndeliverableAddress with the reason.

    email-validator without DNS look-ups: a domain that can exist on the internet (a dot, no
    reserved name such as localhost), no control characters, no second address, and a plain
    ASCII local part (few mail servers accept SMTPUTF8; our headers are ASCII)."""
    if not isinstance(value, str):
        raise UndeliverableAddress(NOT_AN_ADDRESS)
    return _normalized_address(value)


@functools.lru_cache(maxsize=2048)
def _normalized_address(value: str) -> str:
    # one address passes this rule several times per message (the contract's field, the
    # mail's row, its calendar): remembered, since email-validator is slow (a refusal is not)
    from email_validator import EmailNotValidError, validate_email
    if not value.strip() or len(value) > 320 or any(
            ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in value):
        raise UndeliverableAddress(NOT_AN_ADDRESS)
    value = value.strip()
    if not value.rsplit("@", 1)[0].isascii():
        raise UndeliverableAddress(NOT_ASCII)
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise UndeliverableAddress(NOT_AN_ADDRESS) from None
    return result.ascii_email or result.normalized


class MailAddress(fields.Email):
    """A marshmallow field for an address mails will go to: the rule of mail_address."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        try:
            mail_address(value)
        except UndeliverableAddress as exc:
            raise ValidationError(str(exc)) from None
        return value.strip()


# ---- mails -------------------------------------------------------------------------------
class _Registrant(Schema):
    class Meta:
        unknown = EXCLUDE
    name = fields.String(required=True)
    email = fields.Email(required=True)
    locale = fields.String(load_default=None, allow_none=True)  # "de" | "en"; None: the event's language


class _RegistrationFacts(Schema):
    class Meta:
        unknown = EXCLUDE
    id = fields.String(required=True)
    status = fields.String(required=True)
    companions = fields.Integer(load_default=0)
    session_ids = fields.List(fields.Integer(), load_default=list)
    answers = fields.Dict(load_default=dict)
    created_at = fields.String(allow_none=True)


class _Links(Schema):
    """Signed, expiring links for the registrant, made by registrations."""
    class Meta:
        unknown = EXCLUDE
    confirm = fields.String(allow_none=True)
    cancel = fields.String(allow_none=True)
    event_page = fields.String(allow_none=True)


class RegistrationMailMessage(_Envelope):
    kind = fields.String(required=True, validate=validate.OneOf(REGISTRATION_MAIL_KINDS))
    registrant = fields.Nested(_Registrant, required=True)
    registration = fields.Nested(_RegistrationFacts, required=True)
    event = fields.Nested(SnapshotEventSchema, required=True)
    links = fields.Nested(_Links, load_default=dict)
    # the organizer's words to the registrant (cancelled_by_organizer); plain text
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ContactMailMessage(_Envelope):
    kind = fields.String(required=True, validate=validate.OneOf(CONTACT_MAIL_KINDS))
    event = fields.Nested(SnapshotEventSchema, required=True)
    # the sign-up or cancellation this is about; absent for nearly_full / full
    registrant = fields.Nested(_Registrant, allow_none=True, load_default=None)
    registration = fields.Nested(_RegistrationFacts, allow_none=True, load_default=None)
    availability = fields.Dict(load_default=dict)  # {capacity, taken, available, waitlist}


class EventChangeMailMessage(_Envelope):
    kind = fields.String(required=True, validate=validate.OneOf(EVENT_CHANGE_KINDS))
    registrant = fields.Nested(_Registrant, required=True)
    registration = fields.Nested(_RegistrationFacts, required=True)
    event = fields.Nested(SnapshotEventSchema, required=True)
    time_changed = fields.Boolean(load_default=False)
    place_changed = fields.Boolean(load_default=False)
    links = fields.Nested(_Links, load_default=dict)


class ErasePersonMessage(_Envelope):
    email = fields.Email(required=True)
    organizer_id = fields.Integer(required=True)
    event_ids = fields.List(fields.Integer(), required=True)


class _Member(Schema):
    class Meta:
        unknown = EXCLUDE
    name = fields.String(load_default="")
    email = fields.Email(required=True)
    locale = fields.String(load_default=None, allow_none=True)  # "de" | "en"; None: German


class _MemberLinks(Schema):
    class Meta:
        unknown = EXCLUDE
    sign_in = fields.String(allow_none=True)


class MemberMailMessage(_Envelope):
    kind = fields.String(required=True, validate=validate.OneOf(MEMBER_MAIL_KINDS))
    member = fields.Nested(_Member, required=True)
    organizer = fields.Dict(required=True)  # {id, name}
    links = fields.Nested(_MemberLinks, load_default=dict)
    expires_minutes = fields.Integer(load_default=None, allow_none=True)


class _MemberRef(Schema):
    class Meta:
        unknown = EXCLUDE
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class OrganizerMailMessage(_Envelope):
    """One registrant's copy of an organizer's mailing. The text is the organizer's, plain;
    notifications adds the greeting, the event's details and the registrant's cancel link."""
    mailing_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    audience = fields.String(required=True, validate=validate.OneOf(MAILING_AUDIENCES))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    sent_by = fields.Nested(_MemberRef, allow_none=True, load_default=None)  # None: sent with an API token
    registrant = fields.Nested(_Registrant, required=True)
    registration = fields.Nested(_RegistrationFacts, required=True)
    event = fields.Nested(SnapshotEventSchema, required=True)
    links = fields.Nested(_Links, load_default=dict)


class OutboxAckMessage(Schema):
    """`message_id` for one message, `message_ids` for those of a batch."""
    class Meta:
        unknown = EXCLUDE
    message_id = fields.String()
    message_ids = fields.List(fields.String(), validate=validate.Length(max=1000))


class MailFailedMessage(_Envelope):
    registration_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    event_id = fields.Integer(allow_none=True, load_default=None)
    kind = fields.String(required=True, validate=validate.Length(max=60))  # e.g. registration.confirm_email
    error = fields.String(load_default="", validate=validate.Length(max=1000))


class _BatchItem(Schema):
    class Meta:
        unknown = EXCLUDE
    task = fields.String(required=True)
    message = fields.Dict(required=True)


class BatchMessage(Schema):
    class Meta:
        unknown = EXCLUDE
    messages = fields.List(fields.Nested(_BatchItem), required=True, validate=validate.Length(min=1, max=1000))


SCHEMAS: dict[str, type[Schema]] = {
    EVENT_SNAPSHOT: EventSnapshotMessage,
    REGISTRATION_MAIL: RegistrationMailMessage,
    CONTACT_MAIL: ContactMailMessage,
    EVENT_CHANGE_MAIL: EventChangeMailMessage,
    ERASE_PERSON: ErasePersonMessage,
    MEMBER_MAIL: MemberMailMessage,
    ORGANIZER_MAIL: OrganizerMailMessage,
    MAIL_FAILED: MailFailedMessage,
}


def queue_of(task_name: str) -> str:
    """Tasks are routed by their prefix: `notifications.*` goes to the `notifications` queue."""
    prefix = task_name.split(".", 1)[0]
    if prefix not in SERVICES:
        raise ValueError(f"task {task_name!r} does not belong to a service queue")
    return prefix


def validate_payload(task_name: str, payload: dict, partial: tuple[str, ...] | None = None) -> dict:
    """Check a payload against its schema; raises marshmallow.ValidationError."""
    schema = _schema_instances.get(task_name)
    if schema is None:
        if task_name not in SCHEMAS:
            raise ValueError(f"{task_name!r} is not a contract task")
        # one instance per task: building a schema deep-copies its (nested) fields, which cost
        # more than the validation itself; load() keeps no state, so an instance can be shared
        schema = _schema_instances.setdefault(task_name, SCHEMAS[task_name]())
    return schema.load(payload, partial=partial)


def validate_outgoing(task_name: str, payload: dict, prevalidated: tuple[str, ...] = ()) -> None:
    """The sender's check. Fields named in `prevalidated` hold data that already passed this
    contract on its way in (an event snapshot kept in a replica): their presence is checked,
    their content is not walked a second time. The consumer still validates everything."""
    if not prevalidated:
        validate_payload(task_name, payload)
        return
    missing = [name for name in prevalidated if not isinstance(payload.get(name), dict)]
    if missing:
        raise ValidationError({name: ["Missing data for required field."] for name in missing})
    validate_payload(task_name, {k: v for k, v in payload.items() if k not in prevalidated}, partial=prevalidated)


_schema_instances: dict = {}


__all__ = ["ValidationError", "SCHEMAS", "validate_payload", "validate_outgoing", "queue_of", "SCHEMA_VERSION"]
