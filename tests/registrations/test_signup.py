from shared import contract
from tests.factories import confirm_token, mails_to, pools, registration, sign_up, signup_body
from tests.registrations.conftest import make_event, outbox


def test_sign_up_holds_a_seat_and_mails_a_confirm_link(client, app, events_live, token):
    event = make_event(events_live, app, token)
    response = sign_up(client, event["id"], email="Erika@Example.org", companions=1)
    assert response.status_code == 202, response.json
    body = response.json
    assert body["status"] == "pending_confirmation" and body["event_id"] == event["id"]
    assert body["waitlist"] is False
    reg = registration(app, body["id"])
    assert reg.email == "erika@example.org" and reg.companions == 1
    assert pools(app, event["id"]) == [(0, 5, 2)]
    mail = mails_to(app, "erika@example.org", "confirm_email")
    assert len(mail) == 1
    assert mail[0]["links"]["confirm"].startswith("http://registrations.test/confirm/")
    assert mail[0]["links"]["event_page"] == f"http://registrations.test/events/{event['id']}"
    assert mail[0]["event"]["title"] == event["title"]
    # the contact person hears of it at once, as not confirmed yet
    [contact] = outbox(app, contract.CONTACT_MAIL, "new_registration")
    assert contact["registration"]["status"] == "pending_confirmation"
    assert contact["registrant"]["email"] == "erika@example.org"
    availability = client.get(f"/api/v1/events/{event['id']}/availability").json
    assert availability["capacity"] == 5 and availability["taken"] == 2 and availability["available"] == 3


def test_confirm_then_contact_is_told(client, app, events_live, token):
    event = make_event(events_live, app, token)
    reg_id = sign_up(client, event["id"]).json["id"]
    response = client.post("/api/v1/registrations/confirm", json={"token": confirm_token(app, "erika@example.org")})
    assert response.status_code == 200
    assert response.json == {"id": reg_id, "event_id": event["id"], "status": "confirmed"}
    assert [m["kind"] for m in mails_to(app, "erika@example.org")] == ["confirm_email", "confirmed"]
    contact = outbox(app, contract.CONTACT_MAIL, "new_registration")
    assert len(contact) == 1 and contact[0]["registrant"]["email"] == "erika@example.org"
    # the link clicked twice changes nothing
    again = client.post("/api/v1/registrations/confirm", json={"token": confirm_token(app, "erika@example.org")})
    assert again.json["status"] == "confirmed"
    assert len(mails_to(app, "erika@example.org", "confirmed")) == 1


def test_validation_names_fields(client, app, events_live, token):
    event = make_event(events_live, app, token, registration={"questions": [
        {"key": "amt", "label": "Amt / Dienststelle", "type": "text", "required": True},
        {"key": "diet", "label": "Essen", "type": "choice", "options": ["vegan", "alles"]}]})
    url = f"/api/v1/events/{event['id']}/registrations"
    response = client.post(url, json={"name": "", "email": "not-an-email"})
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert set(response.json["errors"]) >= {"name", "email", "consent"}
    response = client.post(url, json=signup_body(consent=False))
    assert response.status_code == 422 and "consent" in response.json["errors"]
    response = client.post(url, json=signup_body(companions=3, answers={"amt": "Stadtplanungsamt"}))
    assert response.status_code == 422 and "companions" in response.json["errors"]
    response = client.post(url, json=signup_body(session_ids=[999999], answers={"amt": "Stadtplanungsamt"}))
    assert response.status_code == 422 and "session_ids" in response.json["errors"]
    response = client.post(url, json=signup_body())
    assert response.status_code == 422 and response.json["errors"] == {"answers": {"amt": ["Please answer this question."]}}
    response = client.post(url, json=signup_body(answers={"amt": "A", "diet": "fish"}))
    assert response.status_code == 422 and "diet" in response.json["errors"]["answers"]
    response = client.post(url, json=signup_body(answers={"amt": "A", "diet": "vegan"}, unknown_field=1))
    assert response.status_code == 422 and "unknown_field" in response.json["errors"]
    # few mail servers take umlauts before the @: the person hears it now, not never
    response = client.post(url, json=signup_body(email="jörg@example.org", answers={"amt": "A"}))
    assert response.status_code == 422 and "umlauts" in response.json["errors"]["email"][0]
    assert client.post(url, json=signup_body(answers={"amt": "A", "diet": "vegan"})).status_code == 202
    assert pools(app, event["id"]) == [(0, 5, 1)]


def test_policy_conflicts_have_codes(client, app, events_live, token):
    closed = make_event(events_live, app, token, registration={"closes_at": "2020-01-01T09:00:00"},
                        starts_at="2020-01-02T10:00:00", ends_at="2030-01-02T12:00:00")
    response = sign_up(client, closed["id"])
    assert response.status_code == 409 and response.json["code"] == "registration_closed"
    later = make_event(events_live, app, token, registration={"opens_at": "2030-01-01T09:00:00"})
    response = sign_up(client, later["id"])
    assert response.status_code == 409 and response.json["code"] == "registration_not_open"
    open_house = make_event(events_live, app, token, registration={"mode": "none"})
    assert sign_up(client, open_house["id"]).json["code"] == "registration_not_needed"
    no_waitlist = make_event(events_live, app, token, registration={"capacity": 1, "waitlist": False})
    assert sign_up(client, no_waitlist["id"], email="a@example.org").status_code == 202
    response = sign_up(client, no_waitlist["id"], email="b@example.org")
    assert response.status_code == 409 and response.json["code"] == "event_full"
    assert pools(app, no_waitlist["id"]) == [(0, 1, 1)]


