"""Signing in to the workspace by the link in a mail, against the real services."""
from __future__ import annotations

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
    assert known.get_data(as_text=True).replace(org.owner_email, "X") == \
        unknown.get_data(as_text=True).replace(stranger, "X")
    workspace.sign_in_link(org.owner_email)  # the member's mail came
    assert workspace.mailbox.to(stranger) == []
