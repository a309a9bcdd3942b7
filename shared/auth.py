"""Organizer authentication by bearer token.

Tokens are created and stored (as hashes) by the events service. Events checks them in its
own database; the other services ask events (`GET /api/v1/organizers/me`) and cache the
answer briefly, so a token never has to be trusted on the client's word.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from dataclasses import dataclass

import requests
from flask import current_app, g, request
from flask_smorest import abort

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Member:
    """The person behind a member session token (the workspace); None for plain API tokens."""
    id: int
    name: str
    email: str = ""
    role: str = ""

    def ref(self) -> dict:
        """What a service records as `changed_by`: enough to show who it was, nothing more."""
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class Organizer:
    id: int
    name: str
    member: Member | None = None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _unauthorized():
    abort(401, message="A valid organizer token is required (Authorization: Bearer <token>).",
          headers={"WWW-Authenticate": 'Bearer realm="civic-events"'})


def require_organizer(resolve) -> Organizer:
    """The organizer of the request, or 401. `resolve(token) -> Organizer | None`."""
    if "organizer" in g:
        return g.organizer
    token = bearer_token()
    organizer = resolve(token) if token else None
    if organizer is None:
        _unauthorized()
    g.organizer = organizer
    return organizer


def acting_member(resolve) -> dict | None:
    """`{id, name}` of the member acting through this request's token, None for an API token."""
    member = require_organizer(resolve).member
    return member.ref() if member else None


def optional_organizer(resolve) -> Organizer | None:
    token = bearer_token()
    if not token:
        return None
    return require_organizer(resolve)


class RemoteOrganizerVerifier:
    """Asks the events service who a token belongs to; remembers answers for `ttl` seconds."""

    def __init__(self, ttl: float = 30.0):
        self.ttl = ttl
        self._cache: dict[str, tuple[float, Organizer | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, token: str) -> Organizer | None:
        key = hash_token(token)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit and hit[0] > now:
            return hit[1]
        url = current_app.config["EVENTS_URL"] + "/api/v1/organizers/me"
        try:
            response = requests.get(url, headers={"Authorization": f"Bearer {token}"},
                                    timeout=current_app.config["HTTP_TIMEOUT_SECONDS"])
        except requests.RequestException as exc:
            log.warning("events service unreachable for token check: %s", exc)
            abort(503, message="Organizer sign-in is unavailable right now; please retry shortly.",
                  code="events_unavailable")
        if response.status_code == 200:
            body = response.json()
            member = body.get("member")
            organizer: Organizer | None = Organizer(
                id=int(body["id"]), name=body["name"],
                member=Member(id=int(member["id"]), name=member.get("name") or "", email=member.get("email") or "",
                              role=member.get("role") or "") if isinstance(member, dict) else None)
        elif response.status_code in (401, 403):
            organizer = None
        else:
            abort(503, message="Organizer sign-in is unavailable right now; please retry shortly.",
                  code="events_unavailable")
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (now + self.ttl, organizer)
        return organizer


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def organizer_required(resolve):
    """Decorator factory: authenticate before the body is even parsed (401 beats 422).

    Put it above flask-smorest's decorators; functools.wraps keeps their OpenAPI notes."""
    import functools

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            require_organizer(resolve)
            return view(*args, **kwargs)
        doc = wrapper.__dict__.setdefault("_apidoc", {})
        doc.setdefault("manual_doc", {}).setdefault("security", [{"bearerAuth": []}])
        return wrapper
    return decorator
