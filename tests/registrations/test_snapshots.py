import copy
import uuid

from services.registrations import create_app
from services.registrations.models import EventReplica, OutboxMessage, Registration, db
from shared import contract
from shared.embedded import free_port
from tests.factories import deliver, latest_snapshot, pools, sign_up
from tests.registrations.conftest import change_event, make_event, outbox, sign_up_and_confirm


def replica(app, event_id):
    with app.app_context():
        row = db.session.get(EventReplica, event_id)
        result = (row.revision, row.status, copy.deepcopy(row.data)) if row else None
        db.session.remove()
    return result


def test_snapshot_is_idempotent_and_older_never_overwrites_newer(client, app, events_live, token):
    event = make_event(events_live, app, token, deliver_snapshot=False)
    first = latest_snapshot(events_live.app, event["id"])
    change_event(events_live, app, token, event["id"], body={"title": "Neuer Titel"}, deliver_snapshot=False)
    second = latest_snapshot(events_live.app, event["id"])
    assert second["revision"] > first["revision"]
    assert deliver(app, second) is True
    assert deliver(app, second) is False  # the same message again: no second effect
    assert deliver(app, first) is True  # consumed, but an older revision changes nothing
    assert replica(app, event["id"])[:2] == (second["revision"], "published")
    assert replica(app, event["id"])[2]["title"] == "Neuer Titel"


def test_time_change_and_cancellation_tell_active_registrants(client, app, events_live, token):
    event = make_event(events_live, app, token)
    sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    sign_up(client, event["id"], email="unconfirmed@example.org")
    change_event(events_live, app, token, event["id"], body={"summary": "anders formuliert"})
    assert outbox(app, contract.EVENT_CHANGE_MAIL) == []
    change_event(events_live, app, token, event["id"], body={"starts_at": "2030-09-13T11:00:00"})
    changed = outbox(app, contract.EVENT_CHANGE_MAIL)
    assert len(changed) == 1
    assert changed[0]["kind"] == "changed" and changed[0]["time_changed"] is True
    assert changed[0]["registrant"]["email"] == "erika@example.org"
    assert changed[0]["links"]["cancel"]
    change_event(events_live, app, token, event["id"], body={"venue": {
        "name": "Rathaus Kiel", "street": "Fleethörn 9", "postal_code": "24103", "city": "Kiel"}})
    moved = outbox(app, contract.EVENT_CHANGE_MAIL)[-1]
    assert moved["place_changed"] is True and moved["time_changed"] is False
    change_event(events_live, app, token, event["id"], action="cancel", body={"reason": "Krankheit"})
    cancelled = outbox(app, contract.EVENT_CHANGE_MAIL, "cancelled")
    assert len(cancelled) == 1 and cancelled[0]["event"]["status"] == "cancelled"


def test_more_seats_promote_the_waiting_list(client, app, events_live, token):
    event = make_event(events_live, app, token, registration={"capacity": 1})
    sign_up_and_confirm(client, app, event["id"], "a@example.org")
    waiting = sign_up_and_confirm(client, app, event["id"], "b@example.org")
    assert waiting["status"] == "waitlisted"
    change_event(events_live, app, token, event["id"], body={"registration": {
        **event["registration"], "capacity": 2}})
    assert pools(app, event["id"]) == [(0, 2, 2)]
    with app.app_context():
        assert db.session.get(Registration, waiting["id"]).status == "confirmed"
        db.session.remove()


def test_replica_miss_is_fetched_from_the_events_service(client, app, events_live, token):
    event = make_event(events_live, app, token, deliver_snapshot=False)
    assert replica(app, event["id"]) is None
    assert sign_up(client, event["id"]).status_code == 202
    assert replica(app, event["id"])[0] == event["revision"]
    assert client.get("/api/v1/events/424242/availability").status_code == 404


def test_events_down_gives_503_but_known_events_keep_working(app, events_live, token, reg_redis_url, databases):
    event = make_event(events_live, app, token)
    unknown = make_event(events_live, app, token, deliver_snapshot=False)
    dead = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS",
                                                       "SECRET_KEY", "REDIS_URL", "REGISTRATIONS_URL")},
                       "TESTING": True, "EVENTS_URL": f"http://127.0.0.1:{free_port()}", "HTTP_TIMEOUT_SECONDS": 1,
                       "RATELIMIT_SIGNUP": "1000 per minute"})
    client = dead.test_client()
    response = client.post(f"/api/v1/events/{unknown['id']}/registrations",
                           json={"name": "A", "email": "a@example.org", "consent": True})
    assert response.status_code == 503 and response.json["code"] == "events_unavailable"
    response = client.post(f"/api/v1/events/{event['id']}/registrations",
                           json={"name": "A", "email": "a@example.org", "consent": True})
    assert response.status_code == 202


def test_outbox_row_is_written_with_the_registration_even_when_the_broker_is_down(app):
    """The sign-up and its mail commit together; the broker only learns of it later (relay)."""
    dead_broker = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS",
                                                             "SECRET_KEY", "REGISTRATIONS_URL", "EVENTS_URL")},
                              "TESTING": True, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
                              "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_SIGNUP": "1000 per minute"})
    snapshot = {
        "message_id": uuid.uuid4().hex, "schema_version": 1, "origin": "events", "event_id": 777, "revision": 1,
        "change": {"kind": "published"},
        "event": {"id": 777, "title": "Werkstatt", "language": "de", "timezone": "Europe/Berlin",
                  "starts_at": "2030-02-22T11:00:00+01:00", "ends_at": "2030-02-22T16:00:00+01:00",
                  "format": "online", "organizer": {"id": 1, "name": "ILS"}, "contacts": [], "sessions": [],
                  "registration": {"mode": "required", "capacity": 3, "waitlist": True, "approval": False,
                                   "max_companions": 0, "questions": []},
                  "status": "published", "revision": 1},
    }
    with dead_broker.app_context():
        from services.registrations.tasks import consume_snapshot
        consume_snapshot(snapshot)
        db.session.remove()
    response = dead_broker.test_client().post("/api/v1/events/777/registrations",
                                              json={"name": "A", "email": "a@example.org", "consent": True})
    assert response.status_code == 202
    with dead_broker.app_context():
        reg = db.session.get(Registration, response.json["id"])
        rows = db.session.query(OutboxMessage).filter(OutboxMessage.task_name == contract.REGISTRATION_MAIL).all()
        assert len(rows) == 1 and rows[0].payload["registration"]["id"] == reg.id
        assert rows[0].published_at is None and rows[0].acked_at is None  # the relay sends it later
        db.session.remove()


def test_a_failing_transaction_leaves_neither_registration_nor_message(app, client, events_live, token,
                                                                       monkeypatch):
    event = make_event(events_live, app, token)
    from services.registrations.domain import signup

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(signup, "announce_thresholds", broken)
    response = sign_up(client, event["id"])
    assert response.status_code == 500
    assert "disk full" not in response.get_data(as_text=True)
    assert outbox(app, contract.REGISTRATION_MAIL) == []
    with app.app_context():
        assert db.session.query(Registration).count() == 0
        db.session.remove()
    assert pools(app, event["id"]) == [(0, 5, 0)]


def test_snapshot_through_a_real_worker(app, events_live, token):
    """events publishes after its commit; our worker consumes from the real broker."""
    import time
    from tests.servers import start_celery_worker
    with start_celery_worker(app.extensions["celery"], ["registrations"]):
        event = make_event(events_live, app, token, deliver_snapshot=False)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and replica(app, event["id"]) is None:
            time.sleep(0.2)
    assert replica(app, event["id"])[1] == "published"
