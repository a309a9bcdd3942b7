"""Who is signed in: the member session token in the (signed) session cookie.

Every request of a signed-in page asks the events service who the token belongs to
(`GET /api/v1/organizers/me`): that slides the token's 8-hour idle expiry, picks up a changed
role, and ends the visit of a removed member at the very next request (events answers 401).
The cookie itself also idles out after 8 hours (PERMANENT_SESSION_LIFETIME, refreshed on each
request) and carries the time of the last request, so a kept old cookie does not help either.
"""
from __future__ import annotations

import functools
import time

from flask import abort, current_app, g, redirect, request, session, url_for

from .clients.base import Unauthorized
from .clients.events import EventsClient

SESSION_KEYS = ("member_token", "member", "organizer", "seen")


def sign_in_session(answer: dict) -> None:
    """Start a fresh session from the events service's sign-in answer (a new cookie: the
    visitor's old one, which someone might have planted, is not carried over)."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    if lang:
        session["lang"] = lang
    session["member_token"] = answer["session_token"]
    session["member"] = answer["member"]
    session["organizer"] = answer["organizer"]
    session["seen"] = int(time.time())


def end_session() -> None:
    for key in SESSION_KEYS:
        session.pop(key, None)


def current_member() -> dict | None:
    """{"id","name","email","role"} of the signed-in member, or None."""
    return g.get("member")


def current_organizer() -> dict | None:
    """{"id","name"} of the signed-in member's organizer, or None."""
    return g.get("organizer")


def is_owner() -> bool:
    member = current_member()
    return bool(member and member.get("role") == "owner")


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site: never an absolute URL or `//host` (an open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def sign_in_url(next_path: str | None = None) -> str:
    return url_for("auth.sign_in", next=_safe_next(next_path))


def _idle_expired() -> bool:
    seen = session.get("seen")
    limit = current_app.permanent_session_lifetime.total_seconds()
    return not isinstance(seen, int) or time.time() - seen > limit


def load_member() -> bool:
    """Verify the session's token with the events service; True if a member is signed in."""
    token = session.get("member_token")
    if not token:
        return False
    if _idle_expired():
        end_session()
        return False
    g.member_session_token = token
    try:
        me = EventsClient().me()
    except Unauthorized:
        end_session()
        g.pop("member_session_token", None)
        return False
    if not me.get("member"):
        end_session()
        return False
    g.member = me["member"]
    g.organizer = {"id": me["id"], "name": me["name"]}
    session["member"], session["organizer"] = g.member, g.organizer
    session["seen"] = int(time.time())
    return True


def member_required(view):
    """Signed-in members only; others go to /sign-in and come back here afterwards."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not load_member():
            return redirect(sign_in_url(_here()))
        return view(*args, **kwargs)
    return wrapper


def owner_required(view):
    """Owners only (members, tokens); an editor gets the 403 page."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not load_member():
            return redirect(sign_in_url(_here()))
        if not is_owner():
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def _here() -> str | None:
    """Where to come back to after signing in (only for pages, not for a form's POST)."""
    if request.method != "GET":
        return None
    return request.full_path.rstrip("?")
