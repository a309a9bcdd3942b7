"""The events service's members, member session tokens, sign-in links, tokens and history,
over HTTP against the running stack."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from services.events.models import MemberSession, SignInLink, db
from shared.auth import hash_token
from shared.db import utcnow
from tests.workspace.conftest import SERVICE_SECRET

EVENT = {"title": "Ideenschmiede Tiny Rathaus", "language": "de", "timezone": "Europe/Berlin",
         "starts_at": "2031-09-13T10:00:00", "ends_at": "2031-09-13T16:00:00", "format": "online",
         "online_url": "https://meet.example.org/tiny-rathaus",
         "registration": {"mode": "required", "capacity": 8}}


def test_the_first_owner_comes_with_the_organizer_and_any_token_lists_members(workspace, org):
    members = workspace.api(org.token).get("events", "/api/v1/members")
    assert members.status_code == 200
    assert [(m["email"], m["role"]) for m in members.json()] == [(org.owner_email, "owner")]


def test_a_member_session_token_names_the_member_and_works_at_every_service(workspace, org):
    token = workspace.session_token(org.owner_email)
    me = workspace.api(token).get("events", "/api/v1/organizers/me").json()
    assert me["id"] == org.id and me["member"]["email"] == org.owner_email and me["member"]["role"] == "owner"
    assert workspace.api(org.token).get("events", "/api/v1/organizers/me").json()["member"] is None
    counts = workspace.api(token).get("registrations", "/api/v1/organizers/me/registration-counts")
    assert counts.status_code == 200 and counts.json() == []


def test_a_sign_in_link_is_answered_alike_for_anyone_and_works_once(workspace, org):
    api = workspace.api()
    before = len(workspace.mailbox.to(org.owner_email))
    known = api.post("events", "/api/v1/sign-in/links", json={"email": org.owner_email.upper()})
    unknown = api.post("events", "/api/v1/sign-in/links", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json() == {}
    link = workspace.sign_in_link(org.owner_email, after=before)
    token = link.rsplit("/", 1)[1]
    first = api.post("events", f"/api/v1/sign-in/links/{token}")
    assert first.status_code == 200, first.text
    assert first.json()["member"]["email"] == org.owner_email
    assert first.json()["organizer"] == {"id": org.id, "name": org.name}
    again = api.post("events", f"/api/v1/sign-in/links/{token}")
    assert again.status_code == 410 and again.json()["code"] == "link_used"
    assert api.post("events", "/api/v1/sign-in/links/sl_unknown").status_code == 404


def test_an_expired_sign_in_link_says_so(workspace, org):
    token = "sl_expired-" + workspace.unique("x")
    with workspace.events_app.app_context():
        member_id = workspace.api(org.token).get("events", "/api/v1/members").json()[0]["id"]
        db.session.add(SignInLink(member_id=member_id, token_hash=hash_token(token),
                                  created_at=utcnow() - timedelta(minutes=20),
                                  expires_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
        db.session.remove()
    answer = workspace.api().post("events", f"/api/v1/sign-in/links/{token}")
    assert answer.status_code == 410 and answer.json()["code"] == "link_expired"


def test_a_session_token_idle_for_8_hours_has_ended(workspace, org):
    token = workspace.session_token(org.owner_email)
    with workspace.events_app.app_context():
        db.session.execute(update(MemberSession).where(MemberSession.token_hash == hash_token(token))
                           .values(last_used_at=utcnow() - timedelta(hours=8, minutes=1)))
        db.session.commit()
        db.session.remove()
    assert workspace.api(token).get("events", "/api/v1/organizers/me").status_code == 401


def test_the_oidc_endpoint_needs_the_service_secret_and_a_member(workspace, org):
    api = workspace.api("not-the-secret")
    assert api.post("events", "/api/v1/sign-in/oidc", json={"email": org.owner_email}).status_code == 401
    trusted = workspace.api(SERVICE_SECRET)
    assert trusted.post("events", "/api/v1/sign-in/oidc", json={"email": "nobody@example.org"}).status_code == 404


def test_owners_manage_members_editors_may_not_and_the_last_owner_stays(workspace, org):
    owner = workspace.api(workspace.session_token(org.owner_email))
    added = owner.post("events", "/api/v1/members", json={"name": "Ed Itor", "email": "ed.itor@example.org",
                                                          "role": "editor"})
    assert added.status_code == 201, added.text
    editor_id = added.json()["id"]
    twice = owner.post("events", "/api/v1/members", json={"email": "ED.itor@example.org"})
    assert twice.status_code == 409 and "email" in twice.json()["errors"]
    bad = owner.post("events", "/api/v1/members", json={"email": "not-an-address", "role": "boss"})
    assert bad.status_code == 422 and {"email", "role"} <= set(bad.json()["errors"])

    editor = workspace.api(workspace.session_token("ed.itor@example.org"))
    assert editor.get("events", "/api/v1/members").status_code == 200
    refused = editor.post("events", "/api/v1/members", json={"email": "x@example.org"})
    assert refused.status_code == 403 and refused.json()["code"] == "owner_required"
    assert editor.get("events", "/api/v1/tokens").json()["code"] == "owner_required"
    # a plain API token is nobody's: it cannot manage members either
    assert workspace.api(org.token).post("events", "/api/v1/members", json={"email": "y@example.org"}).status_code == 403

    owner_id = next(m["id"] for m in owner.get("events", "/api/v1/members").json() if m["role"] == "owner")
    assert owner.delete("events", f"/api/v1/members/{owner_id}").json()["code"] == "last_owner"
    assert owner.patch("events", f"/api/v1/members/{owner_id}", json={"role": "editor"}).status_code == 409
    promoted = owner.patch("events", f"/api/v1/members/{editor_id}", json={"role": "owner"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "owner"


def test_a_removed_member_is_signed_out_at_once(workspace, org):
    email = workspace.add_member(org)
    session = workspace.api(workspace.session_token(email))
    assert session.get("events", "/api/v1/organizers/me").status_code == 200
    owner = workspace.api(workspace.session_token(org.owner_email))
    member_id = next(m["id"] for m in owner.get("events", "/api/v1/members").json() if m["email"] == email)
    assert owner.delete("events", f"/api/v1/members/{member_id}").status_code == 204
    assert session.get("events", "/api/v1/organizers/me").status_code == 401
    assert workspace.api(SERVICE_SECRET).post("events", "/api/v1/sign-in/oidc", json={"email": email}).status_code == 404


def test_tokens_are_shown_once_and_stop_working_when_revoked(workspace, org):
    owner = workspace.api(workspace.session_token(org.owner_email))
    created = owner.post("events", "/api/v1/tokens", json={"label": "Kalender-Import"})
    assert created.status_code == 201
    plain = created.json()["token"]
    assert workspace.api(plain).get("events", "/api/v1/organizers/me").status_code == 200
    listed = owner.get("events", "/api/v1/tokens").json()
    assert "Kalender-Import" in [t["label"] for t in listed] and all("token" not in t for t in listed)
    assert owner.delete("events", f"/api/v1/tokens/{created.json()['id']}").status_code == 204
    assert workspace.api(plain).get("events", "/api/v1/organizers/me").status_code == 401


def test_another_organizers_members_tokens_and_history_are_404(workspace, org):
    other = workspace.organizer()
    mine = workspace.api(workspace.session_token(org.owner_email))
    theirs = workspace.api(workspace.session_token(other.owner_email))
    their_member = theirs.get("events", "/api/v1/members").json()[0]["id"]
    their_token = theirs.post("events", "/api/v1/tokens", json={"label": "x"}).json()["id"]
    their_event = theirs.post("events", "/api/v1/events", json=EVENT).json()["id"]
    assert mine.patch("events", f"/api/v1/members/{their_member}", json={"role": "editor"}).status_code == 404
    assert mine.delete("events", f"/api/v1/members/{their_member}").status_code == 404
    assert mine.delete("events", f"/api/v1/tokens/{their_token}").status_code == 404
    assert mine.get("events", f"/api/v1/events/{their_event}/history").status_code == 404


def test_every_change_records_who_made_it(workspace, org):
    member = workspace.api(workspace.session_token(org.owner_email))
    event_id = member.post("events", "/api/v1/events", json=EVENT).json()["id"]
    assert member.patch("events", f"/api/v1/events/{event_id}",
                        json={"title": "Tiny Rathaus", "summary": "Kurz"}).status_code == 200
    assert workspace.api(org.token).post("events", f"/api/v1/events/{event_id}/publish").status_code == 200
    history = member.get("events", f"/api/v1/events/{event_id}/history").json()
    assert [h["action"] for h in history] == ["created", "updated", "published"]
    name = member.get("events", "/api/v1/organizers/me").json()["member"]["name"]
    assert history[0]["member"]["name"] == name and history[1]["fields"] == ["summary", "title"]
    assert history[2]["member"] is None  # the API token is nobody's
