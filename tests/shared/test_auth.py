"""Organizer tokens: other services verify them at events (GET /api/v1/organizers/me), cached briefly."""
import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException

from shared.auth import Organizer, RemoteOrganizerVerifier, bearer_token, constant_time_equal, hash_token
from shared.embedded import free_port
from tests.servers import serve_app


def sibling(events_url):
    """A stand-in for another service's app: only the settings the verifier reads."""
    app = Flask("sibling")
    app.config.update(EVENTS_URL=events_url, HTTP_TIMEOUT_SECONDS=2)
    return app


def test_hash_token_is_sha256_hex():
    assert hash_token("ce_abc") == hash_token("ce_abc")
    assert len(hash_token("ce_abc")) == 64 and hash_token("ce_abc") != hash_token("ce_abd")
    assert constant_time_equal("a", "a") and not constant_time_equal("a", "b")


@pytest.mark.parametrize("header, token", [
    ("Bearer ce_123", "ce_123"), ("bearer  ce_123 ", "ce_123"), ("Basic ce_123", None), ("Bearer", None),
    ("", None),
])
def test_bearer_token(header, token):
    with Flask("x").test_request_context(headers={"Authorization": header} if header else {}):
        assert bearer_token() == token


def test_remote_verifier_asks_events_and_caches(app, organizer_token):
    verify = RemoteOrganizerVerifier(ttl=60)
    with serve_app(app) as server:
        with sibling(server.url).test_request_context():
            who = verify(organizer_token)
            assert isinstance(who, Organizer)
            assert who.name == "Landeshauptstadt Kiel – Referat Kreative Stadt"
            assert verify("ce_unknown") is None
    # events is gone now: cached answers still come from memory
    with sibling(server.url).test_request_context():
        assert verify(organizer_token) == who
        assert verify("ce_unknown") is None


def test_remote_verifier_is_503_when_events_is_unreachable():
    verify = RemoteOrganizerVerifier()
    with sibling(f"http://127.0.0.1:{free_port()}").test_request_context():
        with pytest.raises(HTTPException) as error:
            verify("ce_whatever")
    assert error.value.code == 503
