"""One email rule for every service: what registrations and events accept, notifications delivers."""
from __future__ import annotations

import pytest

from services.notifications.safety import InvalidAddress, clean_address
from services.registrations.schemas import RegistrationCreateSchema
from services.events.schemas import ContactSchema
from shared.contract import UndeliverableAddress, mail_address

REFUSED = ["max@localhost", "max@intranet", "max@example", "jürgen@kiel.de", "a@b@kiel.de", "max@kiel..de",
           "max@kiel.de\r\nBcc: x@y.org", "", "a" * 320 + "@kiel.de"]
ACCEPTED = ["max@kiel.de", "Anne.Czichowski@Kiel.de", "info@stadt-düsseldorf.de", " erika@example.org "]


@pytest.mark.parametrize("address", REFUSED)
def test_an_address_no_mail_can_reach_is_refused_by_every_service(address):
    with pytest.raises(UndeliverableAddress):
        mail_address(address)
    with pytest.raises(InvalidAddress):
        clean_address(address)
    body = {"name": "Max", "email": address, "consent": True}
    assert "email" in RegistrationCreateSchema().validate(body)
    assert "email" in ContactSchema().validate({"name": "Max", "email": address})


@pytest.mark.parametrize("address", ACCEPTED)
def test_what_registrations_accepts_notifications_delivers(address):
    assert not RegistrationCreateSchema().validate({"name": "Max", "email": address, "consent": True})
    assert not ContactSchema().validate({"name": "Max", "email": address})
    assert clean_address(RegistrationCreateSchema().load({"name": "Max", "email": address, "consent": True})["email"])


def test_the_sign_up_api_refuses_max_at_localhost_before_holding_a_seat():
    errors = RegistrationCreateSchema().validate({"name": "Max", "email": "max@localhost", "consent": True})
    assert errors == {"email": ["Not a valid email address."]}
