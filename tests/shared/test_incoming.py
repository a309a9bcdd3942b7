"""Incoming messages are validated in full; an event snapshot already checked is recognised
by its exact content and not walked again (shared/incoming.py)."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from shared.contract import REGISTRATION_MAIL, validate_payload
from shared.incoming import validate_incoming
from tests.notifications.conftest import kiel_event, registration_mail


def test_a_known_snapshot_gives_the_same_result_and_a_copy_of_its_own():
    first = registration_mail("confirmed")
    second = registration_mail("confirmed", name="Erika Musterfrau", email="erika@example.org")
    assert validate_incoming(REGISTRATION_MAIL, first) == validate_payload(REGISTRATION_MAIL, first)
    loaded = validate_incoming(REGISTRATION_MAIL, second)
    assert loaded == validate_payload(REGISTRATION_MAIL, second)
    loaded["event"]["title"] = "changed by a handler"
    assert validate_incoming(REGISTRATION_MAIL, second)["event"]["title"] == kiel_event()["title"]


def test_the_rest_of_a_message_with_a_known_snapshot_is_still_checked():
    validate_incoming(REGISTRATION_MAIL, registration_mail("confirmed"))
    broken = registration_mail("confirmed")
    del broken["registrant"]
    with pytest.raises(ValidationError) as refused:
        validate_incoming(REGISTRATION_MAIL, broken)
    assert "registrant" in refused.value.messages


def test_a_snapshot_that_differs_in_anything_is_checked_again():
    validate_incoming(REGISTRATION_MAIL, registration_mail("confirmed"))
    same_revision = registration_mail("confirmed", event=kiel_event(timezone=42))  # revision 3 as before
    with pytest.raises(ValidationError) as refused:
        validate_incoming(REGISTRATION_MAIL, same_revision)
    assert "event" in refused.value.messages
