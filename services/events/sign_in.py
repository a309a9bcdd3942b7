"""Sign-in links for the workspace: a single-use token mailed to a member, redeemed for a
member session token.

The link token ("sl_…") is stored hashed and lives SIGN_IN_LINK_MINUTES (15). Redeeming marks
it used with one guarded UPDATE (`used_at IS NULL`), so two clicks at once give one session.
The mail goes through the outbox to notifications, like every other mail."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from shared import contract
from shared.auth import hash_token
from shared.db import utcnow

from . import members
from .models import Member, SignInLink, db, outbox


class LinkError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def link_lifetime() -> timedelta:
    return timedelta(minutes=float(current_app.config.get("SIGN_IN_LINK_MINUTES", 15)))


def request_link(email: str, locale: str | None = None) -> int:
    """Mail a sign-in link to every active membership of the address; how many were sent.

    The caller answers the same whatever this returns (no account enumeration)."""
    found = members.active_by_email(email)
    if not found:
        return 0
    workspace = current_app.config["WORKSPACE_URL"].rstrip("/")
    lifetime = link_lifetime()
    sent = 0
    for member in found:
        if _recent_links(member) >= int(current_app.config.get("SIGN_IN_LINKS_PER_WINDOW", 5)):
            continue  # the endpoint is public: no flood of mails to one person, whoever asks
        token = "sl_" + secrets.token_urlsafe(32)
        db.session.add(SignInLink(member_id=member.id, token_hash=hash_token(token),
                                  expires_at=utcnow() + lifetime))
        outbox.put(contract.MEMBER_MAIL, {
            "kind": "sign_in_link",
            "member": {"name": member.name, "email": member.email, "locale": locale},
            "organizer": {"id": member.organizer.id, "name": member.organizer.name},
            "links": {"sign_in": f"{workspace}/sign-in/{token}"},
            "expires_minutes": int(lifetime.total_seconds() // 60),
        })
        sent += 1
    db.session.commit()
    return sent


def _recent_links(member: Member) -> int:
    since = utcnow() - link_lifetime()
    return db.session.execute(select(func.count()).select_from(SignInLink).where(
        SignInLink.member_id == member.id, SignInLink.created_at > since)).scalar_one()


def redeem(token: str) -> tuple[Member, str]:
    """The link's member and a new session token; LinkError 404 / 410 link_expired / link_used."""
    link = db.session.execute(select(SignInLink).where(SignInLink.token_hash == hash_token(token))
                              ).scalar_one_or_none()
    if link is None:
        raise LinkError(404, "not_found", "No such sign-in link.")
    if link.used_at is not None:
        raise LinkError(410, "link_used", "This sign-in link has been used already.")
    now = utcnow()
    if link.expires_at <= now:
        raise LinkError(410, "link_expired", "This sign-in link has expired.")
    member = link.member
    if member.removed_at is not None:
        raise LinkError(410, "link_expired", "This sign-in link is no longer valid.")
    claimed = db.session.execute(update(SignInLink).where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
                                 .values(used_at=now)).rowcount
    if not claimed:
        db.session.rollback()
        raise LinkError(410, "link_used", "This sign-in link has been used already.")
    session_token = members.start_session(member)
    db.session.commit()
    return member, session_token


def sign_in_by_email(email: str) -> tuple[Member, str]:
    """For a sign-in the workspace verified itself (OpenID Connect): the first active
    membership of the address and a new session token; LinkError 404 if there is none."""
    found = members.active_by_email(email)
    if not found:
        raise LinkError(404, "not_found", "No member has this address.")
    member = found[0]
    session_token = members.start_session(member)
    db.session.commit()
    return member, session_token
