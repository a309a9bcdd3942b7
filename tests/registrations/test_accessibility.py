"""Accessible by everyone (BITV 2.0 / WCAG 2.1 AA), in Debian's Chromium: axe-core finds no
violation on any public page, the embed or the mails; the sign-up works by keyboard alone with
visible focus and announced errors; pages reflow at 320 px and 200 % zoom; no page asks
another host for anything. One browser and one seeded site for the whole module."""
from __future__ import annotations

import re

import pytest
import redis as redis_lib

from services.events.cli import create_organizer
from services.events.models import db as events_db
from services.registrations.models import db
from tests import a11y
from tests.registrations.conftest import cancel_token, confirm_token, kiel_sessions, make_event, sign_up
from tests.registrations.test_embed import allow
from tests.servers import clear_tables, serve_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(reg_app, events_live, reg_redis_url):
    with reg_app.app_context():
        clear_tables(db)
    with events_live.app.app_context():
        clear_tables(events_db)
        token = create_organizer("Landeshauptstadt Kiel – Referat Kreative Stadt")[1]
    redis_lib.Redis.from_url(reg_redis_url).flushdb()
    with serve_app(reg_app) as server:
        old_url = reg_app.config["REGISTRATIONS_URL"]
        reg_app.config["REGISTRATIONS_URL"] = server.url
        try:
            yield _seed(server, reg_app, events_live, token)
        finally:
            reg_app.config["REGISTRATIONS_URL"] = old_url


def _seed(server, app, events_live, token):
    import requests
    main = make_event(events_live, app, token, title="Ideenschmiede Tiny Rathaus",
                      price={"amount_cents": 4000, "currency": "EUR", "note": "Teilnahmepauschale"},
                      description="Mehr unter https://www.kiel.de/tiny-rathaus\n\nBitte bringen Sie Ideen mit.",
                      registration={"questions": [
                          {"key": "amt", "label": "Amt / Dienststelle", "type": "text", "required": True},
                          {"key": "essen", "label": "Verpflegung", "type": "choice", "options": ["vegetarisch", "vegan"]},
                          {"key": "foto", "label": "Fotos sind in Ordnung", "type": "boolean"}]})
    week = make_event(events_live, app, token, title="Tiny Rathaus Woche", sessions=kiel_sessions(),
                      starts_at="2030-09-13T10:00:00", ends_at="2030-09-14T16:00:00",
                      registration={"capacity": None, "max_companions": 0})
    online = make_event(events_live, app, token, title="Social Smart City", format="online", venue=None,
                        online_url="https://meet.example.org/r/1", language="en")
    series = requests.post(f"{events_live.url}/api/v1/series", timeout=10, json={"title": "Werkstattreihe",
                           "planned_parts": 4}, headers={"Authorization": f"Bearer {token}"}).json()
    part = make_event(events_live, app, token, title="Werkstatt 2", series_id=series["id"], series_position=2)
    cancelled = make_event(events_live, app, token, title="Kulturverwaltungen im Austausch")
    requests.post(f"{events_live.url}/api/v1/events/{cancelled['id']}/cancel", json={"reason": "Krankheit"},
                  headers={"Authorization": f"Bearer {token}"}, timeout=10)
    from tests.registrations.conftest import deliver, latest_snapshot
    deliver(app, latest_snapshot(events_live, cancelled["id"]))
    client = app.test_client()
    assert sign_up(client, main["id"], email="confirm@example.org", answers={"amt": "Bauamt"}).status_code == 202
    assert sign_up(client, main["id"], email="cancel@example.org", answers={"amt": "Bauamt"}).status_code == 202
    confirm, cancel = confirm_token(app, "confirm@example.org"), cancel_token(app, "cancel@example.org")
    return {"url": server.url, "token": token, "main": main, "week": week, "online": online, "series": series,
            "part": part, "cancelled": cancelled, "confirm": confirm, "cancel": cancel, "events_url": events_live.url,
            "app": app, "events_live": events_live}


PUBLIC_PAGES = [  # (path pattern, German and English name): every public page in the states a visitor meets
    ("/", "Übersicht der Veranstaltungen", "List of events"),
    ("/?lang=en", "Übersicht der Veranstaltungen (englisch)", "List of events (English)"),
    ("/events/{main}", "Veranstaltung mit Anmeldeformular", "Event with sign-up form"),
    ("/events/{main}?lang=en", "Veranstaltung (englisch)", "Event (English)"),
    ("/events/{week}", "Veranstaltung mit einzeln buchbaren Terminen", "Event with sessions booked one by one"),
    ("/events/{online}", "Online-Veranstaltung", "Online event"),
    ("/events/{part}", "Teil einer Reihe", "Part of a series"),
    ("/events/{cancelled}", "Abgesagte Veranstaltung", "Cancelled event"),
    ("/series/{series}", "Veranstaltungsreihe", "Event series"),
    ("/organizers/{organizer}", "Seite eines Veranstalters", "Organizer page"),
    ("/events/{main}/inbox", "„Bitte bestätigen Sie“", "“Please confirm”"),
    ("/confirm/{confirm}", "Anmeldung bestätigt", "Registration confirmed"),
    ("/cancel/{cancel}", "Anmeldung absagen", "Cancel a registration"),
    ("/barrierefreiheit", "Erklärung zur Barrierefreiheit", "Accessibility statement"),
    ("/barrierefreiheit?lang=en", "Erklärung zur Barrierefreiheit (englisch)", "Accessibility statement (English)"),
    ("/events/2147483000", "Fehlerseite (nicht gefunden)", "Error page (not found)"),
    ("/embed/events/{main}", "Eingebettete Anmeldung", "Embedded sign-up"),
    ("/embed/events/{main}/inbox", "Eingebettete Anmeldung: „Bitte bestätigen Sie“",
     "Embedded sign-up: “Please confirm”"),
]