def test_cancelled_event_and_drafts(client, app, events_live, token):
    from tests.registrations.conftest import change_event
    event = make_event(events_live, app, token)
    change_event(events_live, app, token, event["id"], action="cancel")
    response = sign_up(client, event["id"])
    assert response.status_code == 409 and response.json["code"] == "event_cancelled"
    draft = make_event(events_live, app, token, publish=False)
    assert sign_up(client, draft["id"]).status_code == 404
    assert sign_up(client, 987654).status_code == 404


def test_duplicate_email_gets_no_second_seat_and_the_same_answer(client, app, events_live, token):
    event = make_event(events_live, app, token)
    first = sign_up(client, event["id"], email="erika@example.org")
    second = sign_up(client, event["id"], email="ERIKA@example.org ")
    fresh = sign_up(client, event["id"], email="max@example.org")
    assert first.status_code == second.status_code == fresh.status_code == 202
    assert set(first.json) == set(second.json) == set(fresh.json)
    assert second.json["status"] == fresh.json["status"] == "pending_confirmation"
    assert pools(app, event["id"]) == [(0, 5, 2)]
    # the person gets their link again (they may have lost the first mail)
    assert len(mails_to(app, "erika@example.org", "confirm_email")) == 2


def test_idempotency_key(client, app, events_live, token):
    event = make_event(events_live, app, token)
    url = f"/api/v1/events/{event['id']}/registrations"
    headers = {"Idempotency-Key": "abc-123"}
    first = client.post(url, json=signup_body(), headers=headers)
    again = client.post(url, json=signup_body(), headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json == again.json
    assert pools(app, event["id"]) == [(0, 5, 1)]
    assert len(mails_to(app, "erika@example.org")) == 1  # nothing new, not even a mail
    other = client.post(url, json=signup_body(email="max@example.org"), headers=headers)
    assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"
    assert pools(app, event["id"]) == [(0, 5, 1)]


def test_per_session_seats(client, app, events_live, token):
    event = make_event(events_live, app, token, sessions=[
        {"title": "Ideenschmiede", "starts_at": "2030-09-13T10:00:00", "ends_at": "2030-09-13T12:30:00",
         "capacity": 2, "registration": "required"},
        {"title": "Open Hour", "starts_at": "2030-09-13T13:00:00", "ends_at": "2030-09-13T16:00:00",
         "capacity": None, "registration": "none"}], registration={"capacity": None})
    morning, afternoon = event["sessions"][0]["id"], event["sessions"][1]["id"]
    response = sign_up(client, event["id"])
    assert response.status_code == 422 and response.json["errors"]["session_ids"] == ["Choose at least one session."]
    response = sign_up(client, event["id"], session_ids=[afternoon])
    assert response.status_code == 422 and "session_ids" in response.json["errors"]
    assert sign_up(client, event["id"], session_ids=[morning], companions=1).status_code == 202
    assert pools(app, event["id"]) == [(morning, 2, 2)]
    availability = client.get(f"/api/v1/events/{event['id']}/availability").json
    assert availability["per_session"] is True
    assert availability["sessions"][0]["available"] == 0
    response = sign_up(client, event["id"], email="max@example.org", session_ids=[morning])
    assert response.status_code == 202 and response.json["waitlist"] is True
    assert pools(app, event["id"]) == [(morning, 2, 2)]


def test_contact_persons_hear_nearly_full_and_full(client, app, events_live, token):
    from tests.registrations.conftest import sign_up_and_confirm
    event = make_event(events_live, app, token, registration={"capacity": 5, "max_companions": 2})
    sign_up(client, event["id"], email="a@example.org", companions=2)  # 3 of 5
    assert outbox(app, contract.CONTACT_MAIL, "nearly_full") == []
    sign_up(client, event["id"], email="b@example.org")  # 4 of 5: 80 %
    nearly = outbox(app, contract.CONTACT_MAIL, "nearly_full")
    assert len(nearly) == 1 and nearly[0]["availability"]["available"] == 1
    sign_up_and_confirm(client, app, event["id"], "c@example.org")  # 5 of 5
    assert len(outbox(app, contract.CONTACT_MAIL, "full")) == 1
    assert len(outbox(app, contract.CONTACT_MAIL, "nearly_full")) == 1


def test_no_contact_mails_when_the_event_wants_none(client, app, events_live, token):
    from tests.registrations.conftest import sign_up_and_confirm
    event = make_event(events_live, app, token, contact_notifications="none")
    sign_up_and_confirm(client, app, event["id"], "a@example.org")
    assert outbox(app, contract.CONTACT_MAIL) == []


def test_a_sign_up_costs_four_sql_statements(client, app, events_live, token):
    """The hot path: read the replica, one guarded UPDATE ... RETURNING for the seat, insert the
    registration and its outbox row, one commit. A known address or a full event may cost
    more; a new person signing up must not."""
    from sqlalchemy import event as sa_event

    from services.registrations.models import db
    event = make_event(events_live, app, token)
    assert sign_up(client, event["id"], email="warm-up@example.org").status_code == 202
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        assert sign_up(client, event["id"], email="counted@example.org").status_code == 202
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert statements == ["SELECT", "UPDATE", "INSERT", "INSERT"], statements
    assert pools(app, event["id"]) == [(0, 5, 2)]
