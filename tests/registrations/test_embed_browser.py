"""The embed in Chromium: a page of another origin (a city's CMS, here another port) carries
the two-line snippet; the sign-up form appears in an iframe sized to its content, a citizen
signs up inside it and the confirmation mail arrives. A page of an origin the organizer did
not list cannot frame the form and keeps its plain link."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from shared.embedded import free_port
from tests.a11y import chromium
from tests.registrations.conftest import make_event
from tests.registrations.test_browser import notifications, smtp  # noqa: F401 (fixtures)
from tests.registrations.test_embed import allow

HOST_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Landeshauptstadt Kiel – Veranstaltungen</title></head>
<body><main><h1>Veranstaltungen im Rathaus</h1><p>Melden Sie sich hier an:</p>
<script src="{site}/embed.js" defer></script>
<div data-civic-event="{event_id}"><a href="{site}/events/{event_id}">Zur Anmeldung</a></div>
<p>Ende der Seite.</p></main></body></html>"""


@contextmanager
def host_site(html: str):
    """A stranger's website on a port of its own: a different origin from the public site."""
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode("utf-8")]
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    import threading
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.mark.browser
def test_a_citizen_signs_up_inside_the_frame_of_an_allowed_site(app, events_live, token, smtp, notifications):  # noqa: F811
    from tests.servers import serve_app
    event = make_event(events_live, app, token, title="Ideenschmiede Tiny Rathaus")
    with serve_app(app) as server:
        old_url = app.config["REGISTRATIONS_URL"]
        app.config["REGISTRATIONS_URL"] = server.url
        html = HOST_PAGE.format(site=server.url, event_id=event["id"])
        try:
            with host_site(html) as allowed, host_site(html) as stranger, chromium() as browser:
                allow(events_live, app, token, event["id"], [allowed])
                page = browser.new_page()
                page.goto(allowed + "/")
                holder = page.locator(f'[data-civic-event="{event["id"]}"]')
                # the frame posted its size: the fallback link is gone and the frame is as tall as its page
                holder.locator("a").wait_for(state="detached")
                frame_element = page.locator("iframe[data-civic-embed]")
                frame = frame_element.element_handle().content_frame()
                inner = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
                assert abs(frame_element.bounding_box()["height"] - inner) <= 2, (inner, frame_element.bounding_box())
                assert frame_element.get_attribute("title") == "Anmeldung: Ideenschmiede Tiny Rathaus"

                inside = page.frame_locator("iframe[data-civic-embed]")
                inside.get_by_label("Name").fill("Erika Mustermann")
                inside.get_by_label("E-Mail-Adresse").fill("erika.embed@example.org")
                inside.locator("#consent").check()
                inside.get_by_role("button").click()
                inside.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse").wait_for()
                link = smtp.wait_for("erika.embed@example.org", r"https?://\S+/confirm/\S+")
                assert link.startswith(server.url)

                refused = browser.new_page()
                with refused.expect_event("framenavigated", predicate=lambda f: f.parent_frame is not None) as nav:
                    refused.goto(stranger + "/")
                blocked = nav.value
                blocked.wait_for_load_state()
                assert blocked.url.startswith("chrome-error://"), blocked.url
                assert refused.locator(f'[data-civic-event="{event["id"]}"] a').inner_text() == "Zur Anmeldung"
        finally:
            app.config["REGISTRATIONS_URL"] = old_url
