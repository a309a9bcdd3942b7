"""iCalendar per event and the feed, parsed back with the icalendar library."""
from datetime import datetime, timezone

import icalendar

from shared.ics import build_calendar
from tests.factories import auth, create_event

UTC = timezone.utc

TWO_SESSIONS = [
    {"title": "Ideenschmiede", "starts_at": "2030-09-13T10:00:00", "ends_at": "2030-09-13T12:30:00",
     "capacity": 8, "registration": "required"},
    {"title": "Open Hour", "starts_at": "2030-09-13T13:00:00", "ends_at": "2030-09-13T16:00:00",
     "registration": "none"},
]


def parse(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.data)


def vevents(cal):
    return sorted(cal.walk("VEVENT"), key=lambda v: v.decoded("DTSTART"))


def test_event_ics_has_one_vevent_per_session_in_berlin_time(client, organizer_token):
    event = create_event(client, organizer_token, publish=True, sessions=TWO_SESSIONS)
    cal = parse(client.get(f"/api/v1/events/{event['id']}/ics"))
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["METHOD"]) == "PUBLISH"
    first, second = vevents(cal)
    assert str(first["SUMMARY"]) == "Ideenschmiede Tiny Rathaus – Ideenschmiede"
    assert str(second["SUMMARY"]) == "Ideenschmiede Tiny Rathaus – Open Hour"
    for vevent in (first, second):
        assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert vevent["DTEND"].params["TZID"] == "Europe/Berlin"
        assert str(vevent["LOCATION"]) == "Stadtteilbücherei Dietrichsdorf, Langer Rehm 29, 24149 Kiel"
        assert str(vevent["STATUS"]) == "CONFIRMED"
        assert int(vevent["SEQUENCE"]) == event["revision"]
    # 10:00 Berlin summer time is 08:00 UTC
    assert first.decoded("DTSTART").astimezone(UTC) == datetime(2030, 9, 13, 8, 0, tzinfo=UTC)
    assert first.decoded("DTEND").astimezone(UTC) == datetime(2030, 9, 13, 10, 30, tzinfo=UTC)
    assert second.decoded("DTSTART").astimezone(UTC) == datetime(2030, 9, 13, 11, 0, tzinfo=UTC)
    # the wall clock in the file is the announced one
    assert first.decoded("DTSTART").replace(tzinfo=None) == datetime(2030, 9, 13, 10, 0)
    session_ids = {s["id"] for s in event["sessions"]}
    assert {str(v["UID"]) for v in (first, second)} == \
        {f"event-{event['id']}-session-{sid}@civic-events" for sid in session_ids}
    assert str(first["URL"]) == f"http://registrations.test/events/{event['id']}"
    assert "mailto:anne.czichowski@kiel.de" in str(first["ORGANIZER"])
    [vtimezone] = cal.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Berlin"
    assert {c.name for c in vtimezone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_winter_time_is_an_hour_less_off_utc(client, organizer_token):
    event = create_event(client, organizer_token, publish=True, starts_at="2030-01-10T18:00:00",
                         ends_at="2030-01-10T20:30:00", sessions=[], agenda=[], registration={"mode": "none"})
    [vevent] = vevents(parse(client.get(f"/api/v1/events/{event['id']}/ics")))
    assert vevent.decoded("DTSTART").astimezone(UTC) == datetime(2030, 1, 10, 17, 0, tzinfo=UTC)
    assert str(vevent["UID"]) == f"event-{event['id']}@civic-events"
    assert str(vevent["SUMMARY"]) == "Ideenschmiede Tiny Rathaus"


def test_online_event_location_is_its_link(client, organizer_token):
    event = create_event(client, organizer_token, publish=True, format="online", venue=None,
                         online_url="https://fes.example/seminar", sessions=[], agenda=[])
    [vevent] = vevents(parse(client.get(f"/api/v1/events/{event['id']}/ics")))
    assert str(vevent["LOCATION"]) == "https://fes.example/seminar"


def test_other_time_zone_is_kept(client, organizer_token):
    event = create_event(client, organizer_token, publish=True, timezone="America/New_York",
                         starts_at="2030-09-13T10:00:00", ends_at="2030-09-13T12:00:00", sessions=[], agenda=[],
                         registration={"mode": "none"})
    cal = parse(client.get(f"/api/v1/events/{event['id']}/ics"))
    [vevent] = vevents(cal)
    assert vevent["DTSTART"].params["TZID"] == "America/New_York"
    assert vevent.decoded("DTSTART").astimezone(UTC) == datetime(2030, 9, 13, 14, 0, tzinfo=UTC)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]


