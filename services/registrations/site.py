"""The public site beyond one event: series, organizers, calendar subscriptions, the sitemap
and the accessibility statement. Everything comes from the replicas, so it keeps working
while the events service is down.

GET /series/<id>                    the parts of a series
GET /series/<id>/calendar.ics       subscription feed of the series
GET /organizers/<id>                an organizer's upcoming events
GET /organizers/<id>/calendar.ics   subscription feed of the organizer
GET /sitemap.xml                    every public page, for search engines
GET /barrierefreiheit               accessibility statement (BITV 2.0), from the last axe run
"""
from __future__ import annotations

import json
import os
from datetime import date, timedelta

from babel.dates import format_date
from flask import Blueprint, Response, abort, current_app, request

from shared.db import utcnow
from shared.ics import build_calendar

from . import seo
from .catalog import organizer_rows, public_rows, public_url, series_nav, series_rows, webcal
from .domain.errors import RegistrationError
from .models import EventReplica
from .pages import html_crash, html_domain_error, language, page, protect

bp = Blueprint("site", __name__, template_folder="templates")
bp.after_request(protect)
bp.register_error_handler(Exception, html_crash)
bp.register_error_handler(RegistrationError, html_domain_error)

# a subscribed calendar still shows what happened last month (and its cancellations)
FEED_LOOKBACK = timedelta(days=31)
FEED_REFRESH = timedelta(hours=1)
REPORT_PATH = os.path.join(os.path.dirname(__file__), "static", "accessibility-report.json")
@bp.get("/series/<int(max=2147483647):series_id>")
def series_page(series_id: int):
    parts = series_rows(series_id)
    if not parts:
        abort(404)
    newest = max(parts, key=lambda r: r.updated_at).data
    lang = language(newest)
    nav = series_nav(newest, parts)
    feed = public_url("site.series_feed", series_id=series_id)
    return page("series.html", lang=lang, nav=nav, organizer=newest["organizer"],
                feed={"https": feed, "webcal": webcal(feed)})


@bp.get("/organizers/<int(max=2147483647):organizer_id>")
def organizer_page(organizer_id: int):
    known = public_rows(EventReplica.organizer_id == organizer_id, limit=1)
    if not known:
        abort(404)
    lang = language()
    rows = organizer_rows(organizer_id, since=utcnow())
    organizer = max(rows or known, key=lambda r: r.updated_at).data["organizer"]
    feed = public_url("site.organizer_feed", organizer_id=organizer_id)
    return page("organizer.html", lang=lang, organizer=organizer, rows=rows,
                feed={"https": feed, "webcal": webcal(feed)})


def _feed(rows: list[EventReplica], name: str, filename: str) -> Response:
    body = build_calendar([r.data for r in rows], method="PUBLISH", name=name, refresh_interval=FEED_REFRESH,
                          url_for=lambda e: public_url("pages.event_page", event_id=e["id"]))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = f"public, max-age={int(FEED_REFRESH.total_seconds())}"
    return response


@bp.get("/series/<int(max=2147483647):series_id>/calendar.ics")
def series_feed(series_id: int):
    rows = series_rows(series_id)
    if not rows:
        abort(404)
    return _feed(rows, rows[-1].data["series"]["title"], f"series-{series_id}.ics")


@bp.get("/organizers/<int(max=2147483647):organizer_id>/calendar.ics")
def organizer_feed(organizer_id: int):
    if not public_rows(EventReplica.organizer_id == organizer_id, limit=1):
        abort(404)
    rows = organizer_rows(organizer_id, since=utcnow() - FEED_LOOKBACK)
    name = rows[-1].data["organizer"]["name"] if rows else f"organizer-{organizer_id}"
    return _feed(rows, name, f"organizer-{organizer_id}.ics")


@bp.get("/sitemap.xml")
def sitemap():
    rows = public_rows(EventReplica.status == "published", EventReplica.ends_at >= utcnow(), limit=5000)
    entries = [(public_url("pages.index"), None)]
    organizers, series = {}, {}
    for row in rows:
        day = row.updated_at.date().isoformat()
        entries.append((public_url("pages.event_page", event_id=row.id), day))
        organizers[row.organizer_id] = max(day, organizers.get(row.organizer_id, day))
        if row.data.get("series"):
            sid = row.data["series"]["id"]
            series[sid] = max(day, series.get(sid, day))
    entries += [(public_url("site.organizer_page", organizer_id=oid), day) for oid, day in sorted(organizers.items())]
    entries += [(public_url("site.series_page", series_id=sid), day) for sid, day in sorted(series.items())]
    entries.append((public_url("site.accessibility"), accessibility_report().get("checked_on")))
    return Response(seo.sitemap(entries), mimetype="application/xml")


def accessibility_report() -> dict:
    """The committed result of the last accessibility check (tests/a11y write and compare it)."""
    try:
        with open(REPORT_PATH, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


@bp.get("/barrierefreiheit")
def accessibility():
    lang = language() if request.args.get("lang") else "de"
    report = accessibility_report()
    checked = (format_date(date.fromisoformat(report["checked_on"]), "d. MMMM y" if lang == "de" else "d MMMM y",
                           locale=lang) if report.get("checked_on") else "–")
    return page("accessibility.html", lang=lang, report=report, checked=checked,
                contact=current_app.config["ACCESSIBILITY_CONTACT"])

