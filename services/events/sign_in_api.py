"""Sign-in for the workspace (called by the workspace's server, never by a browser).

POST /api/v1/sign-in/links            {email, locale?} → always 202 {} (members get a mail with a link)
POST /api/v1/sign-in/links/<token>    redeem → 200 {session_token, member, organizer}; 410 link_expired|link_used; 404
POST /api/v1/sign-in/oidc             {email}, Authorization: Bearer <WORKSPACE_SERVICE_SECRET> → 200 as above; 404
POST /api/v1/sign-in/sign-out         with the member session token: it ends → 204
"""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth import bearer_token, constant_time_equal

from . import members, sign_in
from .member_schemas import OidcSignInSchema, SignedInSchema, SignInLinkRequestSchema

blp = Blueprint("sign_in", __name__, url_prefix="/api/v1/sign-in", description="Workspace sign-in")


def signed_in(member, session_token: str) -> dict:
    return {"session_token": session_token, "member": member,
            "organizer": {"id": member.organizer.id, "name": member.organizer.name}}


@blp.route("/links")
class Links(MethodView):
    @blp.arguments(SignInLinkRequestSchema)
    @blp.response(202)
    def post(self, data):
        """Mail a sign-in link to the address if it is a member's (the answer is the same either way)

        Public. Always 202 `{}`, so the answer does not tell whether an address is a member's. A
        member gets a single-use link, valid for 15 minutes, by mail.
        """
        sign_in.request_link(data["email"], data["locale"])
        return {}


@blp.route("/links/<string:token>")
class Redeem(MethodView):
    @blp.response(200, SignedInSchema)
    def post(self, token):
        """Redeem a sign-in link (once, within its lifetime) for a member session token

        Public. 200 with `session_token`, `member` and `organizer`; 410 `link_expired` or `link_used`;
        404 for an unknown link. The session token expires after 8 hours without use.
        """
        try:
            member, session_token = sign_in.redeem(token[:200])
        except sign_in.LinkError as error:
            abort(error.status, message=error.message, code=error.code)
        return signed_in(member, session_token)


@blp.route("/oidc")
class Oidc(MethodView):
    @blp.arguments(OidcSignInSchema)
    @blp.response(200, SignedInSchema)
    def post(self, data):
        """A member session for an address the workspace verified by OpenID Connect (service secret)

        Only for the workspace: `Authorization: Bearer <WORKSPACE_SERVICE_SECRET>`. 404 if no active
        member has that address.
        """
        secret = current_app.config.get("WORKSPACE_SERVICE_SECRET") or ""
        given = bearer_token() or ""
        if len(secret) < 16 or not constant_time_equal(given, secret):
            abort(401, message="The workspace's service secret is required.", code="unauthorized")
        try:
            member, session_token = sign_in.sign_in_by_email(data["email"])
        except sign_in.LinkError as error:
            abort(error.status, message=error.message, code=error.code)
        return signed_in(member, session_token)


@blp.route("/sign-out")
class SignOut(MethodView):
    @blp.response(204)
    def post(self):
        """End the calling member session

        Member session token. The token stops working at once.
        """
        token = bearer_token()
        if not token or not token.startswith("cm_") or not members.end_session(token):
            abort(401, message="A member session token is required.", code="unauthorized")


BLUEPRINTS = (blp,)