def test_cancelled_event_is_marked_cancelled(client, organizer_token):
    event = create_event(client, organizer_token, publish=True)
    client.post(f"/api/v1/events/{event['id']}/cancel", headers=auth(organizer_token))
    [vevent] = vevents(parse(client.get(f"/api/v1/events/{event['id']}/ics")))
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == event["revision"] + 1


def test_fee_appears_in_the_description(client, organizer_token):
    event = create_event(client, organizer_token, publish=True, format="online", venue=None, sessions=[], agenda=[],
                         price={"amount_cents": 4000, "currency": "EUR", "note": "Teilnahmepauschale"})
    [vevent] = vevents(parse(client.get(f"/api/v1/events/{event['id']}/ics")))
    assert "Teilnahmepauschale: 40.00 EUR" in str(vevent["DESCRIPTION"])


def test_feed_has_published_upcoming_events_only(client, organizer_token, other_token):
    kiel = create_event(client, organizer_token, publish=True, sessions=TWO_SESSIONS)
    fes = create_event(client, other_token, publish=True, title="Social Smart City", format="online", venue=None,
                       sessions=[], agenda=[], starts_at="2030-10-29T18:00:00", ends_at="2030-10-30T16:30:00")
    create_event(client, organizer_token, title="Entwurf")
    create_event(client, organizer_token, publish=True, title="Vergangen", starts_at="2020-01-01T10:00:00",
                 ends_at="2020-01-01T12:00:00", sessions=[], agenda=[], registration={"mode": "none"})
    cal = parse(client.get("/api/v1/calendar.ics"))
    assert str(cal["X-WR-CALNAME"]) == "civic-events"
    uids = [str(v["UID"]) for v in vevents(cal)]
    assert len(uids) == 3
    assert sum(u.startswith(f"event-{kiel['id']}-session-") for u in uids) == 2
    assert f"event-{fes['id']}@civic-events" in uids
    assert len(cal.walk("VTIMEZONE")) == 1


def test_empty_feed_is_a_valid_calendar(client):
    cal = parse(client.get("/api/v1/calendar.ics"))
    assert cal.walk("VEVENT") == []


def test_ics_of_unknown_event_is_404_json(client):
    response = client.get("/api/v1/events/4711/ics")
    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_build_calendar_limits_to_chosen_sessions():
    event = {"id": 7, "title": "Ko-kreative Projektentwicklung", "timezone": "Europe/Berlin", "format": "in_person",
             "venue": {"name": "WiQ", "city": "Leipzig"}, "status": "published", "revision": 3,
             "starts_at": "2030-03-07T09:00:00+01:00", "ends_at": "2030-05-16T13:00:00+02:00",
             "sessions": [{"id": i, "title": f"Modul {i}", "starts_at": f"2030-03-{6 + i:02d}T09:00:00+01:00",
                           "ends_at": f"2030-03-{6 + i:02d}T17:00:00+01:00"} for i in (1, 2, 3)]}
    cal = icalendar.Calendar.from_ical(build_calendar([event], session_ids={2}, method="REQUEST"))
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Ko-kreative Projektentwicklung – Modul 2"
    assert str(vevent["LOCATION"]) == "WiQ, Leipzig"
    assert str(cal["METHOD"]) == "REQUEST"
    assert vevent.decoded("DTSTART").astimezone(UTC) == datetime(2030, 3, 8, 8, 0, tzinfo=UTC)
