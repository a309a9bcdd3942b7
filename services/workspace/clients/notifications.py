"""The notifications service: the mails sent for an organizer's events."""
from __future__ import annotations

from .base import ServiceClient


class NotificationsClient(ServiceClient):
    service = "notifications"

    def messages(self, event_id: int | None = None, registration_id: str | None = None) -> list[dict]:
        params = {k: v for k, v in (("event_id", event_id), ("registration_id", registration_id)) if v}
        return self.get("/api/v1/messages", params=params)
