"""The notifications service: the mails sent for an organizer's events and their delivery."""
from __future__ import annotations

from .base import ServiceClient


class NotificationsClient(ServiceClient):
    service = "notifications"

    def messages(self, event_id: int | None = None, registration_id: str | None = None,
                 mailing_id: str | None = None, kind: str | None = None, limit: int | None = None) -> list[dict]:
        """[{id, kind, to, subject, status, attempts, sent_at, last_error, mailing_id, created_at}], newest first."""
        params = {k: v for k, v in (("event_id", event_id), ("registration_id", registration_id),
                                    ("mailing_id", mailing_id), ("kind", kind), ("limit", limit)) if v}
        return self.get("/api/v1/messages", params=params)
