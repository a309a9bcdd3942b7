"""What the public site knows beyond one event, from the replicas: the parts of a series, an
organizer's events, absolute public addresses, and what an event page adds for reach
(JSON-LD, the series navigation, subscription links)."""
from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from shared.db import utcnow

from . import seo
from .models import EventReplica, db

PUBLIC_STATUSES = ("published", "cancelled")


def public_url(endpoint: str, **values) -> str:
    """Absolute address on the public site (REGISTRATIONS_URL), as search engines and calendars need."""
    return current_app.config["REGISTRATIONS_URL"].rstrip("/") + url_for(endpoint, **values)


def webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]


def public_rows(*conditions, limit: int = 500) -> list[EventReplica]:
    return db.session.execute(
        select(EventReplica).where(EventReplica.status.in_(PUBLIC_STATUSES), *conditions)
        .order_by(EventReplica.starts_at, EventReplica.id).limit(limit)).scalars().all()


def series_rows(series_id: int) -> list[EventReplica]:
    return public_rows(EventReplica.data[("series", "id")].as_integer() == series_id)


def organizer_rows(organizer_id: int, since=None) -> list[EventReplica]:
    conditions = [EventReplica.organizer_id == organizer_id]
    if since is not None:
        conditions.append(EventReplica.ends_at >= since)
    return public_rows(*conditions)


def series_nav(event: dict, parts: list[EventReplica]) -> dict | None:
    """"Teil 2 von 4": where this event stands in its series, and links to the other parts."""
    series = event.get("series")
    if not series:
        return None
    ids = [r.id for r in parts]
    if event["id"] not in ids:  # a part the replica query did not return (a draft preview): still itself
        ids.append(event["id"])
    position = series.get("position") or ids.index(event["id"]) + 1
    total = max(series.get("planned_parts") or 0, len(ids), position)
    return {"id": series["id"], "title": series["title"], "position": position, "total": total,
            "parts": [{"event": r.data, "current": r.id == event["id"], "status": r.status,
                       "past": r.ends_at < utcnow()} for r in parts]}


def event_extras(row: EventReplica, seats: dict) -> dict:
    """What the event page adds for reach: JSON-LD, the series navigation, subscription links."""
    event = row.data
    url = public_url("pages.event_page", event_id=row.id)
    organizer_url = public_url("site.organizer_page", organizer_id=row.organizer_id)
    series = event.get("series")
    series_url = public_url("site.series_page", series_id=series["id"]) if series else None
    return {
        "jsonld": seo.event_jsonld(event, url=url, organizer_url=organizer_url, available=seats.get("available"),
                                   series_url=series_url),
        "series_nav": series_nav(event, series_rows(series["id"])) if series else None,
        "feeds": feeds_of(event),
    }


def feeds_of(event: dict) -> dict:
    feeds = {"organizer": public_url("site.organizer_feed", organizer_id=int(event["organizer"]["id"]))}
    if event.get("series"):
        feeds["series"] = public_url("site.series_feed", series_id=event["series"]["id"])
    return {kind: {"https": url, "webcal": webcal(url)} for kind, url in feeds.items()}
