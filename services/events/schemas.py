"""Marshmallow schemas of the events API. Fields are listed explicitly: a new column is
never exposed by accident."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from shared.contract import MailAddress

from . import consistency
from .models import CONTACT_NOTIFICATIONS, FORMATS, LANGUAGES, REGISTRATION_MODES, STATUSES

DEFAULT_TIMEZONE = "Europe/Berlin"
PHONE_RE = re.compile(r"^[0-9+()/.\- ]{3,40}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
QUESTION_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("Unknown time zone; use an IANA name such as Europe/Berlin.")


def validate_timezone(name: str) -> None:
    if not name or "/" not in name and name != "UTC":
        raise ValidationError("Unknown time zone; use an IANA name such as Europe/Berlin.")
    zone(name)


DB_INT_MAX = 2**31 - 1  # ids are 32-bit INTEGER columns; a larger number is no id (not a 500)
MIN_YEAR, MAX_YEAR = 1900, 2999


class InputDateTime(fields.DateTime):
    """ISO 8601 input within years 1900-2999: beyond that, converting to UTC overflows (a 500), and
    no event is planned there."""

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise ValidationError(f"Not a plausible date (years {MIN_YEAR}-{MAX_YEAR}).")
        return parsed


def _db_id(**kwargs):
    return fields.Integer(validate=validate.Range(min=1, max=DB_INT_MAX), **kwargs)


class _Strict(Schema):
    class Meta:
        ordered = True


class VenueSchema(_Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    street = fields.String(allow_none=True, validate=validate.Length(max=300))
    postal_code = fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9A-Za-z \-]{3,10}$",
                                                                         error="Not a postal code."))
    city = fields.String(allow_none=True, validate=validate.Length(max=120))


class PriceSchema(_Strict):
    amount_cents = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10_000_000))
    currency = fields.String(load_default="EUR", validate=validate.Regexp(CURRENCY_RE, error="Use an ISO 4217 code such as EUR."))
    note = fields.String(allow_none=True, validate=validate.Length(max=300))


class ContactSchema(_Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(allow_none=True, validate=validate.Length(max=200))
    email = MailAddress(allow_none=True)  # contact persons are mailed about sign-ups
    phone = fields.String(allow_none=True, validate=validate.Regexp(PHONE_RE, error="Not a phone number."))


class QuestionSchema(_Strict):
    key = fields.String(required=True, validate=validate.Regexp(
        QUESTION_KEY_RE, error="Use lower-case letters, digits and _ (starting with a letter)."))
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))
    type = fields.String(load_default="text", validate=validate.OneOf(("text", "choice", "boolean")))
    required = fields.Boolean(load_default=False)
    options = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list)


class RegistrationPolicySchema(_Strict):
    mode = fields.String(load_default="required", validate=validate.OneOf(REGISTRATION_MODES))
    opens_at = InputDateTime(allow_none=True, load_default=None)
    closes_at = InputDateTime(allow_none=True, load_default=None)
    capacity = fields.Integer(allow_none=True, load_default=None, strict=True, validate=validate.Range(min=0, max=100_000))
    waitlist = fields.Boolean(load_default=True)
    approval = fields.Boolean(load_default=False)
    max_companions = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=20))
    questions = fields.List(fields.Nested(QuestionSchema), load_default=list, validate=validate.Length(max=30))


class SessionInSchema(_Strict):
    id = _db_id(load_default=None, allow_none=True)  # keep an existing session on PATCH
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    starts_at = InputDateTime(required=True)
    ends_at = InputDateTime(required=True)
    capacity = fields.Integer(allow_none=True, load_default=None, strict=True, validate=validate.Range(min=0, max=100_000))
    registration = fields.String(load_default="required", validate=validate.OneOf(REGISTRATION_MODES))


class AgendaItemInSchema(_Strict):
    starts_at = InputDateTime(required=True)
    ends_at = InputDateTime(allow_none=True, load_default=None)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(allow_none=True, load_default=None)
    speakers = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list)


class EventCreateSchema(_Strict):
    """What an organizer sends to create an event (and, merged with the stored event, on PATCH)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    summary = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    description = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=50_000))
    language = fields.String(load_default="de", validate=validate.OneOf(LANGUAGES))
    timezone = fields.String(load_default=DEFAULT_TIMEZONE, validate=validate_timezone)
    starts_at = InputDateTime(required=True)
    ends_at = InputDateTime(required=True)
    format = fields.String(load_default="in_person", validate=validate.OneOf(FORMATS))
    venue = fields.Nested(VenueSchema, allow_none=True, load_default=None)
    online_url = fields.Url(allow_none=True, load_default=None, schemes={"https", "http"})
    price = fields.Nested(PriceSchema, allow_none=True, load_default=None)
    audience = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=list,
                       validate=validate.Length(max=20))
    contacts = fields.List(fields.Nested(ContactSchema), load_default=list, validate=validate.Length(max=10))
    series_id = _db_id(allow_none=True, load_default=None)
    series_position = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=1000))
    sessions = fields.List(fields.Nested(SessionInSchema), load_default=list, validate=validate.Length(max=200))
    agenda = fields.List(fields.Nested(AgendaItemInSchema), load_default=list, validate=validate.Length(max=200))
    registration = fields.Nested(RegistrationPolicySchema, load_default=lambda: RegistrationPolicySchema().load({}))
    reminder_hours_before = fields.Integer(load_default=24, validate=validate.Range(min=0, max=24 * 14))
    contact_notifications = fields.String(load_default="each", validate=validate.OneOf(CONTACT_NOTIFICATIONS))

    @post_load
    def check_consistency(self, data, **kwargs):
        consistency.localize_times(data, zone(data["timezone"]))
        errors = consistency.problems(data)
        if errors:
            raise ValidationError(errors)
        return data


