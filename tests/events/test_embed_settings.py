"""An organizer names the websites that may embed its sign-up forms; the origins are
validated and normalized, and reach registrations inside every event's snapshot."""
from __future__ import annotations

import pytest

from services.events.origins import InvalidOrigin, normalize_origin
from tests.factories import auth, create_event, outbox_rows


@pytest.mark.parametrize("given, origin", [
    ("https://www.Kiel.de/", "https://www.kiel.de"),
    ("https://www.kiel.de:443", "https://www.kiel.de"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("https://bürgerbüro.example", "https://xn--brgerbro-65af.example"),
    ("  https://stadt.example  ", "https://stadt.example"),
])
def test_origins_are_normalized(given, origin):
    assert normalize_origin(given) == origin


@pytest.mark.parametrize("given", [
    "www.kiel.de", "ftp://kiel.de", "https://*.kiel.de", "'self'", "https://kiel.de/page", "https://kiel.de?x=1",
    "https://user@kiel.de", "https://kiel.de https://evil.example", "https://kiel.de;script-src *", "https://",
    "https://-bad-.example", "https://kiel.de:99999", "",
])
def test_anything_but_scheme_host_and_port_is_refused(given):
    with pytest.raises(InvalidOrigin):
        normalize_origin(given)


def test_settings_change_republishes_every_event_snapshot(app, client, organizer_token, other_token):
    assert client.get("/api/v1/organizers/me/settings").status_code == 401
    assert client.get("/api/v1/organizers/me/settings", headers=auth(organizer_token)).json == {"embed_origins": []}
    draft = create_event(client, organizer_token)
    published = create_event(client, organizer_token, publish=True)
    theirs = create_event(client, other_token, publish=True)
    before = {e["id"]: len(outbox_rows(app, e["id"])) for e in (draft, published, theirs)}

    response = client.patch("/api/v1/organizers/me/settings", headers=auth(organizer_token),
                            json={"embed_origins": ["https://www.Kiel.de/", "https://www.kiel.de", "http://127.0.0.1:8080"]})
    assert response.status_code == 200, response.json
    assert response.json == {"embed_origins": ["https://www.kiel.de", "http://127.0.0.1:8080"]}
    assert client.get("/api/v1/organizers/me/settings", headers=auth(organizer_token)).json == response.json
    assert client.get("/api/v1/organizers/me/settings", headers=auth(other_token)).json == {"embed_origins": []}

    for event in (draft, published):
        rows = sorted(outbox_rows(app, event["id"]), key=lambda r: r.payload["revision"])
        assert len(rows) == before[event["id"]] + 1
        newest = rows[-1].payload
        assert newest["event"]["organizer"]["embed_origins"] == ["https://www.kiel.de", "http://127.0.0.1:8080"]
        assert newest["revision"] > rows[-2].payload["revision"]
        assert newest["change"] == {"kind": "updated", "time_changed": False, "place_changed": False}
    assert len(outbox_rows(app, theirs["id"])) == before[theirs["id"]]
    public = client.get(f"/api/v1/events/{published['id']}").json
    assert public["organizer"]["embed_origins"] == ["https://www.kiel.de", "http://127.0.0.1:8080"]

    same = client.patch("/api/v1/organizers/me/settings", headers=auth(organizer_token),
                        json={"embed_origins": ["https://www.kiel.de", "http://127.0.0.1:8080"]})
    assert same.status_code == 200
    assert len(outbox_rows(app, published["id"])) == before[published["id"]] + 1  # nothing changed, nothing sent


def test_bad_origins_are_named_and_nothing_is_stored(client, organizer_token):
    response = client.patch("/api/v1/organizers/me/settings", headers=auth(organizer_token),
                            json={"embed_origins": ["https://www.kiel.de", "https://*.kiel.de"]})
    assert response.status_code == 422
    assert list(response.json["errors"]["embed_origins"]) == ["1"]
    too_many = client.patch("/api/v1/organizers/me/settings", headers=auth(organizer_token),
                            json={"embed_origins": [f"https://site{n}.example" for n in range(21)]})
    assert too_many.status_code == 422 and "embed_origins" in too_many.json["errors"]
    assert client.get("/api/v1/organizers/me/settings", headers=auth(organizer_token)).json == {"embed_origins": []}


def test_only_owners_change_the_origins_in_the_workspace(app, client):
    from services.events import members
    from services.events.cli import add_member, create_organizer
    with app.app_context():
        organizer, _ = create_organizer("Stadtbibliothek Kiel", email="chefin@kiel.de")
        editor = add_member("Stadtbibliothek Kiel", "redaktion@kiel.de", role="editor")
        owner = next(m for m in members.active_members(organizer.id) if m.role == "owner")
        editor_session, owner_session = members.start_session(editor), members.start_session(owner)
        from services.events.models import db
        db.session.commit()
    body = {"embed_origins": ["https://www.kiel.de"]}
    refused = client.patch("/api/v1/organizers/me/settings", headers=auth(editor_session), json=body)
    assert refused.status_code == 403 and refused.json["code"] == "owner_required"
    assert client.get("/api/v1/organizers/me/settings", headers=auth(editor_session)).json == {"embed_origins": []}
    allowed = client.patch("/api/v1/organizers/me/settings", headers=auth(owner_session), json=body)
    assert allowed.status_code == 200 and allowed.json == body