def public_pages(site) -> list[dict]:
    values = {"main": site["main"]["id"], "week": site["week"]["id"], "online": site["online"]["id"],
              "part": site["part"]["id"], "cancelled": site["cancelled"]["id"], "series": site["series"]["id"],
              "organizer": site["main"]["organizer"]["id"], "confirm": site["confirm"], "cancel": site["cancel"]}
    return [{"path": pattern, "url": pattern.format(**values), "de": de, "en": en} for pattern, de, en in PUBLIC_PAGES]


def mails() -> list[dict]:
    """The HTML part of the mails, rendered from notifications' templates."""
    from services.notifications.compose import facts
    from services.notifications.render import render
    event = {"id": 1, "title": "Ideenschmiede Tiny Rathaus", "language": "de", "timezone": "Europe/Berlin",
             "starts_at": "2030-09-13T10:00:00+02:00", "ends_at": "2030-09-13T16:00:00+02:00", "format": "in_person",
             "venue": {"name": "Stadtteilbücherei Dietrichsdorf", "street": "Langer Rehm 29", "postal_code": "24149",
                       "city": "Kiel"}, "price": {"amount_cents": 4000, "currency": "EUR", "note": "Pauschale"},
             "organizer": {"id": 1, "name": "Landeshauptstadt Kiel"}, "status": "published", "revision": 1,
             "contacts": [{"name": "Anne Czichowski", "email": "anne.czichowski@kiel.de", "phone": "0431/901-3086"}],
             "sessions": [], "registration": {"mode": "required", "waitlist": True}}
    links = {"confirm": "https://events.example.org/confirm/abc", "cancel": "https://events.example.org/cancel/abc",
             "event_page": "https://events.example.org/events/1", "sign_in": "https://workspace.example.org/sign-in/x"}
    out = []
    for lang in ("de", "en"):
        registrant = {"event": facts(event, lang), "registrant_name": "Erika Mustermann", "links": links,
                      "companions": 1, "note": None}
        for kind in ("registration.confirm_email", "registration.confirmed", "registration.waitlisted",
                     "registration.cancelled", "event_change.changed", "event_change.cancelled"):
            out.append((f"mail {kind} ({lang})", render(kind, lang, {**registrant, "time_changed": True,
                                                                     "place_changed": False}).html))
        contact = {"event": facts(event, lang), "registrant_name": "Erika Mustermann",
                   "registrant_email": "erika@example.org", "status": "confirmed", "companions": 0,
                   "chosen_sessions": [], "answers": [], "availability": {}, "waitlist_enabled": True}
        out.append((f"mail contact.new_registration ({lang})", render("contact.new_registration", lang, contact).html))
        member = {"event": {"title": "Landeshauptstadt Kiel"}, "member_name": "Anne Czichowski",
                  "organizer_name": "Landeshauptstadt Kiel", "links": links, "expires_minutes": 15}
        out.append((f"mail member.sign_in_link ({lang})", render("member.sign_in_link", lang, member).html))
    return out


def test_axe_finds_no_wcag_violation_on_any_public_page_the_embed_or_the_mails(site):
    found, checked = {}, []
    with a11y.chromium() as browser:
        page = browser.new_page()
        page.set_content('<html><body><img src="data:,"><a href="#"></a></body></html>')
        assert {"image-alt", "html-has-lang", "link-name"} <= {v["id"] for v in a11y.axe_violations(page)}
        for entry in public_pages(site):
            page.goto(site["url"] + entry["url"])
            found[entry["path"]] = a11y.axe_violations(page)
            checked.append({"path": entry["path"], "de": entry["de"], "en": entry["en"],
                            "violations": sorted({v["id"] for v in found[entry["path"]]})})
        page.goto(site["url"] + f"/events/{site['main']['id']}")
        page.locator("form button[type=submit]").click()  # empty form: the page with errors
        page.locator("#form-notice").wait_for()
        found["event page with form errors"] = a11y.axe_violations(page)
        checked.append({"path": "/events/{main} (POST)", "de": "Anmeldeformular mit Fehlermeldungen",
                        "en": "Sign-up form with errors",
                        "violations": sorted({v["id"] for v in found["event page with form errors"]})})
        for name, html in mails():
            page.set_content(html)
            found[name] = a11y.axe_violations(page)
        mail_rules = sorted({v["id"] for name, _ in mails() for v in found[name]})
        checked.append({"path": "mails", "de": "E-Mails an Teilnehmende und Kontaktpersonen (HTML)",
                        "en": "Emails to participants and contacts (HTML)", "violations": mail_rules})
    failures = {name: v for name, v in found.items() if v}
    assert not failures, "axe-core (WCAG 2.1 A/AA) found:\n" + a11y.describe_failures(failures)
    a11y.record("public", checked)


