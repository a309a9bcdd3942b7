"""Rate limits that let a whole office sign up from one address, and stop a flooding bot."""
from __future__ import annotations

import re

import pytest

from services.registrations import formguard
from services.registrations.config import service_defaults
from shared import contract
from tests.factories import csrf_of as csrf
from tests.registrations.conftest import mails_to, make_event, outbox, pools, sign_up

CITY_HALL = {"REMOTE_ADDR": "10.20.30.40"}


@pytest.fixture()
def default_limits(app):
    defaults = service_defaults()
    app.config.update({k: defaults[k] for k in ("RATELIMIT_SIGNUP", "RATELIMIT_SIGNUP_EMAIL", "RATELIMIT_TOKEN",
                                                "SIGNUP_MIN_FILL_SECONDS")})
    return app


def test_sixty_colleagues_behind_one_address_sign_up_within_a_minute(client, default_limits, events_live, token):
    event = make_event(events_live, default_limits, token, registration={"capacity": 100})
    url = f"/api/v1/events/{event['id']}/registrations"
    statuses = [client.post(url, json={"name": f"Kollegin {i}", "email": f"kollegin{i}@kiel.example",
                                       "consent": True}, environ_base=CITY_HALL).status_code for i in range(60)]
    assert statuses == [202] * 60
    assert pools(default_limits, event["id"]) == [(0, 100, 60)]


def test_a_bot_flooding_from_one_address_is_stopped(client, default_limits, events_live, token):
    event = make_event(events_live, default_limits, token, registration={"capacity": None})
    url = f"/api/v1/events/{event['id']}/registrations"
    statuses = [client.post(url, json={"name": "Bot", "email": f"bot{i}@spam.example", "consent": True},
                            environ_base={"REMOTE_ADDR": "10.66.66.66"}).status_code for i in range(130)]
    assert statuses.count(202) == 120 and statuses[-1] == 429


def test_one_email_address_cannot_be_signed_up_over_and_over(client, default_limits, events_live, token):
    # mail-bombing a stranger through our confirmation mails, from many addresses
    events = [make_event(events_live, default_limits, token, title=f"Werkstatt {i}") for i in range(6)]
    spellings = ["opfer@example.org", "Opfer@Example.org ", "OPFER@example.org"]
    statuses = [client.post(f"/api/v1/events/{e['id']}/registrations",
                            json={"name": "X", "email": spellings[i % 3], "consent": True},
                            environ_base={"REMOTE_ADDR": f"10.1.1.{i}"}).status_code for i, e in enumerate(events)]
    assert statuses == [202] * 5 + [429]
    confirm_mails = [m for m in outbox(default_limits, contract.REGISTRATION_MAIL, "confirm_email")
                     if m["registrant"]["email"].strip().lower() == "opfer@example.org"]
    assert len(confirm_mails) == 5
    # mistakes in the form cost nothing: only sign-ups that went through count
    fresh = make_event(events_live, default_limits, token, title="Werkstatt 7")
    for _ in range(6):
        assert sign_up(client, fresh["id"], email="jana@example.org", consent=False).status_code == 422
    assert sign_up(client, fresh["id"], email="jana@example.org").status_code == 202


def post_form(client, url, started, **fields):
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf(html), "name": "Erika Mustermann", "email": "erika@example.org", "consent": "yes",
            "started": started if started is not None else re.search(r'name="started" value="([^"]+)"', html).group(1)}
    data.update(fields)
    return client.post(url, data=data)


def test_the_form_sent_at_once_after_loading_is_shown_again(client, default_limits, events_live, token):
    event = make_event(events_live, default_limits, token)
    url = f"/events/{event['id']}"
    assert 'name="started"' in client.get(url).get_data(as_text=True)
    fast = post_form(client, url, None)
    assert fast.status_code == 422 and "Das ging sehr schnell" in fast.get_data(as_text=True)
    assert 'value="Erika Mustermann"' in fast.get_data(as_text=True)  # nothing typed is lost
    forged = post_form(client, url, "not-a-signed-time")
    assert forged.status_code == 422
    assert pools(default_limits, event["id"]) == [(0, 5, 0)]
    assert mails_to(default_limits, "erika@example.org") == []
    with default_limits.test_request_context():
        opened_a_minute_ago = formguard.started_token(started_at=formguard.time.time() - 60)
        kept_for_days = formguard.started_token(started_at=formguard.time.time() - 3 * 24 * 3600)
    assert post_form(client, url, kept_for_days).status_code == 422  # a bot re-using one old form
    taken_time = post_form(client, url, opened_a_minute_ago)
    assert taken_time.status_code == 302
    assert pools(default_limits, event["id"]) == [(0, 5, 1)]


def test_the_readme_documents_the_limits():
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    defaults = service_defaults()
    for key in ("RATELIMIT_SIGNUP", "RATELIMIT_SIGNUP_EMAIL", "SIGNUP_MIN_FILL_SECONDS"):
        assert key in readme, key
    assert "120 per minute" in defaults["RATELIMIT_SIGNUP"] and "120 sign-ups a minute" in readme
    assert "honeypot" in readme
