"""Found and subscribed: schema.org JSON-LD on event pages, series and organizer pages,
calendar subscriptions, the sitemap and the accessibility statement."""
from __future__ import annotations

import re
from xml.etree import ElementTree

import icalendar
import pytest
import requests

from tests.factories import auth
from tests.registrations.conftest import change_event, make_event

extruct = pytest.importorskip("extruct")

# From the schema.org vocabulary (https://schema.org/Event, /Place, /VirtualLocation, /Offer):
# every property we emit must be one the type defines (its own or inherited from Thing /
# CreativeWork for offers), and the properties search engines require or recommend for an
# Event must be there. schema.org itself marks nothing "required"; the required/recommended
# split is the one of the event rich result (name, startDate, location required).
EVENT_PROPERTIES = {
    "@context", "@type", "about", "actor", "aggregateRating", "attendee", "audience", "composer", "contributor",
    "director", "doorTime", "duration", "endDate", "eventAttendanceMode", "eventSchedule", "eventStatus",
    "funder", "funding", "inLanguage", "isAccessibleForFree", "keywords", "location", "maximumAttendeeCapacity",
    "maximumPhysicalAttendeeCapacity", "maximumVirtualAttendeeCapacity", "offers", "organizer", "performer",
    "previousStartDate", "recordedIn", "remainingAttendeeCapacity", "review", "sponsor", "startDate",
    "subEvent", "superEvent", "translator", "typicalAgeRange", "workFeatured", "workPerformed",
    # from Thing
    "additionalType", "alternateName", "description", "disambiguatingDescription", "identifier", "image",
    "mainEntityOfPage", "name", "potentialAction", "sameAs", "subjectOf", "url",
}
EVENT_REQUIRED = {"name", "startDate", "location"}
EVENT_RECOMMENDED = {"description", "endDate", "eventAttendanceMode", "eventStatus", "offers", "organizer"}
PLACE_REQUIRED = {"name", "address"}
VIRTUAL_LOCATION_REQUIRED = {"url"}
OFFER_RECOMMENDED = {"price", "priceCurrency", "availability", "url", "validFrom"}
EVENT_STATUSES = {f"https://schema.org/{s}" for s in
                  ("EventScheduled", "EventCancelled", "EventPostponed", "EventRescheduled", "EventMovedOnline")}
ATTENDANCE_MODES = {f"https://schema.org/{m}" for m in
                    ("OfflineEventAttendanceMode", "OnlineEventAttendanceMode", "MixedEventAttendanceMode")}
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)$")


def jsonld_event(client, event_id: int) -> dict:
    response = client.get(f"/events/{event_id}")
    assert response.status_code == 200
    data = extruct.extract(response.get_data(as_text=True), base_url="http://registrations.test/",
                           syntaxes=["json-ld"])["json-ld"]
    events = [d for d in data if d.get("@type") == "Event"]
    assert len(events) == 1, data
    return events[0]


def assert_valid_event(item: dict) -> None:
    unknown = set(item) - EVENT_PROPERTIES
    assert not unknown, f"not properties of schema.org Event: {unknown}"
    missing = (EVENT_REQUIRED | EVENT_RECOMMENDED) - set(item)
    assert not missing, f"required/recommended properties missing: {missing}"
    assert OFFSET.match(item["startDate"]) and OFFSET.match(item["endDate"]), (item["startDate"], item["endDate"])
    assert item["eventStatus"] in EVENT_STATUSES
    assert item["eventAttendanceMode"] in ATTENDANCE_MODES
    locations = item["location"] if isinstance(item["location"], list) else [item["location"]]
    for location in locations:
        required = PLACE_REQUIRED if location["@type"] == "Place" else VIRTUAL_LOCATION_REQUIRED
        assert location["@type"] in ("Place", "VirtualLocation")
        assert required <= set(location), location
    assert item["offers"]["@type"] == "Offer" and OFFER_RECOMMENDED <= set(item["offers"]), item["offers"]
    assert item["organizer"]["@type"] == "Organization" and item["organizer"]["name"]


