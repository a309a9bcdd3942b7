"""The events API calls of the event editor and the import, beyond EventsClient's."""
from __future__ import annotations

from flask import current_app

from .events import EventsClient


class EventEditorClient(EventsClient):
    def my_series(self) -> list[dict]:
        """The organizer's series (empty ones too), for the editor's series choice."""
        return self.get("/api/v1/organizers/me/series")

    def create_series(self, title: str, planned_parts: int | None) -> dict:
        return self.post("/api/v1/series", json={"title": title, "planned_parts": planned_parts})

    def duplicate_event(self, event_id: int, next_part: bool = False) -> dict:
        """A new draft copy; `next_part` makes it the next part of the event's series."""
        return self.post(f"/api/v1/events/{event_id}/duplicate", json={"next_part": next_part})

    def import_announcement(self, body: dict) -> dict:
        """`{text | html | ics, as_of?}` → the draft event with `import` and `missing`."""
        return self.post("/api/v1/events/import", json=body)


def public_event_url(event_id: int) -> str:
    """The event's public sign-up page (served by registrations), at the address people use
    (REGISTRATIONS_URL may be an address inside the cluster)."""
    base = current_app.config.get("REGISTRATIONS_PUBLIC_URL") or current_app.config["REGISTRATIONS_URL"]
    return f"{base.rstrip('/')}/events/{event_id}"
