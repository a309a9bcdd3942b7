"""The registrations service: seats, waiting lists and the registrations of an event."""
from __future__ import annotations

from .base import ApiError, ServiceClient


class RegistrationsClient(ServiceClient):
    service = "registrations"

    def availability(self, event_id: int) -> dict:
        """{capacity, taken, available, waitlist, sessions?} (public)."""
        return self.get(f"/api/v1/events/{event_id}/availability")

    def registrations(self, event_id: int) -> list[dict]:
        return self.get(f"/api/v1/events/{event_id}/registrations")

    def counts(self, event_ids: list[int]) -> dict[int, dict]:
        """{event_id: {capacity, taken, waitlist, pending_approval}} for the dashboard."""
        counts = {}
        for event_id in event_ids:
            try:
                seats = self.availability(event_id)
            except ApiError as error:
                if error.status == 404:  # not replicated yet: just published
                    continue
                raise
            counts[event_id] = {"capacity": seats.get("capacity"), "taken": seats.get("taken", 0),
                                "waitlist": seats.get("waitlist", 0), "pending_approval": None}
        return counts
