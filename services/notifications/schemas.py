"""Schemas of the notifications API (fields listed explicitly)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class MessageQueryArgsSchema(Schema):
    registration_id = fields.String(validate=validate.Length(min=1, max=64))
    event_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    status = fields.String(validate=validate.OneOf(("queued", "sent", "failed")))
    mailing_id = fields.String(validate=validate.Length(min=1, max=64))
    kind = fields.String(validate=validate.Length(min=1, max=40))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))


class MessageSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    to = fields.String(dump_only=True, attribute="recipient")
    subject = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    attempts = fields.Integer(dump_only=True)
    sent_at = fields.DateTime(dump_only=True, allow_none=True)
    last_error = fields.String(dump_only=True, allow_none=True)
    registration_id = fields.String(dump_only=True, allow_none=True)
    event_id = fields.Integer(dump_only=True, allow_none=True)
    mailing_id = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class BulkMessageSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class BulkResultSchema(Schema):
    batch_id = fields.String(dump_only=True)
    queued = fields.Integer(dump_only=True)
    failed = fields.Integer(dump_only=True)
    source = fields.String(dump_only=True)