def test_event_page_carries_schema_org_event_json_ld(client, app, events_live, token):
    event = make_event(events_live, app, token, title="Ideenschmiede Tiny Rathaus",
                       price={"amount_cents": 4000, "currency": "EUR", "note": "Teilnahmepauschale"},
                       agenda=[{"starts_at": "2030-09-13T10:00:00", "title": "Begrüßung",
                                "speakers": ["Anne Czichowski"]}])
    item = jsonld_event(client, event["id"])
    assert_valid_event(item)
    assert item["name"] == "Ideenschmiede Tiny Rathaus"
    assert item["startDate"] == "2030-09-13T10:00:00+02:00" and item["endDate"] == "2030-09-13T16:00:00+02:00"
    assert item["location"] == {"@type": "Place", "name": "Stadtteilbücherei Dietrichsdorf", "address": {
        "@type": "PostalAddress", "streetAddress": "Langer Rehm 29", "postalCode": "24149",
        "addressLocality": "Kiel"}}
    assert item["offers"]["price"] == "40.00" and item["offers"]["priceCurrency"] == "EUR"
    assert item["offers"]["availability"] == "https://schema.org/InStock"
    assert item["eventStatus"] == "https://schema.org/EventScheduled"
    assert item["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert item["performer"] == [{"@type": "Person", "name": "Anne Czichowski"}]
    assert item["url"] == f"http://registrations.test/events/{event['id']}"
    assert item["organizer"]["url"] == f"http://registrations.test/organizers/{event['organizer']['id']}"


def test_online_event_has_a_virtual_location_without_the_access_link(client, app, events_live, token):
    event = make_event(events_live, app, token, format="online", venue=None,
                       online_url="https://meet.example.org/secret-room")
    item = jsonld_event(client, event["id"])
    assert_valid_event(item)
    assert item["location"] == {"@type": "VirtualLocation", "url": f"http://registrations.test/events/{event['id']}"}
    assert item["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert "secret-room" not in client.get(f"/events/{event['id']}").get_data(as_text=True)
    hybrid = make_event(events_live, app, token, format="hybrid", online_url="https://meet.example.org/x")
    item = jsonld_event(client, hybrid["id"])
    assert_valid_event(item)
    assert [loc["@type"] for loc in item["location"]] == ["Place", "VirtualLocation"]
    assert item["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"


def test_cancelled_and_rescheduled_events_say_so(client, app, events_live, token):
    moved = make_event(events_live, app, token)
    change_event(events_live, app, token, moved["id"],
                 body={"starts_at": "2030-09-20T10:00:00", "ends_at": "2030-09-20T16:00:00"})
    item = jsonld_event(client, moved["id"])
    assert_valid_event(item)
    assert item["eventStatus"] == "https://schema.org/EventRescheduled"
    assert item["previousStartDate"] == "2030-09-13T10:00:00+02:00"
    assert item["startDate"] == "2030-09-20T10:00:00+02:00"

    cancelled = make_event(events_live, app, token)
    change_event(events_live, app, token, cancelled["id"], action="cancel", body={"reason": "Krankheit"})
    item = jsonld_event(client, cancelled["id"])
    assert_valid_event(item)
    assert item["eventStatus"] == "https://schema.org/EventCancelled"


def test_a_draft_moved_before_publishing_is_not_rescheduled(client, app, events_live, token):
    draft = make_event(events_live, app, token, publish=False)
    response = requests.patch(f"{events_live.url}/api/v1/events/{draft['id']}", headers=auth(token), timeout=10,
                              json={"starts_at": "2030-09-20T10:00:00", "ends_at": "2030-09-20T16:00:00"})
    assert response.status_code == 200 and response.json()["previous_starts_at"] is None
    published = change_event(events_live, app, token, draft["id"], action="publish")
    assert jsonld_event(client, published["id"])["eventStatus"] == "https://schema.org/EventScheduled"


def make_series(events_live, app, token, count: int, planned: int | None = None) -> tuple[dict, list[dict]]:
    response = requests.post(f"{events_live.url}/api/v1/series", headers=auth(token), timeout=10,
                             json={"title": "Werkstattreihe Klimaanpassung", "planned_parts": planned})
    assert response.status_code == 201, response.text
    series = response.json()
    parts = [make_event(events_live, app, token, title=f"Werkstatt {n}", series_id=series["id"], series_position=n,
                        starts_at=f"2030-10-0{n}T18:00:00", ends_at=f"2030-10-0{n}T20:00:00",
                        registration={"closes_at": None}) for n in range(1, count + 1)]
    return series, parts


def test_event_page_shows_its_place_in_the_series_and_the_series_page_lists_the_parts(client, app, events_live,
                                                                                     token):
    series, parts = make_series(events_live, app, token, 3, planned=4)
    page = client.get(f"/events/{parts[1]['id']}").get_data(as_text=True)
    assert "Teil 2 von 4" in page
    for other in (parts[0], parts[2]):
        assert f'href="/events/{other["id"]}"' in page
    assert 'aria-current="page"' in page
    assert f'href="/series/{series["id"]}"' in page
    assert jsonld_event(client, parts[1]["id"])["superEvent"]["@type"] == "EventSeries"
    english = client.get(f"/events/{parts[0]['id']}?lang=en").get_data(as_text=True)
    assert "Part 1 of 4" in english

    listing = client.get(f"/series/{series['id']}")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    positions = [text.index(f'href="/events/{p["id"]}"') for p in parts]
    assert positions == sorted(positions)
    assert "Werkstattreihe Klimaanpassung" in text
    assert f"webcal://registrations.test/series/{series['id']}/calendar.ics" in text
    assert client.get("/series/999999").status_code == 404


def parse_feed(client, path: str) -> icalendar.Calendar:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.get_data())


def test_series_and_organizer_feeds_keep_uids_and_raise_sequence_on_change(client, app, events_live, token,
                                                                           other_token):
    series, parts = make_series(events_live, app, token, 2)
    foreign = make_event(events_live, app, other_token, title="Fremde Veranstaltung")
    feed = parse_feed(client, f"/series/{series['id']}/calendar.ics")
    assert str(feed["REFRESH-INTERVAL"].to_ical().decode()) == "PT1H"
    assert feed["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(feed["X-WR-CALNAME"]) == "Werkstattreihe Klimaanpassung"
    before = {str(v["UID"]): int(v["SEQUENCE"]) for v in feed.walk("VEVENT")}
    assert set(before) == {f"event-{p['id']}@civic-events" for p in parts}

    change_event(events_live, app, token, parts[0]["id"], body={"title": "Werkstatt 1: Hitze"})
    after = {str(v["UID"]): (int(v["SEQUENCE"]), str(v["SUMMARY"]))
             for v in parse_feed(client, f"/series/{series['id']}/calendar.ics").walk("VEVENT")}
    assert set(after) == set(before)
    first, second = f"event-{parts[0]['id']}@civic-events", f"event-{parts[1]['id']}@civic-events"
    assert after[first] == (before[first] + 1, "Werkstatt 1: Hitze")
    assert after[second][0] == before[second]

    organizer_id = parts[0]["organizer"]["id"]
    mine = parse_feed(client, f"/organizers/{organizer_id}/calendar.ics")
    uids = {str(v["UID"]) for v in mine.walk("VEVENT")}
    assert {first, second} <= uids and f"event-{foreign['id']}@civic-events" not in uids
    assert mine["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"

    change_event(events_live, app, token, parts[1]["id"], action="cancel")
    cancelled = {str(v["UID"]): v for v in parse_feed(client, f"/organizers/{organizer_id}/calendar.ics")
                 .walk("VEVENT")}[second]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) > before[second]
    page = client.get(f"/events/{parts[0]['id']}").get_data(as_text=True)
    assert f"webcal://registrations.test/organizers/{organizer_id}/calendar.ics" in page
    assert f"webcal://registrations.test/series/{series['id']}/calendar.ics" in page


def test_organizer_page_lists_only_its_own_public_events(client, app, events_live, token, other_token):
    mine = make_event(events_live, app, token, title="Offene Sprechstunde")
    draft = make_event(events_live, app, token, title="Noch geheim", publish=False)
    theirs = make_event(events_live, app, other_token, title="Fremde Veranstaltung")
    page = client.get(f"/organizers/{mine['organizer']['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Offene Sprechstunde" in text and "Landeshauptstadt Kiel" in text
    assert "Noch geheim" not in text and "Fremde Veranstaltung" not in text
    assert f'href="/events/{draft["id"]}"' not in text and f'href="/events/{theirs["id"]}"' not in text
    assert client.get("/organizers/999999").status_code == 404


def test_sitemap_lists_public_pages_only(client, app, events_live, token):
    series, parts = make_series(events_live, app, token, 1)
    draft = make_event(events_live, app, token, publish=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ElementTree.fromstring(response.get_data()).findall("s:url/s:loc", ns)]
    base = "http://registrations.test"
    assert f"{base}/" in locs and f"{base}/barrierefreiheit" in locs
    assert f"{base}/events/{parts[0]['id']}" in locs
    assert f"{base}/series/{series['id']}" in locs
    assert f"{base}/organizers/{parts[0]['organizer']['id']}" in locs
    assert f"{base}/events/{draft['id']}" not in locs


def test_accessibility_statement_in_german_and_english(client):
    german = client.get("/barrierefreiheit")
    assert german.status_code == 200
    text = german.get_data(as_text=True)
    for part in ("Erklärung zur Barrierefreiheit", "Stand der Vereinbarkeit", "Feedback und Kontakt",
                 "Schlichtungsverfahren", "schlichtungsstelle-bgg.de", "mailto:", "Stand der letzten Prüfung"):
        assert part in text, part
    english = client.get("/barrierefreiheit?lang=en").get_data(as_text=True)
    assert "Accessibility statement" in english and "Enforcement procedure" in english
    assert 'href="/barrierefreiheit' in client.get("/").get_data(as_text=True)
