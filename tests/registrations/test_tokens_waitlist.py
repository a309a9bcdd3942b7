from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer

from services.registrations import links
from services.registrations.domain import lifecycle
from services.registrations.models import Registration, db
from shared import contract
from shared.db import utcnow
from tests.factories import cancel_token, confirm_token, mails_to, pools, registration, sign_up
from tests.registrations.conftest import SECRET, make_event, outbox, sign_up_and_confirm


def test_cancel_by_link_frees_the_seat(client, app, events_live, token):
    event = make_event(events_live, app, token)
    reg = sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    assert pools(app, event["id"]) == [(0, 5, 1)]
    response = client.post("/api/v1/registrations/cancel", json={"token": cancel_token(app, "erika@example.org")})
    assert response.status_code == 200
    assert response.json == {"id": reg["id"], "event_id": event["id"], "status": "cancelled"}
    assert pools(app, event["id"]) == [(0, 5, 0)]
    assert mails_to(app, "erika@example.org")[-1]["kind"] == "cancelled"
    assert len(outbox(app, contract.CONTACT_MAIL, "cancellation")) == 1
    # again: same answer, nothing more happens
    again = client.post("/api/v1/registrations/cancel", json={"token": cancel_token(app, "erika@example.org")})
    assert again.status_code == 200 and again.json["status"] == "cancelled"
    assert pools(app, event["id"]) == [(0, 5, 0)]
    # after cancelling, the same address may sign up anew
    assert sign_up(client, event["id"]).status_code == 202
    assert pools(app, event["id"]) == [(0, 5, 1)]


def test_forged_altered_and_wrong_purpose_tokens_change_nothing(client, app, events_live, token):
    event = make_event(events_live, app, token)
    reg_id = sign_up(client, event["id"]).json["id"]
    good = confirm_token(app, "erika@example.org")
    forged = URLSafeTimedSerializer("not-our-secret", salt="civic-registrations.confirm").dumps({"r": reg_id})
    altered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    for bad in (forged, altered, "x" * 40):
        response = client.post("/api/v1/registrations/confirm", json={"token": bad})
        assert response.status_code == 400 and response.json["code"] == "token_invalid"
    # a confirm token does not cancel
    response = client.post("/api/v1/registrations/cancel", json={"token": good})
    assert response.status_code == 400
    assert registration(app, reg_id).status == "pending_confirmation"
    assert client.get(f"/confirm/{forged}").status_code == 400


def test_expired_token_is_410(client, app, events_live, token, monkeypatch):
    event = make_event(events_live, app, token)
    reg_id = sign_up(client, event["id"]).json["id"]
    with app.app_context():
        old = URLSafeTimedSerializer(SECRET, salt="civic-registrations.confirm")
        import itsdangerous.timed
        monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                            lambda self: int(utcnow().timestamp()) - 49 * 3600)
        stale = old.dumps({"r": reg_id})
        monkeypatch.undo()
    response = client.post("/api/v1/registrations/confirm", json={"token": stale})
    assert response.status_code == 410 and response.json["code"] == "token_expired"
    assert registration(app, reg_id).status == "pending_confirmation"
    assert client.get(f"/confirm/{stale}").status_code == 410


def _age(app, reg_id, hours):
    with app.app_context():
        reg = db.session.get(Registration, reg_id)
        reg.expires_at = utcnow() - timedelta(hours=hours)
        db.session.commit()
        db.session.remove()


def test_unconfirmed_hold_expires_and_frees_its_seats(client, app, events_live, token):
    event = make_event(events_live, app, token, registration={"capacity": 1})
    first = sign_up(client, event["id"], email="a@example.org").json["id"]
    waiting = sign_up(client, event["id"], email="b@example.org")
    assert waiting.json["waitlist"] is True
    client.post("/api/v1/registrations/confirm", json={"token": confirm_token(app, "b@example.org")})
    assert registration(app, waiting.json["id"]).status == "waitlisted"
    _age(app, first, 1)
    with app.app_context():
        assert lifecycle.expire_due() == 1
        db.session.remove()
    assert registration(app, first).status == "expired"
    assert mails_to(app, "a@example.org")[-1]["kind"] == "expired"
    # the freed seat went to the waiting list
    assert registration(app, waiting.json["id"]).status == "confirmed"
    assert mails_to(app, "b@example.org")[-1]["kind"] == "promoted"
    assert pools(app, event["id"]) == [(0, 1, 1)]
    # the link of the expired sign-up no longer works
    response = client.post("/api/v1/registrations/confirm", json={"token": confirm_token(app, "a@example.org")})
    assert response.status_code == 410 and response.json["code"] == "registration_expired"


