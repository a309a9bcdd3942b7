"""Journeys in Debian's Chromium: a citizen signs up on the public page while the organizer
watches the registrations page (the row appears without a reload) and checks them in; an
approval event's registration is approved; the registrants get a message that arrives in the
SMTP sink and shows in the delivery log; another organizer's member sees none of it."""
from __future__ import annotations

import re

import pytest

from tests.workspace.conftest import sign_in_page, text_of
from tests.workspace.registrants import email, published_event, sign_up

pytestmark = pytest.mark.browser


def citizen_signs_up(chromium, workspace, event_id: int, name: str, address: str) -> None:
    """On the registrations service's public page, in a browser of their own; then the mail's link."""
    context = chromium.new_context(locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{workspace.stack.url('registrations')}/events/{event_id}")
        page.get_by_label("Name").fill(name)
        page.get_by_label("E-Mail-Adresse").fill(address)
        page.get_by_label(re.compile("Ich bin einverstanden")).check()
        page.get_by_role("button", name="Verbindlich anmelden").click()
        page.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse").wait_for()
        page.goto(workspace.mailbox.wait_for(address, r"https?://\S+/confirm/[^\s/]+"))
        page.get_by_role("heading", name="Ihre Anmeldung ist bestätigt").wait_for()
    finally:
        context.close()


def test_the_organizer_sees_a_sign_up_arrive_checks_in_and_writes_to_the_registrants(workspace, org, page,
                                                                                    chromium):
    event = published_event(workspace, org)
    sign_in_page(page, workspace, org.owner_email)
    page.goto(f"{workspace.url}/events/{event['id']}/registrations")
    page.get_by_text("Noch keine Anmeldungen.").first.wait_for()
    page.evaluate("window.notReloaded = true")

    erika = email("erika")
    citizen_signs_up(chromium, workspace, event["id"], "Erika Mustermann", erika)
    row = page.locator("#registration-rows tr", has_text="Erika Mustermann")
    row.get_by_text("bestätigt", exact=True).wait_for(timeout=30_000)  # polled in, then refreshed once confirmed
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#active-count").inner_text() == "1"

    row.get_by_role("button", name=re.compile(r"^Einchecken\W+Erika Mustermann$")).click()
    page.get_by_text("Erika Mustermann ist eingecheckt.").wait_for()
    checked = page.locator("#registration-rows tr", has_text="Erika Mustermann")
    assert "eingecheckt" in checked.inner_text()
    assert checked.get_by_role("button", name=re.compile("Einchecken")).count() == 0

    # a message to the confirmed registrants, through notifications into the sink
    page.get_by_role("link", name="Nachricht an die Angemeldeten").click()
    page.get_by_label("Nur bestätigte Anmeldungen").check()
    page.get_by_label("Betreff").fill("Treffpunkt am Haupteingang")
    page.get_by_label("Nachricht").fill("Liebe Teilnehmende,\n\nwir treffen uns am Haupteingang.")
    page.get_by_role("button", name="Nachricht senden").click()
    page.get_by_text("Die Nachricht geht an 1 Person(en).").wait_for()
    workspace.mailbox.wait_for(erika, r"wir treffen uns am Haupteingang\.")
    [mail] = [m for m in workspace.mailbox.to(erika) if m["Subject"] == "Treffpunkt am Haupteingang"]
    assert "Guten Tag Erika Mustermann" in text_of(mail)
    log = page.locator("#delivery-log")
    log.get_by_text("zugestellt", exact=True).wait_for(timeout=30_000)  # the log refreshes itself
    assert erika in log.inner_text() and "Nachricht des Veranstalters" in log.inner_text()

    # a member of another organizer reaches none of it
    context = chromium.new_context(locale="de-DE")
    try:
        stranger = context.new_page()
        sign_in_page(stranger, workspace, workspace.add_member(workspace.organizer()))
        for path in ("registrations", "messages", "registrations.csv"):
            answer = stranger.goto(f"{workspace.url}/events/{event['id']}/{path}")
            assert answer.status == 404, path
            assert "Erika" not in stranger.content()
        stranger.get_by_role("heading", name="Seite nicht gefunden").wait_for()
    finally:
        context.close()


def test_the_organizer_approves_a_registration_on_an_approval_event(workspace, org, page):
    event = published_event(workspace, org, registration={"approval": True})
    max_ = email("max")
    sign_up(workspace, event["id"], "Max Muster", max_)
    sign_in_page(page, workspace, org.owner_email)
    page.goto(f"{workspace.url}/events/{event['id']}/registrations?status=pending_approval")
    row = page.locator("#registration-rows tr", has_text="Max Muster")
    assert "wartet auf Freigabe" in row.inner_text()
    row.get_by_role("button", name=re.compile(r"^Freigeben\W+Max Muster$")).click()
    page.get_by_text("Anmeldung von Max Muster freigegeben.").wait_for()
    # back on the filtered list, where Max no longer is; in the whole list Max is confirmed
    assert "status=pending_approval" in page.url
    assert page.locator("#registration-rows tr", has_text="Max Muster").count() == 0
    page.goto(f"{workspace.url}/events/{event['id']}/registrations")
    approved = page.locator("#registration-rows tr", has_text="Max Muster")
    assert "bestätigt" in approved.inner_text() and "entschieden von" in approved.inner_text()
    workspace.mailbox.wait_for(max_, r"ist bestätigt")