def test_keyboard_only_sign_up_with_announced_errors(site):
    with a11y.chromium() as browser:
        page = browser.new_page()
        page.goto(site["url"] + f"/events/{site['main']['id']}")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip" and a11y.focus_is_visible(page)
        a11y.tab_to(page, "#name")
        page.keyboard.type("Erika Mustermann")
        a11y.tab_to(page, "#email")
        page.keyboard.type("erika.example.org")
        a11y.tab_to(page, "#consent")
        page.keyboard.press("Space")
        a11y.tab_to(page, "form button[type=submit]")
        page.keyboard.press("Enter")
        page.locator("#form-notice").wait_for()
        # the error summary is announced (role=alert) and has the focus; its links lead to the fields
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'form-notice'")
        assert page.locator("#form-notice").get_attribute("role") == "alert"
        summary = page.locator("#form-notice a").all_inner_texts()
        assert summary == ["E-Mail-Adresse: Bitte geben Sie eine gültige E-Mail-Adresse an."], summary
        assert page.get_by_label("E-Mail-Adresse").get_attribute("aria-describedby") == "email-error"
        a11y.tab_to(page, 'a[href="#email"]')
        page.keyboard.press("Enter")
        page.wait_for_function("() => location.hash === '#email'")
        a11y.tab_to(page, "#email")
        page.keyboard.press("Control+A")
        page.keyboard.type("erika@example.org")
        a11y.tab_to(page, "#answer_amt")
        page.keyboard.type("Stadtplanungsamt")
        a11y.tab_to(page, "form button[type=submit]")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse").wait_for()
        a11y.screenshot(page, "keyboard-sign-up-done")


def test_pages_reflow_at_320_px_and_200_percent_zoom(site):
    too_wide = []
    with a11y.chromium() as browser:
        for label, options in (("320px", {"viewport": {"width": 320, "height": 640}}),
                               ("zoom200", {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2})):
            page = browser.new_context(**options).new_page()
            for entry in public_pages(site):
                page.goto(site["url"] + entry["url"])
                scroll_width, client_width = a11y.horizontal_overflow(page)
                name = re.sub(r"[^a-z0-9]+", "-", entry["path"].lower()).strip("-") or "index"
                a11y.screenshot(page, f"{label}-{name}")
                if scroll_width > client_width:
                    too_wide.append(f"{label} {entry['path']}: {scroll_width} > {client_width}: "
                                    f"{a11y.too_wide_elements(page)}")
            page.context.close()
    assert not too_wide, "horizontal scrolling:\n" + "\n".join(too_wide)


def test_no_page_requests_anything_from_another_host(site):
    from urllib.parse import urlsplit
    own = urlsplit(site["url"]).netloc
    events_host = urlsplit(site["events_url"]).netloc
    leaks = {}
    with a11y.chromium() as browser:
        page = browser.new_page()
        seen: list[str] = []
        page.on("request", lambda request: seen.append(request.url))
        targets = [(site["url"] + p["url"], {own}) for p in public_pages(site)]
        targets += [(site["url"] + "/docs", {own}), (site["events_url"] + "/docs", {events_host}),
                    (site["url"] + "/embed.js", {own})]
        for url, hosts in targets:
            seen.clear()
            page.goto(url)
            page.wait_for_load_state("networkidle")
            foreign = a11y.foreign_requests(seen, hosts)
            if foreign:
                leaks[url] = foreign
            if url.endswith("/docs"):
                assert page.locator(".swagger-ui").count() == 1, f"{url} shows no Swagger UI"
    assert not leaks, f"requests to other hosts: {leaks}"


def test_embedded_form_requests_nothing_but_the_public_site(site):
    """The host page loads embed.js and the frame: every request of ours goes to the public site."""
    from urllib.parse import urlsplit
    from tests.registrations.test_embed_browser import HOST_PAGE, host_site
    own = urlsplit(site["url"]).netloc
    html = HOST_PAGE.format(site=site["url"], event_id=site["main"]["id"])
    with host_site(html) as host, a11y.chromium() as browser:
        allow(site["events_live"], site["app"], site["token"], site["main"]["id"], [host])
        page = browser.new_page()
        seen: list[str] = []
        page.on("request", lambda request: seen.append(request.url))
        page.goto(host + "/")
        page.locator(f'[data-civic-event="{site["main"]["id"]}"] a').wait_for(state="detached")
        page.wait_for_load_state("networkidle")
        assert a11y.foreign_requests(seen, {own, urlsplit(host).netloc}) == []
        assert any("/embed/events/" in u for u in seen) and any(u.endswith("/embed.js") for u in seen)
        a11y.screenshot(page, "embed-on-host-page")
