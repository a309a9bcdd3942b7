"""HTTP to the services, with the signed-in member's session token.

Every call has a timeout; a connection that fails is tried once more (a pod restarting, a
keep-alive the server just closed). What comes back is turned into exceptions the web layer
maps to pages: `ServiceUnavailable` (service down → the 503 page), `Unauthorized` (the member
session token is no longer valid → session cleared, back to /sign-in), `ApiError` (any other
4xx/5xx with the services' error body {code, message, errors}).
"""
from __future__ import annotations

import logging

import requests
from flask import current_app, g, has_request_context

from shared.logging import REQUEST_ID_HEADER, current_request_id

log = logging.getLogger(__name__)

# requests' Session keeps connections alive per process; it is safe to share across threads
# for plain calls like ours
_http = requests.Session()


class ServiceUnavailable(Exception):
    def __init__(self, service: str, detail: str = ""):
        super().__init__(f"{service} is unavailable{': ' + detail if detail else ''}")
        self.service = service


class ApiError(Exception):
    def __init__(self, status: int, code: str = "", message: str = "", errors: dict | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or {}


class Unauthorized(ApiError):
    """The token was refused (401): the member was removed, or the session idled out."""


def session_token() -> str | None:
    """The member session token of the request (set by auth.member_required), if any."""
    if not has_request_context():
        return None
    return g.get("member_session_token")


class ServiceClient:
    """Calls one service. `token=None` uses the signed-in member's session token."""

    service = "service"

    def __init__(self, base_url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.base_url = (base_url or current_app.config[f"{self.service.upper()}_URL"]).rstrip("/")
        self.token = token
        self.timeout = timeout

    def headers(self, extra: dict | None = None, *, auth: bool = True) -> dict:
        headers = {"Accept": "application/json"}
        token = self.token or (session_token() if auth else None)
        if auth and token:
            headers["Authorization"] = f"Bearer {token}"
        rid = current_request_id()
        if rid:
            headers[REQUEST_ID_HEADER] = rid
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, *, json=None, params=None, headers: dict | None = None,
                auth: bool = True, raw: bool = False):
        """The decoded JSON answer (None for an empty body); `raw=True` gives the response."""
        url = self.base_url + path
        timeout = self.timeout or current_app.config.get("HTTP_TIMEOUT_SECONDS", 5)
        for attempt in (1, 2):
            try:
                response = _http.request(method, url, json=json, params=params, timeout=timeout,
                                         headers=self.headers(headers, auth=auth))
                break
            except requests.ConnectionError as exc:
                # refused or reset before an answer: nothing happened there, so trying again is safe
                if attempt == 2:
                    log.warning("%s unreachable: %s %s: %s", self.service, method, path, exc)
                    raise ServiceUnavailable(self.service, str(exc)) from exc
            except requests.Timeout as exc:
                # the service may still be working on it: not repeated, a POST could happen twice
                log.warning("%s timed out: %s %s", self.service, method, path)
                raise ServiceUnavailable(self.service, "timeout") from exc
        if response.status_code in (502, 503, 504):
            raise ServiceUnavailable(self.service, f"HTTP {response.status_code}")
        if response.status_code >= 400:
            body = _json_or_empty(response)
            error_class = Unauthorized if response.status_code == 401 else ApiError
            raise error_class(response.status_code, body.get("code", ""), body.get("message", ""),
                              body.get("errors") if isinstance(body.get("errors"), dict) else {})
        if raw:
            return response
        if not response.content:
            return None
        return response.json()

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)


def _json_or_empty(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
