"""The event editor through the workspace's test client against the real stack: what the form
sends is what the events API stores, the API's field errors come back at their fields with
the rest of the input kept, nothing is half-saved, and another organizer's event is 404."""
from __future__ import annotations

import re

from tests.workspace.conftest import csrf_token

TINY = {
    "title": "Tiny Rathaus in Dietrichsdorf", "summary": "Das mobile Rathaus öffnet eine Woche lang.",
    "audience": "Kolleg*innen der Stadtverwaltung, Bürger*innen", "tags": "Verwaltung, Bürgerbeteiligung",
    "language": "de", "timezone": "Europe/Berlin",
    "starts_at": "2030-09-16T10:00", "ends_at": "2030-09-20T16:00", "format": "in_person",
    "venue-name": "Stadtteilbücherei Dietrichsdorf", "venue-street": "Langer Rehm 29",
    "venue-postal_code": "24149", "venue-city": "Kiel",
    "price-amount": "0", "price-currency": "EUR",
    "contacts-0-name": "Anne Czichowski", "contacts-0-email": "anne.czichowski@example.org",
    "contacts-0-phone": "0431/901-3086",
    "contacts-1-name": "Referat Kreative Stadt", "contacts-1-email": "kreativ@example.org",
    "sessions-0-title": "Ideenschmiede", "sessions-0-starts_at": "2030-09-16T10:00",
    "sessions-0-ends_at": "2030-09-16T12:30", "sessions-0-capacity": "8", "sessions-0-registration": "required",
    "agenda-0-starts_at": "2030-09-16T10:00", "agenda-0-title": "Begrüßung",
    "agenda-0-speakers": "Anne Czichowski\nSophie Mirpourian",
    "registration-mode": "required", "registration-closes_at": "2030-09-13T09:00",
    "registration-waitlist": "y", "registration-max_companions": "1",
    "registration-questions-0-label": "Amt / Dienststelle", "registration-questions-0-type": "text",
    "registration-questions-0-required": "y",
    "series-choice": "", "reminder_hours_before": "48", "contact_notifications": "daily_digest",
}


def post_editor(client, path: str, fields: dict, button: str = "save"):
    page = client.get(path)
    assert page.status_code == 200, page.data[:500]
    return client.post(path, data={"csrf_token": csrf_token(page.data), button: "1", **fields})


def my_events(workspace, org) -> list[dict]:
    return workspace.api(org.token).get("events", "/api/v1/organizers/me/events").json()


def stored(workspace, org, event_id: int) -> dict:
    response = workspace.api(org.token).get("events", f"/api/v1/events/{event_id}")
    assert response.status_code == 200, response.text
    return response.json()


def created_id(response) -> int:
    assert response.status_code == 302, response.data[:3000]
    return int(re.search(r"/events/(\d+)$", response.headers["Location"]).group(1))


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert found, f"no error at {field_id}"
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_a_new_event_with_contacts_sessions_agenda_and_questions_is_stored_whole(workspace, org, owner):
    event_id = created_id(post_editor(owner, "/events/new", TINY))
    event = stored(workspace, org, event_id)
    assert event["status"] == "draft" and event["title"] == TINY["title"]
    assert (event["reminder_hours_before"], event["contact_notifications"]) == (48, "daily_digest")
    assert event["audience"] == TINY["audience"] and event["tags"] == ["Verwaltung", "Bürgerbeteiligung"]
    assert event["starts_at"] == "2030-09-16T10:00:00+02:00" and event["ends_at"] == "2030-09-20T16:00:00+02:00"
    assert event["venue"] == {"name": "Stadtteilbücherei Dietrichsdorf", "street": "Langer Rehm 29",
                              "postal_code": "24149", "city": "Kiel"}
    assert [c["name"] for c in event["contacts"]] == ["Anne Czichowski", "Referat Kreative Stadt"]
    assert [(s["title"], s["capacity"]) for s in event["sessions"]] == [("Ideenschmiede", 8)]
    assert event["agenda"][0]["speakers"] == ["Anne Czichowski", "Sophie Mirpourian"]
    policy = event["registration"]
    assert policy["closes_at"] == "2030-09-13T09:00:00+02:00" and policy["max_companions"] == 1
    assert policy["questions"] == [{"key": "amt_dienststelle", "label": "Amt / Dienststelle", "type": "text",
                                    "required": True, "options": []}]
    page = owner.get(f"/events/{event_id}").data.decode()
    assert 'value="2030-09-16T10:00"' in page and "Sophie Mirpourian" in page


