"""Single sign-on over OpenID Connect against a real provider (oidc-provider-mock, in a thread)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.workspace.conftest import csrf_token

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")


@pytest.fixture(scope="module")
def provider():
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture()
def sso(workspace, provider):
    app = workspace.make_app(OIDC_ISSUER=provider, OIDC_CLIENT_ID="civic-workspace",
                             OIDC_CLIENT_SECRET="workspace-client-secret")
    return app.test_client()


def _through_the_provider(client, email: str):
    page = client.get("/sign-in?lang=en")
    assert "Sign in with your administration account" in page.get_data(as_text=True)
    start = client.post("/sign-in/oidc", data={"csrf_token": csrf_token(page.data), "next": "/members"})
    assert start.status_code == 302
    # the person picks their account at the provider; it sends the browser back with a code
    chosen = requests.post(start.headers["Location"], data={"sub": email}, allow_redirects=False, timeout=10)
    assert chosen.status_code == 302, chosen.text[:500]
    back = urlsplit(chosen.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_a_member_signs_in_with_the_city_account(workspace, org, sso):
    done = _through_the_provider(sso, org.owner_email)
    assert done.status_code == 302 and done.headers["Location"] == "/members"
    members = sso.get("/members")
    assert members.status_code == 200 and org.owner_email in members.get_data(as_text=True)


def test_a_city_account_that_is_no_member_is_refused(workspace, sso):
    done = _through_the_provider(sso, "stranger@example.org")
    assert done.status_code == 403 and "No member of an organizer" in done.get_data(as_text=True)
    assert sso.get("/").status_code == 302


def test_without_configuration_there_is_no_single_sign_on(workspace):
    client = workspace.client()
    assert "administration account" not in client.get("/sign-in?lang=en").get_data(as_text=True)
    assert client.post("/sign-in/oidc", data={"csrf_token": csrf_token(client.get("/sign-in").data)}).status_code == 404