def test_expiry_task_is_scheduled(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["registrations.expire_holds"]["task"] == "registrations.expire_holds"
    assert "registrations.apply_retention" in schedule


def test_waitlist_is_promoted_in_order(client, app, events_live, token):
    event = make_event(events_live, app, token, registration={"capacity": 2, "max_companions": 0})
    seated = [sign_up_and_confirm(client, app, event["id"], f"seat{i}@example.org") for i in range(2)]
    assert all(r["status"] == "confirmed" for r in seated)
    waiting = [sign_up_and_confirm(client, app, event["id"], f"wait{i}@example.org") for i in range(3)]
    assert [r["status"] for r in waiting] == ["waitlisted"] * 3
    assert client.get(f"/api/v1/events/{event['id']}/availability").json["waitlist"] == 3
    # two seats come free one after the other: wait0 first, then wait1; wait2 keeps waiting
    for i in range(2):
        client.post("/api/v1/registrations/cancel", json={"token": cancel_token(app, f"seat{i}@example.org")})
    statuses = [registration(app, r["id"]).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert mails_to(app, "wait0@example.org")[-1]["kind"] == "promoted"
    assert mails_to(app, "wait2@example.org")[-1]["kind"] == "waitlisted"
    assert pools(app, event["id"]) == [(0, 2, 2)]
    # a newcomer does not jump the queue while someone waits
    response = sign_up(client, event["id"], email="late@example.org")
    assert response.json["waitlist"] is True


def test_approval_mode(client, app, events_live, token, other_token):
    from tests.factories import auth
    event = make_event(events_live, app, token, registration={"approval": True, "capacity": 1})
    reg = sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    assert reg["status"] == "pending_approval"
    assert mails_to(app, "erika@example.org")[-1]["kind"] == "pending_approval"
    assert pools(app, event["id"]) == [(0, 1, 1)]  # held while the organizer decides
    assert client.post(f"/api/v1/registrations/{reg['id']}/approve", headers=auth(other_token)).status_code == 404
    assert client.post(f"/api/v1/registrations/{reg['id']}/approve").status_code == 401
    response = client.post(f"/api/v1/registrations/{reg['id']}/approve", headers=auth(token))
    assert response.status_code == 200 and response.json["status"] == "confirmed"
    assert mails_to(app, "erika@example.org")[-1]["kind"] == "confirmed"
    response = client.post(f"/api/v1/registrations/{reg['id']}/check-in", headers=auth(token))
    assert response.status_code == 200 and response.json["checked_in_at"]
    # rejecting frees the seat for the next person
    other = sign_up_and_confirm(client, app, event["id"], "max@example.org")
    assert other["status"] == "waitlisted"
    response = client.post(f"/api/v1/registrations/{reg['id']}/reject", headers=auth(token))
    assert response.status_code == 200 and response.json["status"] == "rejected"
    assert registration(app, other["id"]).status == "pending_approval"
    assert mails_to(app, "max@example.org")[-1]["kind"] == "pending_approval"
    # a rejected address cannot sign up again (and learns nothing from the answer)
    assert sign_up(client, event["id"]).status_code in (202, 409)
    assert registration(app, reg["id"]).status == "rejected"
    response = client.post(f"/api/v1/registrations/{other['id']}/check-in", headers=auth(token))
    assert response.status_code == 409 and response.json["code"] == "not_confirmed"


def test_links_are_purpose_bound(app):
    with app.test_request_context():
        tok = links.make_token(links.CANCEL, "abc")
        assert links.read_token(links.CANCEL, tok) == "abc"
        try:
            links.read_token(links.CONFIRM, tok)
        except links.BadToken:
            pass
        else:
            raise AssertionError("a cancel token confirmed")


def test_expiry_runs_as_a_celery_task(client, app, events_live, token):
    import time
    from services.registrations.tasks import EXPIRE_HOLDS
    from tests.servers import start_celery_worker
    event = make_event(events_live, app, token)
    reg_id = sign_up(client, event["id"]).json["id"]
    _age(app, reg_id, 1)
    celery = app.extensions["celery"]
    with start_celery_worker(celery, ["registrations"]):
        celery.send_task(EXPIRE_HOLDS, queue="registrations")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and registration(app, reg_id).status != "expired":
            time.sleep(0.2)
    assert registration(app, reg_id).status == "expired"
    assert pools(app, event["id"]) == [(0, 5, 0)]
