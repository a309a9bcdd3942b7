"""Journeys of the event editor in headless Chromium, as a new organizer would take them:
the Tiny Rathaus week built entirely in the browser (5 days, 5 workshops with 8 seats, a
deadline, two contacts), published, and then seen on the public sign-up page."""
from __future__ import annotations

import re

import pytest

from tests.workspace.conftest import sign_in_page

pytestmark = pytest.mark.browser

DAYS = ["2030-09-16", "2030-09-17", "2030-09-18", "2030-09-19", "2030-09-20"]


def fill(page, values: dict) -> None:
    for field_id, value in values.items():
        page.locator(f"#{field_id}").fill(value)


def save(page) -> None:
    page.get_by_role("button", name="Speichern", exact=True).first.click()
    page.get_by_text("Gespeichert.").wait_for()


def public_page_text(page, workspace, event_id: int) -> str:
    page.goto(f"{workspace.stack.url('registrations')}/events/{event_id}?lang=de")
    return page.locator("main").inner_text()


def test_the_tiny_rathaus_week_is_created_in_the_browser_published_and_public(workspace, org, page):
    sign_in_page(page, workspace, org.owner_email)
    page.get_by_role("link", name="Neue Veranstaltung").first.click()
    page.get_by_role("heading", name="Neue Veranstaltung").wait_for()
    fill(page, {
        "title": "Tiny Rathaus in Dietrichsdorf – zweite Testwoche",
        "summary": "Das mobile Rathaus öffnet eine Woche lang vor der Stadtteilbücherei.",
        "starts_at": f"{DAYS[0]}T10:00", "ends_at": f"{DAYS[-1]}T16:00",
        "venue-name": "vor der Stadtteilbücherei Dietrichsdorf", "venue-street": "Langer Rehm 29",
        "venue-postal_code": "24149", "venue-city": "Kiel",
        "registration-closes_at": "2030-09-13T09:00",
        "contacts-0-name": "Anne Czichowski", "contacts-0-email": "anne.czichowski@example.org",
        "contacts-0-phone": "0431/901-3086",
    })
    page.get_by_role("button", name="Weiteren Kontakt hinzufügen").click()
    fill(page, {"contacts-1-name": "Referat Kreative Stadt (Anmeldungen)", "contacts-1-email": "kreativ@example.org"})
    for i, day in enumerate(DAYS):
        if i:
            page.get_by_role("button", name="Weiteren Termin hinzufügen").click()
        fill(page, {f"sessions-{i}-title": "Ideenschmiede Tiny Rathaus", f"sessions-{i}-starts_at": f"{day}T10:00",
                    f"sessions-{i}-ends_at": f"{day}T12:30", f"sessions-{i}-capacity": "8"})
    # what was typed before each "add another" is still there
    assert page.locator("#contacts-0-name").input_value() == "Anne Czichowski"
    assert page.locator("#sessions-0-starts_at").input_value() == f"{DAYS[0]}T10:00"
    save(page)
    event_id = int(re.search(r"/events/(\d+)$", page.url).group(1))
    assert page.locator("#sessions-4-capacity").input_value() == "8"

    page.get_by_role("button", name="Veröffentlichen").click()
    page.get_by_text("Die Veranstaltung ist veröffentlicht.").wait_for()
    assert page.locator("h1 .status").inner_text() == "veröffentlicht"

    event = workspace.api(org.token).get("events", f"/api/v1/events/{event_id}").json()
    assert event["status"] == "published"
    assert [(s["starts_at"][:16], s["capacity"]) for s in event["sessions"]] == \
        [(f"{day}T10:00", 8) for day in DAYS]
    assert len(event["contacts"]) == 2 and event["registration"]["closes_at"] == "2030-09-13T09:00:00+02:00"

    text = public_page_text(page, workspace, event_id)
    assert "Tiny Rathaus in Dietrichsdorf – zweite Testwoche" in text
    # listed once under "Termine" (with its free seats) and once to choose in the sign-up form
    assert text.count("Ideenschmiede Tiny Rathaus") == 10
    assert text.count("Freie Plätze: 8 von 8") == 5
    assert "Anmeldeschluss" in text and "Anne Czichowski" in text and "Referat Kreative Stadt" in text


def test_an_api_error_is_shown_at_its_field_in_the_browser_and_the_input_stays(workspace, org, page):
    sign_in_page(page, workspace, org.owner_email)
    page.goto(workspace.url + "/events/new?lang=en")
    fill(page, {"title": "Open Hour", "starts_at": "2030-09-16T13:00", "ends_at": "2030-09-16T12:00",
                "venue-name": "Stadtteilbücherei", "contacts-0-name": "Anne Czichowski"})
    page.get_by_role("button", name="Save", exact=True).first.click()
    page.get_by_role("heading", name="Please check what you entered").wait_for()
    ends = page.locator("#ends_at")
    assert ends.get_attribute("aria-invalid") == "true"
    described = ends.get_attribute("aria-describedby")
    assert "ends_at-error" in described
    assert "before" in page.locator("#ends_at-error").inner_text()
    assert page.locator("#title").input_value() == "Open Hour"
    assert page.locator("#contacts-0-name").input_value() == "Anne Czichowski"
    assert workspace.api(org.token).get("events", "/api/v1/organizers/me/events").json() == []


def test_the_tiny_rathaus_announcement_is_imported_reviewed_and_published(workspace, org, page):
    from tests.workspace.test_import_page import TINY_RATHAUS
    sign_in_page(page, workspace, org.owner_email)
    page.get_by_role("link", name="Ankündigung importieren").first.click()
    page.locator("#text").fill(TINY_RATHAUS)
    page.locator("#as_of").fill("2021-08-20")
    page.get_by_role("button", name="Entwurf erstellen").click()
    page.get_by_role("heading", name="Aus einer Ankündigung importiert").wait_for()
    event_id = int(re.search(r"/events/(\d+)$", page.url).group(1))
    # review: what was read is filled in and says where it came from
    assert page.locator("#starts_at").input_value() == "2021-09-13T10:00"
    assert page.locator("#venue-street").input_value() == "Langer Rehm 29"
    assert "Aus der Ankündigung:" in page.locator("#venue-street-hint").inner_text()
    # the organizer completes the title and saves, then publishes
    page.locator("#title").fill("Tiny Rathaus in Dietrichsdorf")
    save(page)
    page.get_by_role("button", name="Veröffentlichen").click()
    page.get_by_text("Die Veranstaltung ist veröffentlicht.").wait_for()
    event = workspace.api(org.token).get("events", f"/api/v1/events/{event_id}").json()
    assert (event["status"], event["title"]) == ("published", "Tiny Rathaus in Dietrichsdorf")
    assert "Tiny Rathaus in Dietrichsdorf" in public_page_text(page, workspace, event_id)
