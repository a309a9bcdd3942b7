"""The events service: organizer, members, sign-in, the organizer's events."""
from __future__ import annotations

import json

from .base import ServiceClient


class EventsClient(ServiceClient):
    service = "events"

    # ---- who is signed in -------------------------------------------------------------
    def me(self) -> dict:
        """{"id", "name", "member": {"id","name","email","role"} | None}; refreshes the idle timer."""
        return self.get("/api/v1/organizers/me")

    # ---- sign-in (no member token yet) ---------------------------------------------------
    def request_sign_in_link(self, email: str, locale: str | None = None) -> None:
        """Always answers the same (202), member or not; members get a mail with a link."""
        self.post("/api/v1/sign-in/links", json={"email": email, "locale": locale}, auth=False)

    def redeem_sign_in_link(self, token: str) -> dict:
        """{"session_token", "member", "organizer"}; ApiError 410 link_expired|link_used, 404 unknown."""
        return self.post(f"/api/v1/sign-in/links/{token}", json={}, auth=False)

    def sign_in_by_oidc(self, email: str, service_secret: str) -> dict:
        return self.post("/api/v1/sign-in/oidc", json={"email": email}, auth=False,
                         headers={"Authorization": f"Bearer {service_secret}"})

    def sign_out(self) -> None:
        self.post("/api/v1/sign-in/sign-out", json={})

    # ---- events ------------------------------------------------------------------------
    def my_events(self) -> list[dict]:
        """Every event of the organizer, drafts and past ones included (all pages)."""
        events: list[dict] = []
        page = 1
        while True:
            response = self.get("/api/v1/organizers/me/events", params={"page": page, "page_size": 100},
                                raw=True)
            batch = response.json()
            events.extend(batch)
            pagination = json.loads(response.headers.get("X-Pagination") or "{}")
            if not batch or page >= int(pagination.get("total_pages") or 1):
                return events
            page += 1

    def event(self, event_id: int) -> dict:
        return self.get(f"/api/v1/events/{event_id}")

    def create_event(self, body: dict) -> dict:
        return self.post("/api/v1/events", json=body)

    def update_event(self, event_id: int, body: dict) -> dict:
        return self.patch(f"/api/v1/events/{event_id}", json=body)

    def publish_event(self, event_id: int) -> dict:
        return self.post(f"/api/v1/events/{event_id}/publish", json={})

    def cancel_event(self, event_id: int, reason: str | None = None) -> dict:
        return self.post(f"/api/v1/events/{event_id}/cancel", json={"reason": reason} if reason else {})

    def event_history(self, event_id: int) -> list[dict]:
        return self.get(f"/api/v1/events/{event_id}/history")

    # ---- members and tokens ------------------------------------------------------------
    def members(self) -> list[dict]:
        return self.get("/api/v1/members")

    def add_member(self, name: str, email: str, role: str) -> dict:
        return self.post("/api/v1/members", json={"name": name, "email": email, "role": role})

    def change_member_role(self, member_id: int, role: str) -> dict:
        return self.patch(f"/api/v1/members/{member_id}", json={"role": role})

    def remove_member(self, member_id: int) -> None:
        self.delete(f"/api/v1/members/{member_id}")

    def tokens(self) -> list[dict]:
        return self.get("/api/v1/tokens")

    def create_token(self, label: str) -> dict:
        """{"id", "label", "created_at", "token"}: the plain token, this once."""
        return self.post("/api/v1/tokens", json={"label": label})

    def revoke_token(self, token_id: int) -> None:
        self.delete(f"/api/v1/tokens/{token_id}")
