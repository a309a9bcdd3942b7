"""Members of an organizer: who they are, their roles, and the tokens they act with.

Roles: an owner manages members and API tokens; an editor works on events. An organizer
always keeps at least one owner. A removed member's session tokens are revoked in the same
transaction, so the workspace's next call with one gets 401.

Member session tokens ("cm_…") are bearer tokens like API tokens ("ce_…"): only their SHA-256
is stored, and they are accepted wherever an organizer token is. They end when unused for
MEMBER_IDLE_SECONDS (8 h; each use slides it), at sign-out, or when the member is removed.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from shared.auth import hash_token
from shared.db import utcnow

from .models import MEMBER_ROLES, ApiToken, Member, MemberSession, Organizer, db

# a use moves last_used_at only when it is older than this: one write a minute, not one per request
TOUCH_EVERY = timedelta(seconds=60)


class MemberError(Exception):
    """A refused member change; the web layer maps `status` and `code` to its answer."""

    def __init__(self, status: int, code: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors


@dataclass(frozen=True)
class MemberRef:
    id: int
    organizer_id: int
    name: str
    email: str
    role: str

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "email": self.email, "role": self.role}


def ref(member: Member) -> MemberRef:
    return MemberRef(member.id, member.organizer_id, member.name, member.email, member.role)


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def idle_limit() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("MEMBER_IDLE_SECONDS", 8 * 3600)))


# ---- members ---------------------------------------------------------------------------
def active_members(organizer_id: int) -> list[Member]:
    return list(db.session.execute(
        select(Member).where(Member.organizer_id == organizer_id, Member.removed_at.is_(None))
        .order_by(Member.role.desc(), Member.name, Member.id)).scalars())


def active_by_email(email: str) -> list[Member]:
    """Every active membership of an address (a person may belong to several organizers)."""
    return list(db.session.execute(
        select(Member).join(Organizer).where(Member.email == normalize_email(email), Member.removed_at.is_(None))
        .order_by(Member.id)).scalars())


def _find(organizer_id: int, member_id: int, lock: bool = False) -> Member:
    query = select(Member).where(Member.id == member_id, Member.organizer_id == organizer_id,
                                 Member.removed_at.is_(None))
    if lock:
        query = query.with_for_update()
    member = db.session.execute(query).scalar_one_or_none()
    if member is None:
        raise MemberError(404, "not_found", "No such member.")
    return member


def add(organizer_id: int, email: str, *, name: str | None = None, role: str = "editor") -> Member:
    """A new member (flushed, not committed). An address is a member of an organizer only once."""
    email = normalize_email(email)
    if role not in MEMBER_ROLES:
        raise MemberError(422, "validation_error", "Some fields are not valid.",
                          {"role": [f"Must be one of: {', '.join(MEMBER_ROLES)}."]})
    taken = db.session.execute(select(Member.id).where(
        Member.organizer_id == organizer_id, Member.email == email, Member.removed_at.is_(None))).first()
    if taken:
        raise MemberError(409, "member_exists", "This address is a member already.",
                          {"email": ["This address is a member already."]})
    member = Member(organizer_id=organizer_id, email=email, name=(name or "").strip() or email.split("@")[0],
                    role=role)
    db.session.add(member)
    db.session.flush()
    return member


def _owners(organizer_id: int) -> int:
    return db.session.execute(select(func.count()).select_from(Member).where(
        Member.organizer_id == organizer_id, Member.role == "owner", Member.removed_at.is_(None))).scalar_one()


def _lock_organizer(organizer_id: int) -> None:
    # two owners demoting each other at once must not leave the organizer without an owner
    db.session.execute(select(Organizer.id).where(Organizer.id == organizer_id).with_for_update())


def change_role(organizer_id: int, member_id: int, role: str) -> Member:
    if role not in MEMBER_ROLES:
        raise MemberError(422, "validation_error", "Some fields are not valid.",
                          {"role": [f"Must be one of: {', '.join(MEMBER_ROLES)}."]})
    _lock_organizer(organizer_id)
    member = _find(organizer_id, member_id, lock=True)
    if member.role == "owner" and role != "owner" and _owners(organizer_id) <= 1:
        raise MemberError(409, "last_owner", "The last owner cannot be made an editor; make another member an "
                                             "owner first.")
    member.role = role
    db.session.flush()
    return member


def remove(organizer_id: int, member_id: int) -> Member:
    _lock_organizer(organizer_id)
    member = _find(organizer_id, member_id, lock=True)
    if member.role == "owner" and _owners(organizer_id) <= 1:
        raise MemberError(409, "last_owner", "The last owner cannot be removed; make another member an owner first.")
    now = utcnow()
    member.removed_at = now
    db.session.execute(update(MemberSession).where(MemberSession.member_id == member.id,
                                                   MemberSession.revoked_at.is_(None)).values(revoked_at=now))
    db.session.flush()
    return member


# ---- session tokens ----------------------------------------------------------------------
def new_session_token() -> str:
    return "cm_" + secrets.token_urlsafe(32)


def start_session(member: Member) -> str:
    """A new member session token (plain, for the caller only); its hash is added to the session."""
    token = new_session_token()
    db.session.add(MemberSession(member_id=member.id, token_hash=hash_token(token)))
    return token


def resolve_session(token: str) -> MemberRef | None:
    """The member of a live session token, sliding its idle expiry; None if unknown or ended."""
    row = db.session.execute(
        select(MemberSession, Member).join(Member, MemberSession.member_id == Member.id)
        .where(MemberSession.token_hash == hash_token(token), MemberSession.revoked_at.is_(None),
               Member.removed_at.is_(None))).first()
    if row is None:
        return None
    session_row, member = row
    now = utcnow()
    if now - session_row.last_used_at > idle_limit():
        return None
    if now - session_row.last_used_at > TOUCH_EVERY:
        db.session.execute(update(MemberSession).where(MemberSession.id == session_row.id)
                           .values(last_used_at=now))
        db.session.commit()
    return ref(member)


def end_session(token: str) -> bool:
    done = db.session.execute(update(MemberSession).where(
        MemberSession.token_hash == hash_token(token), MemberSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())).rowcount
    db.session.commit()
    return bool(done)


# ---- API tokens ---------------------------------------------------------------------------
def tokens(organizer_id: int) -> list[ApiToken]:
    return list(db.session.execute(select(ApiToken).where(
        ApiToken.organizer_id == organizer_id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)).scalars())


def create_token(organizer_id: int, label: str | None) -> tuple[ApiToken, str]:
    from .cli import new_token
    token = new_token()
    row = ApiToken(organizer_id=organizer_id, token_hash=hash_token(token), label=(label or "").strip() or None)
    db.session.add(row)
    db.session.flush()
    return row, token


def revoke_token(organizer_id: int, token_id: int) -> None:
    row = db.session.execute(select(ApiToken).where(
        ApiToken.id == token_id, ApiToken.organizer_id == organizer_id, ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        raise MemberError(404, "not_found", "No such token.")
    row.revoked_at = utcnow()
    db.session.flush()
