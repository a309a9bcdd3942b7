"""Marshmallow schemas of the registrations API. Fields are listed explicitly."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate, validates

from shared.contract import MailAddress

LOCALES = ("de", "en")


class _Strict(Schema):
    class Meta:
        ordered = True
        unknown = RAISE


class RegistrationCreateSchema(_Strict):
    # no min length here: an empty name must hear "enter your name" (not_blank), not a length rule
    name = fields.String(required=True, validate=validate.Length(max=200, error="At most {max} characters."))
    email = MailAddress(required=True, validate=validate.Length(max=320))
    consent = fields.Boolean(required=True, metadata={"description": "must be true: consent to storing the data"})
    locale = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LOCALES))
    session_ids = fields.List(fields.Integer(strict=True), load_default=list, validate=validate.Length(max=200))
    companions = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=50))
    answers = fields.Dict(keys=fields.String(validate=validate.Length(max=40)), load_default=dict)

    @pre_load
    def strip_spaces(self, data, **kwargs):
        # a space typed or pasted around an address is no reason to refuse it
        if isinstance(data, dict):
            data = dict(data)
            for key in ("name", "email"):
                if isinstance(data.get(key), str):
                    data[key] = data[key].strip()
        return data

    @validates("consent")
    def must_consent(self, value, **kwargs):
        if value is not True:
            raise ValidationError("Please agree to the processing of your data for this registration.")

    @validates("name")
    def not_blank(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("Please enter your name.")


class SignUpAnswerSchema(_Strict):
    id = fields.String()
    event_id = fields.Integer()
    status = fields.String()
    waitlist = fields.Boolean(metadata={"description": "true: the event is full; confirming puts you on the waiting list"})


class TokenSchema(_Strict):
    token = fields.String(required=True, validate=validate.Length(min=10, max=500))


class RegistrationStatusSchema(_Strict):
    id = fields.String()
    event_id = fields.Integer()
    status = fields.String()
    checked_in_at = fields.DateTime(allow_none=True)


class _Numbers(Schema):
    capacity = fields.Integer(allow_none=True)
    taken = fields.Integer()
    available = fields.Integer(allow_none=True)


class SessionAvailabilitySchema(_Numbers):
    id = fields.Integer()
    title = fields.String()
    starts_at = fields.String()
    ends_at = fields.String()
    waitlist = fields.Integer()


class AvailabilitySchema(_Numbers):
    waitlist = fields.Integer()
    per_session = fields.Boolean()
    sessions = fields.List(fields.Nested(SessionAvailabilitySchema))


class RegistrationSchema(_Strict):
    """A registration as its organizer sees it."""
    id = fields.String(dump_only=True)
    event_id = fields.Integer()
    status = fields.String()
    name = fields.String()
    email = fields.String()
    locale = fields.String(allow_none=True)
    companions = fields.Integer()
    session_ids = fields.List(fields.Integer())
    answers = fields.Dict()
    created_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True)
    checked_in_by = fields.Nested(lambda: MemberRefSchema(), allow_none=True)
    decided_by = fields.Nested(lambda: MemberRefSchema(), allow_none=True)
    cancelled_by = fields.Nested(lambda: MemberRefSchema(), allow_none=True)
    mail_failed_at = fields.DateTime(allow_none=True, metadata={
        "description": "a mail to this person failed for good (address refused, retries used up); an "
                       "unconfirmed sign-up then expired and its seats were freed"})
    mail_error = fields.String(allow_none=True)


class MemberRefSchema(_Strict):
    """The workspace member who did it (None: the registrant, or a script with an API token)."""
    id = fields.Integer()
    name = fields.String()


class RegistrationQueryArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, validate=validate.OneOf(
        ("pending_confirmation", "confirmed", "waitlisted", "pending_approval", "cancelled", "rejected", "expired")))
    session_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                                metadata={"description": "only registrations for this session"})


KEY_RULE = "Use 1 to 200 printable characters."


class _StrippedString(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def _printable(value: str) -> None:
    if not value.isprintable():
        raise ValidationError(KEY_RULE)


class IdempotencyHeaderSchema(Schema):
    """The sign-up's optional Idempotency-Key header: the same key and body again get the first answer."""

    class Meta:
        unknown = EXCLUDE  # every other header

    key = _StrippedString(data_key="Idempotency-Key", load_default=None,
                          validate=[validate.Length(min=1, max=200, error=KEY_RULE), _printable])


class PersonPathSchema(_Strict):
    """The person to erase, by the address in the URL."""
    email = fields.Email(required=True)


class ErasureSchema(_Strict):
    erased = fields.Integer()
    event_ids = fields.List(fields.Integer())


class OrganizerCancelSchema(_Strict):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                         metadata={"description": "to the registrant, in the cancellation mail"})


class PromoteSchema(_Strict):
    beyond_capacity = fields.Boolean(load_default=False, metadata={
        "description": "seat them even if no seat is free (the event is then overbooked)"})


class StatusCountsSchema(Schema):
    pending_confirmation = fields.Integer()
    confirmed = fields.Integer()
    waitlisted = fields.Integer()
    pending_approval = fields.Integer()
    cancelled = fields.Integer()
    rejected = fields.Integer()
    expired = fields.Integer()


class RegistrationSummarySchema(Schema):
    event_id = fields.Integer()
    by_status = fields.Nested(StatusCountsSchema)
    checked_in = fields.Integer()
    active = fields.Integer(metadata={"description": "pending confirmation, confirmed, waitlisted, pending approval"})
    seats = fields.Nested(AvailabilitySchema)


class MailingCreateSchema(_Strict):
    audience = fields.String(required=True, validate=validate.OneOf(("all", "confirmed", "waitlisted", "session")),
                             metadata={"description": "all: confirmed, waiting list and awaiting approval"})
    session_id = fields.Integer(load_default=None, allow_none=True, strict=True,
                                metadata={"description": "with audience session"})
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))

    @validates("subject")
    def one_line(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("Please enter a subject.")
        if any(c in value for c in "\r\n"):
            raise ValidationError("The subject is one line.")

    @validates("body")
    def some_text(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("Please enter the message.")


class MailingSchema(_Strict):
    id = fields.String(dump_only=True)
    event_id = fields.Integer()
    audience = fields.String()
    session_id = fields.Integer(allow_none=True)
    subject = fields.String()
    body = fields.String()
    recipients = fields.Integer()
    sent_by = fields.Nested(MemberRefSchema, allow_none=True)
    created_at = fields.DateTime()
