"""The dashboard: the organizer's events (upcoming, drafts, past) with their seats."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, render_template

from ..auth import member_required
from ..clients.events import EventsClient
from ..clients.registrations import RegistrationsClient

bp = Blueprint("dashboard", __name__)


def group_events(events: list[dict], now: datetime) -> dict[str, list[dict]]:
    """Drafts apart; the rest by whether they have ended. Upcoming soonest first, past newest first."""
    groups: dict[str, list[dict]] = {"upcoming": [], "drafts": [], "past": []}
    for event in events:
        if event["status"] == "draft":
            groups["drafts"].append(event)
        elif datetime.fromisoformat(event["ends_at"]) >= now:
            groups["upcoming"].append(event)
        else:
            groups["past"].append(event)
    groups["upcoming"].sort(key=lambda e: e["starts_at"])
    groups["drafts"].sort(key=lambda e: e["starts_at"])
    groups["past"].sort(key=lambda e: e["starts_at"], reverse=True)
    return groups


@bp.get("/")
@member_required
def index():
    events = EventsClient().my_events()
    groups = group_events(events, datetime.now(timezone.utc))
    seats = RegistrationsClient().counts()
    return render_template("dashboard/index.html", groups=groups, seats=seats)
