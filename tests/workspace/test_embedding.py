"""The embedding page: the snippet to copy for each published event, and the websites
allowed to frame the sign-up (owners change them, editors only see them)."""
from __future__ import annotations

import html

from tests.workspace.conftest import csrf_token
from tests.workspace.registrants import published_event


def test_owner_copies_the_snippet_and_sets_the_allowed_websites(workspace, org, owner):
    event = published_event(workspace, org)
    page = owner.get("/embedding")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    public = (workspace.app.config.get("REGISTRATIONS_PUBLIC_URL") or workspace.app.config["REGISTRATIONS_URL"]).rstrip("/")
    assert f'<script src="{public}/embed.js" defer></script>' in text
    assert f'<div data-civic-event="{event["id"]}"><a href="{public}/events/{event["id"]}">' in text

    saved = owner.post("/embedding", data={"csrf_token": csrf_token(page.data),
                                           "origins": "https://www.Kiel.de/\n\nhttp://127.0.0.1:8080\n"})
    assert saved.status_code == 302
    settings = workspace.api(org.token).get("events", "/api/v1/organizers/me/settings").json()
    assert settings == {"embed_origins": ["https://www.kiel.de", "http://127.0.0.1:8080"]}
    assert "https://www.kiel.de" in owner.get("/embedding").get_data(as_text=True)


def test_a_bad_website_is_named_by_its_line_and_nothing_changes(workspace, org, owner):
    page = owner.get("/embedding?lang=de")
    answer = owner.post("/embedding", data={"csrf_token": csrf_token(page.data),
                                            "origins": "https://www.kiel.de\nhttps://*.kiel.de"})
    assert answer.status_code == 422
    text = html.unescape(answer.get_data(as_text=True))
    assert "Zeile 2 (https://*.kiel.de)" in text and 'aria-invalid="true"' in text
    assert workspace.api(org.token).get("events", "/api/v1/organizers/me/settings").json() == {"embed_origins": []}


def test_an_editor_sees_the_websites_but_cannot_change_them(workspace, org):
    editor = workspace.sign_in(workspace.client(), workspace.add_member(org, role="editor"))
    page = editor.get("/embedding")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Nur Eigentümer" in text or "Only owners" in text
    assert 'action="/embedding"' not in text
    refused = editor.post("/embedding", data={"csrf_token": csrf_token(page.data), "origins": "https://evil.example"})
    assert refused.status_code == 403
    assert workspace.api(org.token).get("events", "/api/v1/organizers/me/settings").json() == {"embed_origins": []}
