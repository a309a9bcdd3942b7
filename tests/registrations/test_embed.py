"""The embeddable sign-up: only the organizer's listed origins may frame it, the form works
without cookies, and every other page still refuses to be framed."""
from __future__ import annotations

import re

import requests

from tests.registrations.conftest import auth, deliver, latest_snapshot, mails_to, make_event


def allow(events_live, app, token, event_id, origins):
    response = requests.patch(f"{events_live.url}/api/v1/organizers/me/settings", headers=auth(token), timeout=10,
                              json={"embed_origins": origins})
    assert response.status_code == 200, response.text
    deliver(app, latest_snapshot(events_live, event_id))


def frame_ancestors(response) -> str:
    return re.search(r"frame-ancestors ([^;]*)", response.headers["Content-Security-Policy"]).group(1)


def test_embed_page_may_be_framed_by_exactly_the_listed_origins(client, app, events_live, token):
    event = make_event(events_live, app, token)
    assert frame_ancestors(client.get(f"/embed/events/{event['id']}")) == "'none'"
    allow(events_live, app, token, event["id"], ["https://www.kiel.de", "http://127.0.0.1:8081"])
    response = client.get(f"/embed/events/{event['id']}")
    assert response.status_code == 200
    assert frame_ancestors(response) == "https://www.kiel.de http://127.0.0.1:8081"
    assert "X-Frame-Options" not in response.headers
    assert "Set-Cookie" not in response.headers  # nothing for a third-party frame to carry
    text = response.get_data(as_text=True)
    assert 'name="embed_token"' in text and "<header>" not in text and "<footer>" not in text
    for path in ("/", f"/events/{event['id']}", "/barrierefreiheit", f"/organizers/{event['organizer']['id']}"):
        other = client.get(path)
        assert frame_ancestors(other) == "'none'", path
        assert other.headers["X-Frame-Options"] == "DENY", path


def test_sign_up_inside_the_frame_needs_the_signed_token_not_a_cookie(app, events_live, token):
    event = make_event(events_live, app, token)
    client = app.test_client(use_cookies=False)
    form_page = client.get(f"/embed/events/{event['id']}").get_data(as_text=True)
    embed_token = re.search(r'name="embed_token" value="([^"]+)"', form_page).group(1)
    body = {"name": "Erika Mustermann", "email": "erika@example.org", "consent": "yes", "companions": "0"}

    refused = client.post(f"/embed/events/{event['id']}", data=body)
    assert refused.status_code == 400 and not mails_to(app, "erika@example.org")
    other_event = make_event(events_live, app, token, title="Andere Veranstaltung")
    wrong = client.post(f"/embed/events/{other_event['id']}", data={**body, "embed_token": embed_token})
    assert wrong.status_code == 400

    invalid = client.post(f"/embed/events/{event['id']}", data={**body, "email": "kein-at", "embed_token": embed_token})
    assert invalid.status_code == 422
    page = invalid.get_data(as_text=True)
    assert 'role="alert"' in page and 'href="#email"' in page and "<header>" not in page

    done = client.post(f"/embed/events/{event['id']}", data={**body, "embed_token": embed_token})
    assert done.status_code == 302 and done.headers["Location"].startswith(f"/embed/events/{event['id']}/inbox")
    inbox = client.get(done.headers["Location"])
    assert inbox.status_code == 200 and "Bitte bestätigen Sie Ihre E-Mail-Adresse" in inbox.get_data(as_text=True)
    assert [m["kind"] for m in mails_to(app, "erika@example.org")] == ["confirm_email"]


def test_embed_script_is_served_from_the_public_site(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "data-civic-event" in response.get_data(as_text=True)


def test_a_snapshot_cannot_widen_the_header(client, app, events_live, token):
    event = make_event(events_live, app, token)
    payload = latest_snapshot(events_live, event["id"])
    payload["revision"] += 10
    payload["event"]["revision"] = payload["revision"]
    payload["message_id"] = "tampered-" + payload["message_id"][:40]
    payload["event"]["organizer"]["embed_origins"] = ["https://ok.example", "* 'unsafe-inline'", "https://x; script-src *"]
    deliver(app, payload)
    assert frame_ancestors(client.get(f"/embed/events/{event['id']}")) == "https://ok.example"


def test_unknown_event_in_the_frame_is_404(client):
    response = client.get("/embed/events/999999")
    assert response.status_code == 404 and frame_ancestors(response) == "'none'"

