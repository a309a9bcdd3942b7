"""The registrations service: seats, waiting lists, the registrations of an event, the
organizer's decisions on them, and mailings to registrants."""
from __future__ import annotations

from .base import ServiceClient


class RegistrationsClient(ServiceClient):
    service = "registrations"

    def availability(self, event_id: int) -> dict:
        """{capacity, taken, available, waitlist, sessions?} (public)."""
        return self.get(f"/api/v1/events/{event_id}/availability")

    def summary(self, event_id: int) -> dict:
        """{event_id, by_status: {status: n}, checked_in, active, seats: availability}."""
        return self.get(f"/api/v1/events/{event_id}/registrations/summary")

    def registrations(self, event_id: int, status: str | None = None, session_id: int | None = None) -> list[dict]:
        return self.get(f"/api/v1/events/{event_id}/registrations", params=_filters(status, session_id))

    def registrations_csv(self, event_id: int, status: str | None = None, session_id: int | None = None):
        """The raw response of the CSV export (semicolons, BOM: Excel in a German locale)."""
        return self.get(f"/api/v1/events/{event_id}/registrations", params=_filters(status, session_id),
                        headers={"Accept": "text/csv"}, raw=True)

    def registration(self, registration_id: str) -> dict:
        return self.get(f"/api/v1/registrations/{registration_id}")

    def decide(self, registration_id: str, action: str) -> dict:
        """action: approve | reject | check-in → {id, event_id, status}."""
        return self.post(f"/api/v1/registrations/{registration_id}/{action}", json={})

    def cancel(self, registration_id: str, note: str | None = None) -> dict:
        return self.post(f"/api/v1/registrations/{registration_id}/cancel-by-organizer", json={"note": note or None})

    def promote(self, registration_id: str, beyond_capacity: bool = False) -> dict:
        """ApiError 409 `event_full` when no seat is free and not beyond_capacity."""
        return self.post(f"/api/v1/registrations/{registration_id}/promote",
                         json={"beyond_capacity": beyond_capacity})

    def mailings(self, event_id: int) -> list[dict]:
        return self.get(f"/api/v1/events/{event_id}/mailings")

    def send_mailing(self, event_id: int, body: dict, idempotency_key: str | None = None) -> dict:
        """body {audience, session_id?, subject, body}; the same key again sends nothing twice."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.post(f"/api/v1/events/{event_id}/mailings", json=body, headers=headers)

    def counts(self) -> dict[int, dict]:
        """{event_id: {capacity, taken, available, waitlist, pending_approval, confirmed}} of
        every event of the organizer that registrations knows (drafts are not there yet)."""
        return {row["event_id"]: row for row in self.get("/api/v1/organizers/me/registration-counts")}


def _filters(status: str | None, session_id: int | None) -> dict:
    return {k: v for k, v in (("status", status), ("session_id", session_id)) if v}