class EventPatchSchema(EventCreateSchema):
    """Any subset of the create fields. Checked field by field here; the view then merges it
    into the stored event and validates the result as a whole with EventCreateSchema."""

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)

    @post_load
    def check_consistency(self, data, **kwargs):
        return data


# ---- output -------------------------------------------------------------------------------
class VenueOutSchema(_Strict):
    name = fields.String()
    street = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    city = fields.String(allow_none=True)


class PriceOutSchema(_Strict):
    amount_cents = fields.Integer()
    currency = fields.String()
    note = fields.String(allow_none=True)


class OrganizerRefSchema(_Strict):
    id = fields.Integer()
    name = fields.String()
    embed_origins = fields.List(fields.String())  # who may frame its sign-up pages


class SeriesRefSchema(_Strict):
    id = fields.Integer()
    title = fields.String()
    position = fields.Integer(allow_none=True)
    planned_parts = fields.Integer(allow_none=True)


class SessionOutSchema(_Strict):
    id = fields.Integer()
    title = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    capacity = fields.Integer(allow_none=True)
    registration = fields.String()


class AgendaItemOutSchema(_Strict):
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(allow_none=True)
    title = fields.String()
    description = fields.String(allow_none=True)
    speakers = fields.List(fields.String())


class RegistrationPolicyOutSchema(_Strict):
    mode = fields.String()
    opens_at = fields.DateTime(allow_none=True)
    closes_at = fields.DateTime(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    waitlist = fields.Boolean()
    approval = fields.Boolean()
    max_companions = fields.Integer()
    questions = fields.List(fields.Nested(QuestionSchema))


class EventSchema(_Strict):
    id = fields.Integer(dump_only=True)
    title = fields.String()
    summary = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    language = fields.String()
    timezone = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    format = fields.String()
    venue = fields.Nested(VenueOutSchema, allow_none=True)
    online_url = fields.String(allow_none=True)
    price = fields.Nested(PriceOutSchema)
    audience = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    organizer = fields.Nested(OrganizerRefSchema)
    contacts = fields.List(fields.Nested(ContactSchema))
    series = fields.Nested(SeriesRefSchema, allow_none=True)
    sessions = fields.List(fields.Nested(SessionOutSchema))
    agenda = fields.List(fields.Nested(AgendaItemOutSchema))
    registration = fields.Nested(RegistrationPolicyOutSchema)
    reminder_hours_before = fields.Integer()
    contact_notifications = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    published_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    cancellation_reason = fields.String(allow_none=True)
    previous_starts_at = fields.DateTime(allow_none=True)  # set once a published event was moved
    revision = fields.Integer()
    updated_at = fields.DateTime()


class FlexibleDateTime(fields.DateTime):
    """Accepts a date (midnight in Europe/Berlin) or a datetime (naive: Europe/Berlin)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                parsed = datetime.combine(date.fromisoformat(value), time())
            except ValueError:
                raise ValidationError("Not a valid date.")
        else:
            parsed = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise ValidationError(f"Not a plausible date (years {MIN_YEAR}-{MAX_YEAR}).")
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(DEFAULT_TIMEZONE))


class EventQueryArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    from_ = FlexibleDateTime(data_key="from", load_default=None,
                             metadata={"description": "events ending at or after this (default: now)"})
    to = FlexibleDateTime(load_default=None, metadata={"description": "events starting before this"})
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                       metadata={"description": "words in title, summary or description (empty: no filter)"})
    series = _db_id(load_default=None)
    format = fields.String(load_default=None, validate=validate.OneOf(FORMATS))


class CancelSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class SeriesCreateSchema(_Strict):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(allow_none=True, load_default=None)
    planned_parts = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=1000))


class SeriesEventSchema(_Strict):
    id = fields.Integer()
    title = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    status = fields.String()
    series_position = fields.Integer(allow_none=True)


class SeriesSchema(_Strict):
    id = fields.Integer(dump_only=True)
    title = fields.String()
    description = fields.String(allow_none=True)
    planned_parts = fields.Integer(allow_none=True)
    organizer = fields.Nested(OrganizerRefSchema)
    events = fields.List(fields.Nested(SeriesEventSchema))


class _MeMemberSchema(_Strict):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    role = fields.String()


class OrganizerSchema(_Strict):
    id = fields.Integer()
    name = fields.String()
    # the member acting with a member session token; null for a plain API token
    member = fields.Nested(_MeMemberSchema, allow_none=True)
