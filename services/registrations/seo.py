"""What search engines read: schema.org `Event` JSON-LD for an event page and the sitemap.

Built from the replica's public representation only, so nothing appears here that the page
itself does not show. The online access link is handed out after sign-up, so a virtual
location points at the event page, never at `online_url`.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

SCHEMA = "https://schema.org/"

ATTENDANCE_MODES = {"in_person": "OfflineEventAttendanceMode", "online": "OnlineEventAttendanceMode",
                    "hybrid": "MixedEventAttendanceMode"}


def _place(venue: dict) -> dict:
    address = {"@type": "PostalAddress", "streetAddress": venue.get("street"),
               "postalCode": venue.get("postal_code"), "addressLocality": venue.get("city")}
    address = {k: v for k, v in address.items() if v}
    place = {"@type": "Place", "name": venue.get("name")}
    # schema.org asks for an address on a Place; the venue's name stands in when there is no street
    place["address"] = address if len(address) > 1 else (venue.get("city") or venue.get("name"))
    return place


def _location(event: dict, url: str):
    places = []
    if event.get("format") in ("in_person", "hybrid") and event.get("venue"):
        places.append(_place(event["venue"]))
    if event.get("format") in ("online", "hybrid"):
        places.append({"@type": "VirtualLocation", "url": url})
    return places[0] if len(places) == 1 else places


def _status(event: dict) -> str:
    if event.get("status") == "cancelled":
        return "EventCancelled"
    if event.get("previous_starts_at"):
        return "EventRescheduled"
    return "EventScheduled"


def _offer(event: dict, url: str, available: int | None) -> dict:
    price = event.get("price") or {}
    offer = {"@type": "Offer", "url": url, "price": f"{(price.get('amount_cents') or 0) / 100:.2f}",
             "priceCurrency": price.get("currency") or "EUR",
             "availability": SCHEMA + ("SoldOut" if available is not None and available <= 0 else "InStock")}
    policy = event.get("registration") or {}
    offer["validFrom"] = policy.get("opens_at") or event.get("published_at") or event["starts_at"]
    if policy.get("closes_at"):
        offer["validThrough"] = policy["closes_at"]
    return offer


def event_jsonld(event: dict, *, url: str, organizer_url: str, available: int | None = None,
                 series_url: str | None = None) -> dict:
    """schema.org Event for one event; `available` seats (None: no limit) set the offer's availability."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event["title"],
        "description": event.get("summary") or event.get("description") or event["title"],
        "startDate": event["starts_at"],
        "endDate": event["ends_at"],
        "eventStatus": SCHEMA + _status(event),
        "eventAttendanceMode": SCHEMA + ATTENDANCE_MODES.get(event.get("format"), "OfflineEventAttendanceMode"),
        "location": _location(event, url),
        "organizer": {"@type": "Organization", "name": event["organizer"]["name"], "url": organizer_url},
        "url": url,
        "inLanguage": event.get("language") or "de",
    }
    if event.get("previous_starts_at") and event.get("status") != "cancelled":
        data["previousStartDate"] = event["previous_starts_at"]
    if (event.get("registration") or {}).get("mode") != "none":
        data["offers"] = _offer(event, url, available)
    else:
        data["isAccessibleForFree"] = not (event.get("price") or {}).get("amount_cents")
    speakers = sorted({name for item in event.get("agenda") or [] for name in item.get("speakers") or []})
    if speakers:
        data["performer"] = [{"@type": "Person", "name": name} for name in speakers]
    if series_url and event.get("series"):
        data["superEvent"] = {"@type": "EventSeries", "name": event["series"]["title"], "url": series_url}
    return data


def sitemap(entries: list[tuple[str, str | None]]) -> str:
    """`entries`: (absolute URL, last modification as ISO date or None)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in entries:
        lines.append(f"  <url><loc>{escape(loc)}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
                     + "</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
