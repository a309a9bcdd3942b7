"""Signing in to the workspace by the link in a mail, against the real services."""
from __future__ import annotations

import re

from tests.workspace.conftest import csrf_token


def test_the_owner_signs_in_by_the_mailed_link_and_sees_the_dashboard(workspace, org, owner):
    page = owner.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert org.name in html
    assert "Kommende Veranstaltungen" in html or "Upcoming events" in html


def test_a_page_needs_a_signed_in_member(workspace):
    answer = workspace.client().get("/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/sign-in")


def test_an_unknown_address_gets_the_same_page_and_no_mail(workspace, org):
    client = workspace.client()
    page = client.get("/sign-in?lang=en")
    known = client.post("/sign-in", data={"email": org.owner_email, "csrf_token": csrf_token(page.data)})
    stranger = "nobody-" + org.owner_email
    unknown = client.post("/sign-in", data={"email": stranger, "csrf_token": csrf_token(page.data)})
    assert known.status_code == unknown.status_code == 200

    def page_text(answer, address):  # the CSRF token carries a timestamp: it differs by the second
        return re.sub(r"[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]{20,}", "TOKEN",
                      answer.get_data(as_text=True).replace(address, "X"))
    assert page_text(known, org.owner_email) == page_text(unknown, stranger)
    workspace.sign_in_link(org.owner_email)  # the member's mail came
    assert workspace.mailbox.to(stranger) == []


def test_a_link_opened_twice_says_it_was_used_and_offers_a_new_one(workspace, org):
    client = workspace.client()
    before = len(workspace.mailbox.to(org.owner_email))
    page = client.get("/sign-in?lang=en")
    client.post("/sign-in", data={"email": org.owner_email, "csrf_token": csrf_token(page.data)})
    path = workspace.sign_in_link(org.owner_email, after=before)[len(workspace.url):]
    scanned = client.get(path)  # what a mail scanner does: it must not use the link up
    assert scanned.status_code == 200 and "Sign in now" in scanned.get_data(as_text=True)
    assert client.post(path, data={"csrf_token": csrf_token(scanned.data)}).status_code == 302
    other = workspace.client()
    again = other.get(path + "?lang=en")
    used = other.post(path, data={"csrf_token": csrf_token(again.data)})
    html = used.get_data(as_text=True)
    assert used.status_code == 410 and "has been used already" in html and 'action="/sign-in"' in html


def test_an_unknown_link_says_so(workspace):
    client = workspace.client()
    page = client.get("/sign-in/sl_made-up?lang=en")
    answer = client.post("/sign-in/sl_made-up", data={"csrf_token": csrf_token(page.data)})
    assert answer.status_code == 404 and "We do not know this sign-in link." in answer.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(workspace, org):
    answer = workspace.client().post("/sign-in", data={"email": org.owner_email})
    assert answer.status_code == 400


def _limited_client(workspace, address_limit: str, client_limit: str):
    app = workspace.make_app(RATELIMIT_SIGN_IN_ADDRESS=address_limit, RATELIMIT_SIGN_IN_CLIENT=client_limit,
                             RATELIMIT_KEY_PREFIX=workspace.unique("limits"))
    client = app.test_client()
    return client, csrf_token(client.get("/sign-in").data)


def test_sign_in_requests_are_limited_per_address(workspace):
    client, token = _limited_client(workspace, "2 per hour", "100 per hour")
    address = f"{workspace.unique('limited')}@example.org"
    codes = [client.post("/sign-in", data={"email": address, "csrf_token": token}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other = client.post("/sign-in", data={"email": f"{workspace.unique('other')}@example.org", "csrf_token": token})
    assert other.status_code == 200


def test_sign_in_requests_are_limited_per_client(workspace):
    client, token = _limited_client(workspace, "100 per hour", "2 per hour")
    codes = [client.post("/sign-in", data={"email": f"{workspace.unique('x')}@example.org", "csrf_token": token})
             .status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_next_page_survives_the_sign_in_and_only_points_inside(workspace, org):
    client = workspace.client()
    assert client.get("/members").headers["Location"] == "/sign-in?next=/members"
    page = client.get("/sign-in?next=//evil.example.org/x")
    assert '<input id="next" name="next" type="hidden" value="">' in page.get_data(as_text=True)


def test_eight_idle_hours_end_the_session(workspace, org, owner):
    import time
    with owner.session_transaction() as session:
        session["seen"] = int(time.time()) - 8 * 3600 - 1
    answer = owner.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/sign-in")


def test_the_session_cookie_lasts_8_hours_and_slides(workspace, org, owner):
    cookie = owner.get("/").headers["Set-Cookie"]  # refreshed by each request
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert workspace.app.permanent_session_lifetime.total_seconds() == 8 * 3600
