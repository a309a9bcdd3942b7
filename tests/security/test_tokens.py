"""Confirm and cancel links: forged, altered, expired, reused and cross-purpose tokens are refused
(400 invalid, 410 expired or gone) and change nothing; a second click on a valid link is harmless."""
from __future__ import annotations

import string
import time

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from tests.factories import csrf_of
from tests.security.conftest import ORGANIZER_A, SECRET, leaks

ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


@pytest.fixture()
def signed_up(stack):
    organizer = stack.organizer(ORGANIZER_A)
    event = stack.create_event(organizer)
    response = stack.sign_up(event["id"], email="erika@example.org")
    assert response.status_code == 202, response.json
    return stack, event, response.json["id"]


def state(stack, reg_id, event_id):
    """Everything a token could change: the registration, the seats, the mails written."""
    reg = stack.registration(reg_id)
    return ((reg.status, reg.confirmed_at, reg.cancelled_at, reg.expires_at, list(reg.held_pool_ids or [])),
            stack.pools(event_id), len(stack.outbox()))


def flip(token: str, index: int) -> str:
    """The token with one character changed so that its decoded bytes change too (a flip of a
    base64 character's top bit; the low bits of a segment's last character may be unused)."""
    char = token[index]
    other = ALPHABET[ALPHABET.index(char) ^ 32]
    return token[:index] + other + token[index + 1:]


def assert_refused(response, statuses=(400,), code=None):
    assert response.status_code in statuses, (response.status_code, response.get_data()[:300])
    assert response.is_json
    if code:
        assert response.json["code"] == code
    assert not leaks(response.get_data(as_text=True))


FORGED = [
    "0123456789abcdef",
    "a" * 60,
    "eyJyIjoiMDEyMzQ1Njc4OWFiY2RlZiJ9.ZmFrZQ.c2lnbmF0dXJl",
    "..........",
    "%00%0d%0aSet-Cookie:x=1",
    "' OR '1'='1' --",
    "<script>alert(1)</script>",
    "x" * 500,
]


@pytest.mark.parametrize("purpose", ["confirm", "cancel"])
def test_forged_tokens_are_refused(signed_up, purpose):
    stack, event, reg_id = signed_up
    before = state(stack, reg_id, event["id"])
    for token in FORGED:
        assert_refused(stack.reg.post(f"/api/v1/registrations/{purpose}", json={"token": token}),
                       code="token_invalid")
    # longer than any token the service makes: refused by validation, not read at all
    too_long = stack.reg.post(f"/api/v1/registrations/{purpose}", json={"token": "x" * 5000})
    assert too_long.status_code in (400, 422)
    for bad_type in (None, 12345678901, ["a" * 20], {"r": reg_id}, True):
        response = stack.reg.post(f"/api/v1/registrations/{purpose}", json={"token": bad_type})
        assert response.status_code in (400, 422), (bad_type, response.status_code)
    assert state(stack, reg_id, event["id"]) == before


@pytest.mark.parametrize("purpose", ["confirm", "cancel"])
def test_tokens_signed_with_another_key_or_scheme_are_refused(signed_up, purpose):
    stack, event, reg_id = signed_up
    before = state(stack, reg_id, event["id"])
    salt = f"civic-registrations.{purpose}"
    forgeries = [
        URLSafeTimedSerializer("another-deployment-secret-0123456789abcdef", salt=salt).dumps({"r": reg_id}),
        URLSafeTimedSerializer(SECRET).dumps({"r": reg_id}),  # the right key, no purpose salt
        URLSafeTimedSerializer(SECRET, salt="civic-registrations.other").dumps({"r": reg_id}),
        URLSafeSerializer(SECRET, salt=salt).dumps({"r": reg_id}),  # no timestamp
        URLSafeTimedSerializer(SECRET, salt=salt, signer_kwargs={"digest_method": __import__("hashlib").md5})
        .dumps({"r": reg_id}),
    ]
    for token in forgeries:
        assert_refused(stack.reg.post(f"/api/v1/registrations/{purpose}", json={"token": token}),
                       code="token_invalid")
    # correctly signed, but not the shape the service makes: still refused, never a crash
    for payload in ([reg_id], {"r": 123}, {"r": None}, "plain", {"x": reg_id}):
        token = URLSafeTimedSerializer(SECRET, salt=salt).dumps(payload)
        assert_refused(stack.reg.post(f"/api/v1/registrations/{purpose}", json={"token": token}),
                       code="token_invalid")
    # a well-formed token for a registration that does not exist
    ghost = URLSafeTimedSerializer(SECRET, salt=salt).dumps({"r": "0" * 32})
    assert_refused(stack.reg.post(f"/api/v1/registrations/{purpose}", json={"token": ghost}), statuses=(404, 410))
    assert state(stack, reg_id, event["id"]) == before


