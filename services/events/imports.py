"""Saving an imported announcement as a draft event of an organizer, with its import report.

The draft goes through the same path as POST /api/v1/events (domain.apply, an outbox snapshot);
the report stays with it while it is a draft, so the editor can show where each value came from.
"""
from __future__ import annotations

from sqlalchemy import select

from . import domain
from .importer import Draft
from .models import Event, Organizer, Series, db


def _series_for(organizer_id: int, series: dict | None) -> Series | None:
    """A series the text names ("Teil einer vierteiligen Werkstattreihe …"): the organizer's
    series of that title, else a new one (it stays invisible until one of its events is public)."""
    if not series or not series.get("title"):
        return None
    title = series["title"][:300]
    existing = db.session.execute(select(Series).where(Series.organizer_id == organizer_id, Series.title == title)
                                  ).scalars().first()
    if existing is not None:
        return existing
    created = Series(organizer_id=organizer_id, title=title, planned_parts=series.get("planned_parts"))
    db.session.add(created)
    db.session.flush()
    return created


def save_draft(draft: Draft, organizer_id: int) -> Event:
    data = dict(draft.data)
    series = _series_for(organizer_id, draft.series)
    if series is not None:
        data["series_id"] = series.id
        data["series_position"] = (draft.series or {}).get("position")
    event = domain.create_draft(organizer_id, data,
                                import_report={"fields": draft.report, "missing": draft.missing})
    db.session.commit()
    return event


def imported_view(event: Event) -> dict:
    """The event's representation, with `import` and `missing` while it is a draft."""
    body = domain.represent(event)
    if event.status == "draft" and event.import_report:
        body["import_"] = event.import_report.get("fields") or {}
        body["missing"] = event.import_report.get("missing") or []
    return body


def preview(draft: Draft, organizer: dict | None = None) -> dict:
    """The draft as it would be saved, without saving it (`import-announcement --dry-run`)."""
    event = Event(id=None, status="draft", revision=1)
    domain.apply(event, dict(draft.data))
    # a transient stand-in, never added to a session: only its id and name are shown
    event.organizer = Organizer(id=(organizer or {}).get("id"), name=(organizer or {}).get("name"))
    body = domain.represent_json(event)
    body["series"] = draft.series and {k: draft.series.get(k) for k in ("title", "planned_parts", "position")}
    body["import"] = draft.report
    body["missing"] = draft.missing
    return body

