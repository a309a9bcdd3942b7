"""Marshmallow schemas of the registrations API. Fields are listed explicitly."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate, validates

from shared.inputs import ascii_local_part

LOCALES = ("de", "en")


class _Strict(Schema):
    class Meta:
        ordered = True
        unknown = RAISE


class RegistrationCreateSchema(_Strict):
    # no min length here: an empty name must hear "enter your name" (not_blank), not a length rule
    name = fields.String(required=True, validate=validate.Length(max=200, error="At most {max} characters."))
    email = fields.Email(required=True, validate=[validate.Length(max=320), ascii_local_part])
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


class RegistrationQueryArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, validate=validate.OneOf(
        ("pending_confirmation", "confirmed", "waitlisted", "pending_approval", "cancelled", "rejected", "expired")))


class ErasureSchema(_Strict):
    erased = fields.Integer()
    event_ids = fields.List(fields.Integer())
