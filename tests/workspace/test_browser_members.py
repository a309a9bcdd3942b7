"""The owner's journey in Chromium: sign in by the link from the mail, the dashboard, add a
member by the form (a mistake first), and that member signs in too and sees the same events."""
from __future__ import annotations

import re

import pytest

from tests.workspace.conftest import sign_in_page
from tests.workspace.test_members_api import EVENT


@pytest.mark.browser
def test_an_owner_signs_in_by_mail_sees_the_dashboard_and_adds_a_member(workspace, org, page, chromium):
    event = workspace.api(org.token).post("events", "/api/v1/events", json={**EVENT, "title": "Werkstatt Kiel"})
    assert event.status_code == 201, event.text

    sign_in_page(page, workspace, org.owner_email)
    assert page.locator("h1").inner_text() == "Übersicht"
    assert page.get_by_role("status").inner_text().startswith("Willkommen")
    drafts = page.locator("#draft-events")
    assert "Werkstatt Kiel" in drafts.inner_text()

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Mitglieder").click()
    page.get_by_role("heading", name="Mitglieder", exact=True).wait_for()
    # a required field's input lines up with the others (its note does not push it aside)
    assert page.get_by_label("E-Mail-Adresse").bounding_box()["x"] == page.get_by_label("Name").bounding_box()["x"]
    page.get_by_label("Name").fill("Erika Redakteurin")
    page.get_by_label("E-Mail-Adresse").fill("erika.example.org")  # no @
    page.get_by_role("button", name="Hinzufügen").click()
    error = page.locator("#email-error")
    error.wait_for()
    assert "gültige E-Mail-Adresse" in error.inner_text()
    assert page.get_by_label("E-Mail-Adresse").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Name").input_value() == "Erika Redakteurin"  # the rest of the input stays

    editor = f"{workspace.unique('erika')}@example.org"
    page.get_by_label("E-Mail-Adresse").fill(editor)
    page.get_by_role("button", name="Hinzufügen").click()
    page.get_by_text(f"{editor} ist jetzt Mitglied.").wait_for()
    assert "Erika Redakteurin" in page.locator("#members").inner_text()

    # the new member signs in in another browser and sees the organizer's events, not its members
    other = chromium.new_context(locale="en-GB").new_page()
    try:
        sign_in_page(other, workspace, editor)
        assert "Werkstatt Kiel" in other.locator("#draft-events").inner_text()
        assert other.get_by_role("link", name=re.compile("^Mitglieder$")).count() == 0
    finally:
        other.context.close()
