"""Who calls: an organizer's API token, or a member's session token (the workspace).

Both are bearer tokens and both resolve to the organizer; a member session token also names
the member (`current_member()`), so changes can be attributed and owner-only actions checked."""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shared.auth import Member as MemberIdentity
from shared.auth import Organizer as OrganizerRef
from shared.auth import hash_token, require_organizer

from . import members
from .models import ApiToken, Organizer, db


def resolve_token(token: str) -> OrganizerRef | None:
    if token.startswith("cm_"):
        member = members.resolve_session(token)
        if member is None:
            return None
        g.member = member
        organizer = db.session.get(Organizer, member.organizer_id)
        return OrganizerRef(id=organizer.id, name=organizer.name,
                            member=MemberIdentity(id=member.id, name=member.name, email=member.email,
                                                  role=member.role))
    row = db.session.execute(
        select(ApiToken).options(selectinload(ApiToken.organizer))
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        return None
    return OrganizerRef(id=row.organizer.id, name=row.organizer.name)


def organizer() -> OrganizerRef:
    return require_organizer(resolve_token)


def current_member() -> members.MemberRef | None:
    """The member acting in this request, None for an API token (or outside a request)."""
    if not has_request_context():
        return None
    return g.get("member")


def require_owner() -> members.MemberRef:
    """Changes to members and tokens: owners only (an API token is no owner)."""
    organizer()
    member = current_member()
    if member is None or member.role != "owner":
        raise members.MemberError(403, "owner_required", "Only an owner of the organizer may do this.")
    return member
