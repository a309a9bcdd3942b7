"""Example request bodies for the OpenAPI document (/docs shows them ready to send): the Kiel
demo event, as an organizer of the Referat Kreative Stadt would create it."""
from __future__ import annotations

CREATE_EVENT = {
    "title": "Tiny Rathaus in Dietrichsdorf – Ideenschmiede",
    "summary": "Das mobile Rathaus vor der Stadtteilbücherei: gemeinsam Ideen entwickeln.",
    "language": "de",
    "timezone": "Europe/Berlin",
    "starts_at": "2030-09-13T10:00:00",
    "ends_at": "2030-09-13T16:00:00",
    "format": "in_person",
    "venue": {"name": "Stadtteilbücherei Dietrichsdorf", "street": "Langer Rehm 29", "postal_code": "24149",
              "city": "Kiel"},
    "price": {"amount_cents": 0, "currency": "EUR", "note": None},
    "contacts": [{"name": "Anne Czichowski", "role": "Referat Kreative Stadt", "email": "anne.czichowski@kiel.de",
                  "phone": "0431/901-3086"}],
    "sessions": [
        {"title": "Ideenschmiede", "starts_at": "2030-09-13T10:00:00", "ends_at": "2030-09-13T12:30:00",
         "capacity": 8, "registration": "required"},
        {"title": "Open Hour", "starts_at": "2030-09-13T13:00:00", "ends_at": "2030-09-13T16:00:00",
         "capacity": None, "registration": "none"},
    ],
    "agenda": [{"starts_at": "2030-09-13T10:00:00", "title": "Begrüßung", "speakers": ["Anne Czichowski"]}],
    "registration": {"mode": "required", "closes_at": "2030-09-10T09:00:00", "waitlist": True, "max_companions": 0},
}

# a PATCH names only what changes; a venue is always sent whole
PATCH_EVENT = {
    "venue": {"name": "Rathaus Kiel", "street": "Fleethörn 9", "postal_code": "24103", "city": "Kiel"},
    "summary": "Wegen Bauarbeiten diesmal im Rathaus.",
}

CANCEL_EVENT = {"reason": "Wegen einer Sturmwarnung fällt die Veranstaltung aus."}

CREATE_SERIES = {
    "title": "Werkstattreihe „Kommunale Labore sozialer Innovation“",
    "description": "Vier Werkstätten zum Aufbau von Laboren sozialer Innovation in Kommunen.",
    "planned_parts": 4,
}