def test_add_another_row_returns_the_form_with_one_more_row_and_saves_nothing(workspace, org, owner):
    response = post_editor(owner, "/events/new", TINY, button="add_session")
    html = response.data.decode()
    assert response.status_code == 200
    assert 'name="sessions-1-title"' in html and 'value="Ideenschmiede"' in html
    assert 'value="Tiny Rathaus in Dietrichsdorf"' in html
    assert my_events(workspace, org) == []


def test_api_field_errors_appear_at_their_fields_the_input_is_kept_and_nothing_is_saved(workspace, org, owner):
    bad = {**TINY, "venue-postal_code": "!", "contacts-1-email": "kreativ@", "contacts-0-remove": "y"}
    response = post_editor(owner, "/events/new", bad)
    html = response.data.decode()
    assert response.status_code == 422
    assert "Postleitzahl" in field_error(html, "venue-postal_code")
    # the second contact row is the first one sent (the first was removed): the error is on row 2
    assert field_error(html, "contacts-1-email")
    assert 'id="contacts-0-email-error"' not in html
    assert 'value="Tiny Rathaus in Dietrichsdorf"' in html and "Sophie Mirpourian" in html
    assert 'class="error-summary"' in html
    assert my_events(workspace, org) == []


def test_inconsistent_times_are_reported_at_the_times(workspace, org, owner):
    bad = {**TINY, "sessions-1-title": "Open Hour", "sessions-1-starts_at": "2030-09-21T13:00",
           "sessions-1-ends_at": "2030-09-21T16:00", "sessions-0-ends_at": "2030-09-16T09:00",
           "registration-closes_at": "2030-09-25T09:00"}
    html = post_editor(owner, "/events/new", bad).data.decode()
    assert "vor" in field_error(html, "sessions-0-ends_at")
    assert field_error(html, "sessions-1-starts_at")
    assert field_error(html, "registration-closes_at")
    html = post_editor(owner, "/events/new", {**TINY, "ends_at": "2030-09-15T16:00"}).data.decode()
    assert "vor" in field_error(html, "ends_at")
    assert 'value="2030-09-15T16:00"' in html
    assert my_events(workspace, org) == []


def test_a_place_without_venue_is_reported_at_the_venue(workspace, org, owner):
    no_venue = {k: v for k, v in TINY.items() if not k.startswith("venue-")}
    response = post_editor(owner, "/events/new", no_venue)
    assert response.status_code == 422
    assert 'id="venue-group-error"' in response.data.decode()


def test_what_the_browser_cannot_send_is_caught_before_the_api(workspace, org, owner):
    response = post_editor(owner, "/events/new", {**TINY, "title": "", "starts_at": "morgen", "price-amount": "viel"})
    html = response.data.decode()
    assert response.status_code == 422
    for field_id in ("title", "starts_at", "price-amount"):
        assert field_error(html, field_id)
    assert 'value="morgen"' in html
    assert my_events(workspace, org) == []


def test_editing_removes_rows_keeps_session_ids_and_joins_a_new_series(workspace, org, owner):
    event_id = created_id(post_editor(owner, "/events/new", TINY))
    session_id = stored(workspace, org, event_id)["sessions"][0]["id"]
    edit = {**TINY, "sessions-0-id": str(session_id), "sessions-0-capacity": "10", "contacts-1-remove": "y",
            "series-choice": "new", "series-new_title": "Tiny-Rathaus-Testwochen", "series-new_planned_parts": "3",
            "series-position": "2"}
    assert created_id(post_editor(owner, f"/events/{event_id}", edit)) == event_id
    event = stored(workspace, org, event_id)
    assert [c["name"] for c in event["contacts"]] == ["Anne Czichowski"]
    assert [(s["id"], s["capacity"]) for s in event["sessions"]] == [(session_id, 10)]
    assert event["series"]["title"] == "Tiny-Rathaus-Testwochen"
    assert (event["series"]["position"], event["series"]["planned_parts"]) == (2, 3)


def test_a_new_series_needs_a_title_and_nothing_is_saved_without(workspace, org, owner):
    response = post_editor(owner, "/events/new", {**TINY, "series-choice": "new"})
    assert response.status_code == 422
    assert field_error(response.data.decode(), "series-new_title")
    assert my_events(workspace, org) == []
    assert workspace.api(org.token).get("events", "/api/v1/organizers/me/series").json() == []


