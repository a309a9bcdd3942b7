"""GET /api/v1/events: only published upcoming events, filters and pagination."""
import json

import pytest

from tests.factories import auth, create_event


def _event(client, token, title, starts, ends, publish=True, **extra):
    body = dict(title=title, starts_at=starts, ends_at=ends, sessions=[], agenda=[], registration={"mode": "none"},
                summary=None)
    body.update(extra)
    return create_event(client, token, publish=publish, **body)


@pytest.fixture()
def catalogue(client, organizer_token, other_token):
    events = {
        "kiel": _event(client, organizer_token, "Tiny Rathaus Dietrichsdorf", "2030-09-13T10:00:00",
                       "2030-09-17T16:00:00", summary="Mobiles Rathaus vor der Stadtteilbücherei"),
        "fes": _event(client, other_token, "Social Smart City", "2030-10-29T18:00:00", "2030-10-30T16:30:00",
                      format="online", venue=None, online_url="https://fes.example/seminar",
                      description="Online-Seminar über kommunale Digitalisierung (100% digital)"),
        "leipzig": _event(client, organizer_token, "Ko-kreative Projektentwicklung", "2030-03-07T09:00:00",
                          "2030-05-16T13:00:00", format="hybrid", online_url="https://wiq.example/"),
        "past": _event(client, organizer_token, "Vergangen", "2020-01-01T10:00:00", "2020-01-01T12:00:00"),
        "draft": _event(client, organizer_token, "Entwurf", "2030-06-01T10:00:00", "2030-06-01T12:00:00",
                        publish=False),
    }
    cancelled = _event(client, organizer_token, "Abgesagt", "2030-07-01T10:00:00", "2030-07-01T12:00:00")
    client.post(f"/api/v1/events/{cancelled['id']}/cancel", headers=auth(organizer_token))
    return events


def titles(response):
    assert response.status_code == 200, response.json
    return [e["title"] for e in response.json]


def test_list_shows_published_upcoming_events_in_start_order(client, catalogue):
    assert titles(client.get("/api/v1/events")) == [
        "Ko-kreative Projektentwicklung", "Tiny Rathaus Dietrichsdorf", "Social Smart City"]


def test_list_is_public_and_the_same_for_an_organizer(client, catalogue, organizer_token):
    # an organizer's own draft does not appear in the public list
    assert "Entwurf" not in titles(client.get("/api/v1/events", headers=auth(organizer_token)))


def test_filter_from_and_to(client, catalogue):
    assert titles(client.get("/api/v1/events?from=2030-09-20")) == ["Social Smart City"]
    assert titles(client.get("/api/v1/events?to=2030-09-13")) == ["Ko-kreative Projektentwicklung"]
    assert titles(client.get("/api/v1/events?from=2030-06-01&to=2030-10-01")) == ["Tiny Rathaus Dietrichsdorf"]
    # `from` in the past brings back past events
    assert "Vergangen" in titles(client.get("/api/v1/events?from=2019-12-31"))
    # a datetime with an offset works too
    assert titles(client.get("/api/v1/events", query_string={"from": "2030-10-30T16:00:00+01:00"})) == \
        ["Social Smart City"]


def test_filter_q_searches_title_summary_and_description_case_insensitively(client, catalogue):
    assert titles(client.get("/api/v1/events?q=rathaus")) == ["Tiny Rathaus Dietrichsdorf"]
    assert titles(client.get("/api/v1/events?q=STADTTEILBÜCHEREI".lower())) == ["Tiny Rathaus Dietrichsdorf"]
    assert titles(client.get("/api/v1/events?q=DIGITALISIERUNG")) == ["Social Smart City"]
    # LIKE wildcards are taken literally
    assert titles(client.get("/api/v1/events", query_string={"q": "100%"})) == ["Social Smart City"]
    assert titles(client.get("/api/v1/events", query_string={"q": "%"})) == ["Social Smart City"]
    assert titles(client.get("/api/v1/events?q=_")) == []


def test_filter_format(client, catalogue):
    assert titles(client.get("/api/v1/events?format=online")) == ["Social Smart City"]
    assert titles(client.get("/api/v1/events?format=hybrid")) == ["Ko-kreative Projektentwicklung"]
    assert titles(client.get("/api/v1/events?format=in_person")) == ["Tiny Rathaus Dietrichsdorf"]


def test_filter_series(client, organizer_token, catalogue):
    series = client.post("/api/v1/series", json={"title": "Werkstattreihe", "planned_parts": 4},
                         headers=auth(organizer_token)).json
    _event(client, organizer_token, "2. Werkstatt", "2030-02-22T11:00:00", "2030-02-22T16:00:00",
           series_id=series["id"], series_position=2)
    assert titles(client.get(f"/api/v1/events?series={series['id']}")) == ["2. Werkstatt"]


@pytest.mark.parametrize("query, field", [
    ("format=ufo", "format"), ("from=yesterday", "from"), ("to=2030-13-45", "to"), ("series=abc", "series"),
])
def test_bad_filters_are_422_naming_the_parameter(client, query, field):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert field in response.json["errors"]


def test_pagination(client, organizer_token):
    for day in range(1, 6):
        _event(client, organizer_token, f"Termin {day}", f"2030-05-0{day}T10:00:00", f"2030-05-0{day}T12:00:00")
    first = client.get("/api/v1/events?page=1&page_size=2")
    assert titles(first) == ["Termin 1", "Termin 2"]
    header = json.loads(first.headers["X-Pagination"])
    assert header["total"] == 5
    assert header["total_pages"] == 3
    assert header["next_page"] == 2
    last = client.get("/api/v1/events?page=3&page_size=2")
    assert titles(last) == ["Termin 5"]
    assert "next_page" not in json.loads(last.headers["X-Pagination"])
    assert client.get("/api/v1/events?page_size=0").status_code == 422
