"""The members and API tokens pages, sign-out of removed members, and the dashboard's figures."""
from __future__ import annotations

import re

from tests.workspace.conftest import csrf_token
from tests.workspace.test_members_api import EVENT


def test_an_owner_adds_a_member_and_a_bad_address_is_shown_at_its_field(workspace, org, owner):
    page = owner.get("/members?lang=en")
    assert page.status_code == 200 and org.owner_email in page.get_data(as_text=True)
    token = csrf_token(page.data)
    bad = owner.post("/members", data={"csrf_token": token, "name": "Ed", "email": "ed-at-example.org",
                                       "role": "editor"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'id="email-error"' in html and 'aria-invalid="true"' in html and 'value="Ed"' in html
    assert 'href="#email"' in html  # the error summary links to the field
    good = owner.post("/members", data={"csrf_token": token, "name": "Ed Itor", "email": "ed@example.org",
                                        "role": "editor"}, follow_redirects=True)
    assert good.status_code == 200 and "ed@example.org is a member now." in good.get_data(as_text=True)
    again = owner.post("/members", data={"csrf_token": token, "name": "Ed", "email": "ED@example.org",
                                         "role": "editor"})
    assert again.status_code == 422 and "This address is a member already." in again.get_data(as_text=True)
    members = workspace.api(org.token).get("events", "/api/v1/members").json()
    assert ("ed@example.org", "editor", "Ed Itor") in [(m["email"], m["role"], m["name"]) for m in members]


def test_an_editor_gets_the_403_page_for_members_and_tokens(workspace, org):
    editor = workspace.sign_in(workspace.client(), workspace.add_member(org))
    for path in ("/members", "/tokens"):
        answer = editor.get(path + "?lang=en")
        assert answer.status_code == 403 and "owners only" in answer.get_data(as_text=True)
    assert 'href="/members"' not in editor.get("/").get_data(as_text=True)


def test_a_removed_member_is_signed_out_at_the_next_request(workspace, org, owner):
    email = workspace.add_member(org)
    removed = workspace.sign_in(workspace.client(), email)
    assert removed.get("/").status_code == 200
    page = owner.get("/members")
    member_id = re.search(rf'{re.escape(email)}.*?/members/(\d+)/remove', page.get_data(as_text=True), re.S).group(1)
    gone = owner.post(f"/members/{member_id}/remove", data={"csrf_token": csrf_token(page.data)})
    assert gone.status_code == 302
    answer = removed.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/sign-in")
    with removed.session_transaction() as session:
        assert "member_token" not in session


def test_a_role_change_and_the_last_owner_rule_on_the_page(workspace, org, owner):
    page = owner.get("/members?lang=en")
    owner_id = re.search(r'/members/(\d+)/role', page.get_data(as_text=True)).group(1)
    refused = owner.post(f"/members/{owner_id}/role", data={"csrf_token": csrf_token(page.data),
                                                             f"m{owner_id}-role": "editor"}, follow_redirects=True)
    assert "The last owner cannot be made an editor" in refused.get_data(as_text=True)


def test_a_new_api_token_is_shown_once_and_can_be_revoked(workspace, org, owner):
    page = owner.get("/tokens?lang=en")
    created = owner.post("/tokens", data={"csrf_token": csrf_token(page.data), "label": "Kalender-Import"})
    html = created.get_data(as_text=True)
    assert created.status_code == 201
    plain = re.search(r'<code class="token" id="new-token">([^<]+)</code>', html).group(1)
    assert workspace.api(plain).get("events", "/api/v1/organizers/me").status_code == 200
    assert plain not in owner.get("/tokens").get_data(as_text=True)
    token_id = max(int(i) for i in re.findall(r'/tokens/(\d+)/revoke', html))
    owner.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page.data)})
    assert workspace.api(plain).get("events", "/api/v1/organizers/me").status_code == 401


def test_the_dashboard_shows_drafts_and_upcoming_events_with_their_seats(workspace, org, owner):
    api = workspace.api(org.token)
    draft = api.post("events", "/api/v1/events", json={**EVENT, "title": "Entwurf Werkstatt"}).json()
    published = api.post("events", "/api/v1/events", json=EVENT).json()
    api.post("events", f"/api/v1/events/{published['id']}/publish")
    workspace.wait_until_public(published["id"])
    signup = workspace.api().post("registrations", f"/api/v1/events/{published['id']}/registrations",
                                  json={"name": "Erika Mustermann", "email": "erika@example.org", "consent": True})
    assert signup.status_code == 202, signup.text
    html = owner.get("/?lang=en").get_data(as_text=True)
    drafts = html[html.index('id="draft-events"'):]
    upcoming = html[html.index('id="upcoming-events"'):html.index('id="drafts"')]
    assert "Entwurf Werkstatt" in drafts and f'/events/{draft["id"]}' in drafts
    assert f'/events/{published["id"]}/registrations' in upcoming
    assert re.search(r'<td class="num">1 / 8</td>', upcoming), upcoming


def test_sign_out_ends_the_session_at_the_service_too(workspace, org, owner):
    with owner.session_transaction() as session:
        token = session["member_token"]
    page = owner.get("/")
    assert owner.post("/sign-out", data={"csrf_token": csrf_token(page.data)}).status_code == 302
    assert owner.get("/").status_code == 302
    assert workspace.api(token).get("events", "/api/v1/organizers/me").status_code == 401


def test_another_organizers_members_and_tokens_are_404_pages(workspace, org, owner):
    other = workspace.organizer()
    theirs = workspace.api(workspace.session_token(other.owner_email))
    their_member = theirs.get("events", "/api/v1/members").json()[0]["id"]
    their_token = theirs.post("events", "/api/v1/tokens", json={"label": "x"}).json()["id"]
    token = csrf_token(owner.get("/members").data)
    for path in (f"/members/{their_member}/remove", f"/tokens/{their_token}/revoke"):
        assert owner.post(path, data={"csrf_token": token}).status_code == 404, path
    answer = owner.post(f"/members/{their_member}/role", data={"csrf_token": token, f"m{their_member}-role": "editor"})
    assert answer.status_code == 404
    assert [m["role"] for m in theirs.get("events", "/api/v1/members").json()] == ["owner"]
    assert their_token in [t["id"] for t in theirs.get("events", "/api/v1/tokens").json()]
