"""Schemas of the members, tokens, sign-in and history endpoints."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contract import MailAddress

from .models import MEMBER_ROLES


class _Strict(Schema):
    class Meta:
        ordered = True


class MemberSchema(_Strict):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    email = fields.String()
    role = fields.String()
    created_at = fields.DateTime(dump_only=True)


class MemberCreateSchema(_Strict):
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    email = MailAddress(required=True, validate=validate.Length(max=320))  # sign-in links go there
    role = fields.String(load_default="editor", validate=validate.OneOf(MEMBER_ROLES))


class MemberPatchSchema(_Strict):
    role = fields.String(required=True, validate=validate.OneOf(MEMBER_ROLES))


class TokenSchema(_Strict):
    id = fields.Integer(dump_only=True)
    label = fields.String(allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)


class TokenCreatedSchema(TokenSchema):
    # the plain token, in this one answer only
    token = fields.String(dump_only=True)


class TokenCreateSchema(_Strict):
    label = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class SignInLinkRequestSchema(_Strict):
    email = fields.String(required=True, validate=validate.Length(min=1, max=320))
    locale = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("de", "en")))


class OidcSignInSchema(_Strict):
    email = fields.String(required=True, validate=validate.Length(min=1, max=320))


class _OrganizerRefSchema(_Strict):
    id = fields.Integer()
    name = fields.String()


class SignedInSchema(_Strict):
    session_token = fields.String()
    member = fields.Nested(MemberSchema)
    organizer = fields.Nested(_OrganizerRefSchema)


class _ChangedBySchema(_Strict):
    id = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True)


class HistoryEntrySchema(_Strict):
    at = fields.DateTime()
    member = fields.Nested(_ChangedBySchema, allow_none=True)
    action = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