@pytest.mark.parametrize("purpose", ["confirm", "cancel"])
def test_every_single_character_flip_is_refused(signed_up, purpose):
    stack, event, reg_id = signed_up
    token = stack.confirm_token("erika@example.org") if purpose == "confirm" else stack.cancel_token("erika@example.org")
    before = state(stack, reg_id, event["id"])
    positions = [i for i, c in enumerate(token) if c in ALPHABET]
    assert len(positions) > 40
    for index in positions:
        altered = flip(token, index)
        assert altered != token
        response = stack.reg.post(f"/api/v1/registrations/{purpose}", json={"token": altered})
        assert response.status_code == 400, (index, altered, response.status_code, response.json)
        assert response.json["code"] == "token_invalid"
    # also cut short, extended, or with its parts swapped
    head, _, sig = token.rpartition(".")
    for altered in (token[:-1], token + "A", token[1:], sig + "." + head, token.upper()):
        assert_refused(stack.reg.post(f"/api/v1/registrations/{purpose}", json={"token": altered}))
    assert state(stack, reg_id, event["id"]) == before
    # and the untouched token still works
    assert stack.reg.post(f"/api/v1/registrations/{purpose}", json={"token": token}).status_code == 200


def test_altered_tokens_on_the_html_pages_are_refused(signed_up):
    stack, event, reg_id = signed_up
    confirm, cancel = stack.confirm_token("erika@example.org"), stack.cancel_token("erika@example.org")
    before = state(stack, reg_id, event["id"])
    for index in (0, len(confirm) // 2, len(confirm) - 1):
        response = stack.reg.get(f"/confirm/{flip(confirm, index)}")
        assert response.status_code == 400
        assert not leaks(response.get_data(as_text=True))
    page = stack.reg.get(f"/cancel/{flip(cancel, 5)}")
    assert page.status_code == 400
    assert 'name="csrf_token"' not in page.get_data(as_text=True)  # no form to cancel with
    assert state(stack, reg_id, event["id"]) == before


def test_a_confirm_token_does_not_cancel_and_a_cancel_token_does_not_confirm(signed_up):
    stack, event, reg_id = signed_up
    confirm, cancel = stack.confirm_token("erika@example.org"), stack.cancel_token("erika@example.org")
    assert confirm != cancel
    before = state(stack, reg_id, event["id"])
    assert_refused(stack.reg.post("/api/v1/registrations/cancel", json={"token": confirm}), code="token_invalid")
    assert_refused(stack.reg.post("/api/v1/registrations/confirm", json={"token": cancel}), code="token_invalid")
    assert stack.reg.get(f"/confirm/{cancel}").status_code == 400
    assert stack.reg.get(f"/cancel/{confirm}").status_code == 400
    form_page = stack.reg.get(f"/events/{event['id']}")
    posted = stack.reg.post(f"/cancel/{confirm}", data={"csrf_token": csrf_of(form_page.get_data(as_text=True))})
    assert posted.status_code == 400
    assert state(stack, reg_id, event["id"]) == before
    assert stack.registration(reg_id).status == "pending_confirmation"


def test_expired_confirm_link_is_410_and_changes_nothing(signed_up):
    """The service's own setting: CONFIRMATION_HOURS bounds the link's age (0 → a second old is too old)."""
    stack, event, reg_id = signed_up
    token = stack.confirm_token("erika@example.org")
    before = state(stack, reg_id, event["id"])
    hours = stack.reg_app.config["CONFIRMATION_HOURS"]
    stack.reg_app.config["CONFIRMATION_HOURS"] = 0
    try:
        time.sleep(1.2)
        assert_refused(stack.reg.post("/api/v1/registrations/confirm", json={"token": token}), statuses=(410,),
                       code="token_expired")
        page = stack.reg.get(f"/confirm/{token}")
        assert page.status_code == 410
    finally:
        stack.reg_app.config["CONFIRMATION_HOURS"] = hours
    assert state(stack, reg_id, event["id"]) == before
    assert stack.registration(reg_id).status == "pending_confirmation"


def test_expired_cancel_link_is_410_and_changes_nothing(signed_up):
    stack, event, reg_id = signed_up
    assert stack.reg.post("/api/v1/registrations/confirm",
                          json={"token": stack.confirm_token("erika@example.org")}).status_code == 200
    token = stack.cancel_token("erika@example.org")
    before = state(stack, reg_id, event["id"])
    days = stack.reg_app.config["CANCEL_LINK_DAYS"]
    stack.reg_app.config["CANCEL_LINK_DAYS"] = 0
    try:
        time.sleep(1.2)
        assert_refused(stack.reg.post("/api/v1/registrations/cancel", json={"token": token}), statuses=(410,),
                       code="token_expired")
        assert stack.reg.get(f"/cancel/{token}").status_code == 410
    finally:
        stack.reg_app.config["CANCEL_LINK_DAYS"] = days
    assert state(stack, reg_id, event["id"]) == before
    assert stack.registration(reg_id).status == "confirmed"


def test_confirming_after_the_hold_expired_is_410_and_frees_the_seat(stack):
    """A link still valid as a signature, for a sign-up whose hold ran out: 410, never confirmed."""
    organizer = stack.organizer(ORGANIZER_A)
    event = stack.create_event(organizer)
    hours = stack.reg_app.config["CONFIRMATION_HOURS"]
    stack.reg_app.config["CONFIRMATION_HOURS"] = 0  # the hold ends the moment it starts
    try:
        response = stack.sign_up(event["id"], email="late@example.org")
    finally:
        stack.reg_app.config["CONFIRMATION_HOURS"] = hours
    assert response.status_code == 202
    reg_id = response.json["id"]
    token = stack.confirm_token("late@example.org")
    assert_refused(stack.reg.post("/api/v1/registrations/confirm", json={"token": token}), statuses=(410,),
                   code="registration_expired")
    reg = stack.registration(reg_id)
    assert reg.status == "expired" and reg.confirmed_at is None
    assert all(taken == 0 for _, _, taken in stack.pools(event["id"]))
    # clicking again stays 410 and writes no second "expired" mail
    mails = len(stack.mails_to("late@example.org"))
    assert stack.reg.post("/api/v1/registrations/confirm", json={"token": token}).status_code == 410
    assert len(stack.mails_to("late@example.org")) == mails


def test_reused_confirm_link_has_no_second_effect(signed_up):
    stack, event, reg_id = signed_up
    token = stack.confirm_token("erika@example.org")
    first = stack.reg.post("/api/v1/registrations/confirm", json={"token": token})
    assert first.status_code == 200 and first.json["status"] == "confirmed"
    after_first = state(stack, reg_id, event["id"])
    mails = stack.outbox()
    for _ in range(3):
        again = stack.reg.post("/api/v1/registrations/confirm", json={"token": token})
        assert again.status_code == 200
        assert again.json["status"] == "confirmed" and again.json["id"] == reg_id
        assert stack.reg.get(f"/confirm/{token}").status_code == 200
    assert state(stack, reg_id, event["id"]) == after_first
    assert stack.outbox() == mails  # no second "confirmed" mail, no second contact notice
    assert [taken for _, _, taken in stack.pools(event["id"])] == [1]


def test_reused_cancel_link_has_no_second_effect(signed_up):
    stack, event, reg_id = signed_up
    other = stack.sign_up(event["id"], name="Max Muster", email="max@example.org")
    assert other.status_code == 202
    assert stack.reg.post("/api/v1/registrations/confirm",
                          json={"token": stack.confirm_token("erika@example.org")}).status_code == 200
    token = stack.cancel_token("erika@example.org")
    first = stack.reg.post("/api/v1/registrations/cancel", json={"token": token})
    assert first.status_code == 200 and first.json["status"] == "cancelled"
    after_first = state(stack, reg_id, event["id"])
    assert [taken for _, _, taken in stack.pools(event["id"])] == [1]  # Max still holds his seat
    mails = stack.outbox()
    for _ in range(3):
        again = stack.reg.post("/api/v1/registrations/cancel", json={"token": token})
        assert again.status_code == 200 and again.json["status"] == "cancelled"
    assert state(stack, reg_id, event["id"]) == after_first
    assert stack.outbox() == mails
    assert [taken for _, _, taken in stack.pools(event["id"])] == [1]  # freed once, not twice
    # a cancelled registration cannot be brought back with its old confirm link
    revived = stack.reg.post("/api/v1/registrations/confirm", json={"token": stack.confirm_token("erika@example.org")})
    assert revived.status_code in (400, 409, 410)
    assert stack.registration(reg_id).status == "cancelled"


def test_cancel_page_asks_first_and_needs_the_csrf_token(signed_up):
    stack, event, reg_id = signed_up
    token = stack.cancel_token("erika@example.org")
    page = stack.reg.get(f"/cancel/{token}")
    assert page.status_code == 200
    assert stack.registration(reg_id).status == "pending_confirmation"  # GET only asks
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": csrf_of(page.get_data(as_text=True)) + "x"}):
        refused = stack.reg.post(f"/cancel/{token}", data=data)
        assert refused.status_code == 400, data
        assert stack.registration(reg_id).status == "pending_confirmation"
    done = stack.reg.post(f"/cancel/{token}", data={"csrf_token": csrf_of(page.get_data(as_text=True))})
    assert done.status_code == 200
    assert stack.registration(reg_id).status == "cancelled"


def test_tokens_of_an_erased_person_are_gone(signed_up):
    stack, event, reg_id = signed_up
    confirm, cancel = stack.confirm_token("erika@example.org"), stack.cancel_token("erika@example.org")
    organizer_headers = stack.organizer(ORGANIZER_A).headers
    erased = stack.reg.delete("/api/v1/people/erika@example.org", headers=organizer_headers)
    assert erased.status_code == 200 and erased.json["erased"] == 1
    assert_refused(stack.reg.post("/api/v1/registrations/confirm", json={"token": confirm}), statuses=(404, 410))
    assert_refused(stack.reg.post("/api/v1/registrations/cancel", json={"token": cancel}), statuses=(404, 410))
    assert stack.reg.get(f"/confirm/{confirm}").status_code in (404, 410)
    assert stack.reg.get(f"/cancel/{cancel}").status_code in (404, 410)