def test_publish_duplicate_as_next_part_and_cancel_with_a_message(workspace, org, owner):
    event_id = created_id(post_editor(owner, "/events/new", {
        **TINY, "series-choice": "new", "series-new_title": "Werkstattreihe", "series-position": "1"}))
    page = owner.get(f"/events/{event_id}").data.decode()
    token = csrf_token(page)
    assert owner.post(f"/events/{event_id}/publish", data={"csrf_token": token, "publish": "1"}
                      ).status_code == 302
    assert stored(workspace, org, event_id)["status"] == "published"
    public = f'href="{workspace.stack.url("registrations")}/events/{event_id}"'
    assert public in owner.get(f"/events/{event_id}").data.decode()

    copy = owner.post(f"/events/{event_id}/duplicate", data={"csrf_token": token, "next_part": "y",
                                                             "duplicate": "1"})
    copy_id = created_id(copy)
    part = stored(workspace, org, copy_id)
    assert part["status"] == "draft" and part["series"]["position"] == 2
    assert part["starts_at"] == "2030-09-23T10:00:00+02:00"

    form = owner.get(f"/events/{event_id}/cancel")
    unconfirmed = owner.post(f"/events/{event_id}/cancel", data={"csrf_token": csrf_token(form.data),
                                                                 "reason": "Der Wagen ist defekt."})
    assert unconfirmed.status_code == 422 and stored(workspace, org, event_id)["status"] == "published"
    done = owner.post(f"/events/{event_id}/cancel", data={"csrf_token": csrf_token(form.data),
                                                          "reason": "Der Wagen ist defekt.", "confirm": "y"})
    assert done.status_code == 302
    event = stored(workspace, org, event_id)
    assert (event["status"], event["cancellation_reason"]) == ("cancelled", "Der Wagen ist defekt.")
    assert 'name="save"' not in owner.get(f"/events/{event_id}").data.decode()


def test_the_history_shows_who_changed_what(workspace, org, owner):
    event_id = created_id(post_editor(owner, "/events/new", TINY))
    session_id = stored(workspace, org, event_id)["sessions"][0]["id"]
    post_editor(owner, f"/events/{event_id}", {**TINY, "sessions-0-id": str(session_id),
                                               "title": "Tiny Rathaus – zweite Testwoche"})
    html = owner.get(f"/events/{event_id}/history?lang=de").data.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]
    cells = [[re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in rows]
    owner_name = workspace.api(org.token).get("events", "/api/v1/members").json()[0]["name"]
    assert [(who, what) for _, who, what, _ in cells] == [(owner_name, "angelegt"), (owner_name, "geändert")]
    # only the field the member changed, by its name on the form
    assert cells[1][3] == "Titel"


def test_saving_unchanged_multi_line_text_as_a_browser_sends_it_changes_nothing(workspace, org, owner):
    described = {**TINY, "description": "Erste Zeile.\nZweite Zeile."}
    event_id = created_id(post_editor(owner, "/events/new", described))
    session_id = stored(workspace, org, event_id)["sessions"][0]["id"]
    # a browser submits textarea lines ending in CRLF
    post_editor(owner, f"/events/{event_id}", {**described, "sessions-0-id": str(session_id),
                                               "description": "Erste Zeile.\r\nZweite Zeile.",
                                               "summary": "Neu."})
    assert stored(workspace, org, event_id)["description"] == "Erste Zeile.\nZweite Zeile."
    history = workspace.api(org.token).get("events", f"/api/v1/events/{event_id}/history").json()
    assert history[-1]["fields"] == ["summary"]


def test_another_organizers_events_are_not_found(workspace, org, owner):
    other = workspace.organizer()
    api = workspace.api(other.token)
    body = {"title": "Fremd", "starts_at": "2030-10-01T10:00:00", "ends_at": "2030-10-01T12:00:00",
            "format": "online"}
    draft = api.post("events", "/api/v1/events", json=body).json()
    published = api.post("events", "/api/v1/events", json=body).json()
    api.post("events", f"/api/v1/events/{published['id']}/publish")
    token = csrf_token(owner.get("/events/new").data)
    for event_id in (draft["id"], published["id"]):
        assert owner.get(f"/events/{event_id}").status_code == 404
        assert owner.get(f"/events/{event_id}/history").status_code == 404
        assert owner.get(f"/events/{event_id}/cancel").status_code == 404
        for path in ("", "/publish", "/duplicate", "/cancel"):
            response = owner.post(f"/events/{event_id}{path}", data={"csrf_token": token, "confirm": "y", **TINY})
            assert response.status_code == 404, path
    assert api.get("events", f"/api/v1/events/{published['id']}").json()["status"] == "published"
    assert api.get("events", f"/api/v1/events/{draft['id']}").json()["title"] == "Fremd"
