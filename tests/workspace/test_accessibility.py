"""The workspace is accessible too (BITV 2.0 / WCAG 2.1 AA) in Debian's Chromium: axe-core
finds no violation on any of its pages, signing in works by keyboard alone with visible
focus, pages reflow at 320 px and 200 % zoom, and none asks another host for anything."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests import a11y
from tests.workspace.conftest import sign_in_page
from tests.workspace.registrants import email, published_event, sign_up

pytestmark = pytest.mark.browser

WORKSPACE_PAGES = [  # (path pattern, German and English name); signed in as an owner
    ("/", "Arbeitsbereich: Übersicht", "Workspace: dashboard"),
    ("/events/new", "Arbeitsbereich: neue Veranstaltung", "Workspace: new event"),
    ("/events/{event}", "Arbeitsbereich: Veranstaltung bearbeiten", "Workspace: event editor"),
    ("/events/{event}/history", "Arbeitsbereich: Änderungsverlauf", "Workspace: change history"),
    ("/events/{event}/cancel", "Arbeitsbereich: Veranstaltung absagen", "Workspace: cancel an event"),
    ("/events/{event}/registrations", "Arbeitsbereich: Anmeldungen", "Workspace: registrations"),
    ("/events/{event}/registrations/{registration}/cancel", "Arbeitsbereich: Anmeldung stornieren",
     "Workspace: cancel a registration"),
    ("/events/{event}/messages", "Arbeitsbereich: Nachrichten", "Workspace: messages"),
    ("/import", "Arbeitsbereich: Ankündigung importieren", "Workspace: import an announcement"),
    ("/members", "Arbeitsbereich: Mitglieder", "Workspace: members"),
    ("/tokens", "Arbeitsbereich: API-Schlüssel", "Workspace: API tokens"),
    ("/embedding", "Arbeitsbereich: auf der eigenen Website einbinden", "Workspace: embed on your website"),
    ("/no-such-page", "Arbeitsbereich: Fehlerseite (nicht gefunden)", "Workspace: error page (not found)"),
    # last: the language chosen is remembered for the session
    ("/?lang=en", "Arbeitsbereich: Übersicht (englisch)", "Workspace: dashboard (English)"),
]
SIGNED_OUT_PAGES = [
    ("/sign-in", "Arbeitsbereich: Anmeldung", "Workspace: sign-in"),
    ("/sign-in?lang=en", "Arbeitsbereich: Anmeldung (englisch)", "Workspace: sign-in (English)"),
    ("/sign-in/not-a-valid-link", "Arbeitsbereich: ungültiger Anmeldelink", "Workspace: invalid sign-in link"),
]


@pytest.fixture(scope="module")
def seeded(workspace):
    org = workspace.organizer()
    event = published_event(workspace, org)
    registration = sign_up(workspace, event["id"], "Erika Mustermann", email())
    return {"org": org, "values": {"event": event["id"], "registration": registration["id"]}}


def test_keyboard_only_sign_in(workspace, seeded, page):
    address = seeded["org"].owner_email
    before = len(workspace.mailbox.to(address))
    page.goto(workspace.url + "/sign-in?lang=de")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip" and a11y.focus_is_visible(page)
    a11y.tab_to(page, "input[type=email]")
    page.keyboard.type(address)
    a11y.tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Sehen Sie in Ihr Postfach").wait_for()
    page.goto(workspace.sign_in_link(address, after=before))
    a11y.tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Übersicht").wait_for()
    a11y.screenshot(page, "workspace-keyboard-sign-in-done")


def test_every_workspace_page_passes_axe_reflows_and_stays_on_its_host(workspace, seeded, chromium):
    own = {urlsplit(workspace.url).netloc}
    found, checked, too_wide, leaks = {}, [], [], {}
    signed_out = chromium.new_context(locale="de-DE").new_page()
    pages = [(p, signed_out) for p in SIGNED_OUT_PAGES]
    signed_in = chromium.new_context(locale="de-DE").new_page()
    sign_in_page(signed_in, workspace, seeded["org"].owner_email)
    state = signed_in.context.storage_state()  # before any page switches the session's language
    pages += [(p, signed_in) for p in WORKSPACE_PAGES]
    seen: list[str] = []
    for page in (signed_out, signed_in):
        page.on("request", lambda request: seen.append(request.url))
    for (pattern, de, en), page in pages:
        seen.clear()
        page.goto(workspace.url + pattern.format(**seeded["values"]))
        page.wait_for_load_state("networkidle")
        found[pattern] = a11y.axe_violations(page)
        checked.append({"path": pattern, "de": de, "en": en, "violations": sorted({v["id"] for v in found[pattern]})})
        if a11y.foreign_requests(seen, own):
            leaks[pattern] = a11y.foreign_requests(seen, own)
    signed_in.goto(workspace.url + "/events/new")
    signed_in.locator("main form button[type=submit]").first.click()
    signed_in.wait_for_load_state("networkidle")
    found["/events/new (POST)"] = a11y.axe_violations(signed_in)
    checked.append({"path": "/events/new (POST)", "de": "Arbeitsbereich: Formular mit Fehlermeldungen",
                    "en": "Workspace: form with errors",
                    "violations": sorted({v["id"] for v in found["/events/new (POST)"]})})

    for label, options in (("320px", {"viewport": {"width": 320, "height": 640}}),
                           ("zoom200", {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2})):
        for (pattern, _, _), original in pages:
            context = chromium.new_context(storage_state=state if original is signed_in else None, **options)
            page = context.new_page()
            page.goto(workspace.url + pattern.format(**seeded["values"]))
            scroll_width, client_width = a11y.horizontal_overflow(page)
            a11y.screenshot(page, f"{label}-workspace-{re.sub(r'[^a-z0-9]+', '-', pattern.lower()).strip('-') or 'dashboard'}")
            if scroll_width > client_width:
                too_wide.append(f"{label} {pattern}: {scroll_width} > {client_width}: {a11y.too_wide_elements(page)}")
            context.close()
    failures = {name: v for name, v in found.items() if v}
    assert not failures, "axe-core (WCAG 2.1 A/AA) found:\n" + a11y.describe_failures(failures)
    assert not too_wide, "horizontal scrolling:\n" + "\n".join(too_wide)
    assert not leaks, f"requests to other hosts: {leaks}"
    a11y.record("workspace", checked)
