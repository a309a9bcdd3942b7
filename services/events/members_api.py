"""Members and API tokens of the calling organizer (changes: owners only).

GET    /api/v1/members            any member or token of the organizer
POST   /api/v1/members            owner: add {name, email, role}
PATCH  /api/v1/members/<id>       owner: {role}; the last owner stays an owner (409)
DELETE /api/v1/members/<id>       owner: remove; the member's sessions end; not the last owner (409)
GET    /api/v1/tokens             owner: the organizer's active API tokens (never the tokens themselves)
POST   /api/v1/tokens             owner: a new token {label}; the answer holds the plain token, once
DELETE /api/v1/tokens/<id>        owner: revoke
"""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth import organizer_required

from . import members
from .access import organizer, require_owner, resolve_token
from .member_schemas import (MemberCreateSchema, MemberPatchSchema, MemberSchema, TokenCreatedSchema,
                             TokenCreateSchema, TokenSchema)
from .models import db

members_blp = Blueprint("members", __name__, url_prefix="/api/v1/members", description="Members of an organizer")
tokens_blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens", description="API tokens of an organizer")
auth = organizer_required(resolve_token)


def refuse(error: members.MemberError):
    db.session.rollback()
    abort(error.status, message=error.message, code=error.code, errors=error.errors)


@members_blp.route("")
class Members(MethodView):
    @auth
    @members_blp.response(200, MemberSchema(many=True))
    def get(self):
        """The organizer's members

        Any member session or API token of the organizer. Removed members are not listed.
        """
        return members.active_members(organizer().id)

    @auth
    @members_blp.arguments(MemberCreateSchema)
    @members_blp.response(201, MemberSchema)
    def post(self, data):
        """Add a member (owners only)

        Body `{name, email, role}` with role `owner` or `editor`; 403 `owner_required` for an editor;
        409 if the address is already a member.
        """
        require_owner()
        try:
            member = members.add(organizer().id, data["email"], name=data["name"], role=data["role"])
        except members.MemberError as error:
            refuse(error)
        db.session.commit()
        return member


@members_blp.route("/<int:member_id>")
class MemberById(MethodView):
    @auth
    @members_blp.arguments(MemberPatchSchema)
    @members_blp.response(200, MemberSchema)
    def patch(self, data, member_id):
        """Change a member's role (owners only)

        Body `{role}`. The last owner cannot become an editor (409).
        """
        require_owner()
        try:
            member = members.change_role(organizer().id, member_id, data["role"])
        except members.MemberError as error:
            refuse(error)
        db.session.commit()
        return member

    @auth
    @members_blp.response(204)
    def delete(self, member_id):
        """Remove a member (owners only); their signed-in sessions end

        The last owner cannot be removed (409). The removed member's session tokens are revoked at
        once, so the workspace signs them out on their next call.
        """
        require_owner()
        try:
            members.remove(organizer().id, member_id)
        except members.MemberError as error:
            refuse(error)
        db.session.commit()


@tokens_blp.route("")
class Tokens(MethodView):
    @auth
    @tokens_blp.response(200, TokenSchema(many=True))
    def get(self):
        """The organizer's active API tokens (owners only)

        Label, creation time and last use of each token; never the token itself (only a hash is
        stored).
        """
        require_owner()
        return members.tokens(organizer().id)

    @auth
    @tokens_blp.arguments(TokenCreateSchema)
    @tokens_blp.response(201, TokenCreatedSchema)
    def post(self, data):
        """Create an API token (owners only); the answer shows it this once

        Body `{label}`. Store the plain token from the answer: it cannot be shown again.
        """
        require_owner()
        row, token = members.create_token(organizer().id, data["label"])
        db.session.commit()
        return {"id": row.id, "label": row.label, "created_at": row.created_at, "last_used_at": None,
                "token": token}


@tokens_blp.route("/<int:token_id>")
class TokenById(MethodView):
    @auth
    @tokens_blp.response(204)
    def delete(self, token_id):
        """Revoke an API token (owners only)

        The token stops working at once, in every service.
        """
        require_owner()
        try:
            members.revoke_token(organizer().id, token_id)
        except members.MemberError as error:
            refuse(error)
        db.session.commit()


BLUEPRINTS = (members_blp, tokens_blp)
