"""The workspace's frame: error pages, language switch, service down, health."""
from __future__ import annotations

import time

from services.workspace import create_app
from shared.embedded import free_port


def test_an_unknown_page_is_a_404_page_in_the_layout(workspace):
    answer = workspace.client().get("/no-such-page?lang=en")
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html
    assert 'href="#main"' in html  # the skip link of the layout


def test_the_language_switch_keeps_the_page_and_is_remembered(workspace):
    client = workspace.client()
    german = client.get("/sign-in?lang=de").get_data(as_text=True)
    assert '<html lang="de">' in german and 'href="/sign-in?lang=en"' in german
    english = client.get("/sign-in?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Send me a sign-in link" in english
    assert "Send me a sign-in link" in client.get("/sign-in").get_data(as_text=True)


def test_a_service_that_is_down_gives_a_clear_503_page(redis_url):
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    app = create_app({"TESTING": True, "EVENTS_URL": dead, "REGISTRATIONS_URL": dead, "NOTIFICATIONS_URL": dead,
                      "REDIS_URL": redis_url, "HTTP_TIMEOUT_SECONDS": 2})
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(member_token="cm_whatever", seen=int(time.time()), lang="en")
    answer = client.get("/")
    assert answer.status_code == 503
    assert "The events service is not answering right now" in answer.get_data(as_text=True)
    assert answer.headers["Retry-After"] == "30"


def test_health_endpoints_answer(workspace):
    client = workspace.client()
    assert client.get("/healthz").json["status"] == "ok"
    assert client.get("/readyz").json["status"] == "ready"


def test_the_session_cookie_is_http_only_and_same_site_lax(workspace):
    client = workspace.client()
    answer = client.get("/sign-in")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_a_weak_secret_and_sets_secure_cookies(monkeypatch):
    import pytest
    from shared.config import ConfigError
    with pytest.raises(ConfigError):
        create_app({"CIVIC_ENV": "production", "SECRET_KEY": "short"})
    app = create_app({"CIVIC_ENV": "production", "SECRET_KEY": "x" * 40})
    assert app.config["SESSION_COOKIE_SECURE"] is True
