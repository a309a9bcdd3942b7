"""The transactional outbox against a real Redis broker: published after commit, kept while the
broker is down, relayed when it is back, re-published until acknowledged; the consumer's inbox
runs a handler once per message id."""
import base64
import json
import time
from datetime import timedelta

import pytest
from marshmallow import ValidationError

from services.events.models import OutboxMessage, ProcessedMessage, db, outbox
from shared import contract
from shared.db import utcnow
from shared.logging import current_request_id
from shared.inbox import Inbox
from shared.outbox import BACKLOG_PATIENCE
from tests.factories import auth, create_event, event_body, outbox_rows, wait_until
from tests.servers import start_celery_worker


def queued(server, queue):
    """Messages waiting in a Redis list of the kombu transport, oldest first, decoded."""
    client = server.client()
    try:
        raw = client.lrange(queue, 0, -1)
    finally:
        client.close()
    messages = []
    for item in reversed(raw):  # kombu LPUSHes and BRPOPs
        envelope = json.loads(item)
        args, kwargs, _ = json.loads(base64.b64decode(envelope["body"]))
        messages.append({"task": envelope["headers"]["task"], "id": envelope["headers"]["id"],
                         "headers": envelope["headers"], "kwargs": kwargs})
    return messages


def lose_queue(server, queue):
    """What a Redis restart without persistence does to a queue."""
    client = server.client()
    try:
        client.delete(queue)
    finally:
        client.close()


def make_due(app):
    """As if time passed: every unacknowledged row is due for the relay now."""
    with app.app_context():
        db.session.query(OutboxMessage).filter(OutboxMessage.acked_at.is_(None)).update(
            {OutboxMessage.next_attempt_at: utcnow() - timedelta(seconds=1)})
        db.session.commit()
        db.session.remove()


def relay(app):
    with app.app_context():
        try:
            return outbox.relay()
        finally:
            db.session.remove()


def wait_for(predicate):
    return wait_until(predicate, timeout=30.0, interval=0.1)


@pytest.fixture()
def token(relay_app):
    from services.events.cli import create_organizer
    with relay_app.app_context():
        return create_organizer("Referat Kreative Stadt")[1]


def test_message_is_published_after_commit_to_the_registrations_queue(relay_app, own_redis, token):
    client = relay_app.test_client()
    response = client.post("/api/v1/events", json=event_body(), headers={**auth(token), "X-Request-ID": "req-kiel-1"})
    assert response.status_code == 201
    assert response.headers["X-Request-ID"] == "req-kiel-1"
    [row] = outbox_rows(relay_app)
    assert row.published_at is not None and row.attempts == 1 and row.acked_at is None
    [message] = queued(own_redis, "registrations")
    assert message["task"] == contract.EVENT_SNAPSHOT
    assert message["id"] == row.id  # the task id is the message id: consumers deduplicate on it
    assert message["kwargs"] == {"message": row.payload}
    assert message["kwargs"]["message"]["event_id"] == response.json["id"]
    contract.validate_payload(contract.EVENT_SNAPSHOT, message["kwargs"]["message"])
    # the request id travels with the task
    assert message["headers"]["request_id"] == "req-kiel-1"
    assert row.request_id == "req-kiel-1"
    # nothing for the other queues
    assert queued(own_redis, "notifications") == [] and queued(own_redis, "events") == []


def test_a_generated_request_id_is_passed_on_too(relay_app, own_redis, token):
    response = relay_app.test_client().post("/api/v1/events", json=event_body(), headers=auth(token))
    rid = response.headers["X-Request-ID"]
    assert rid
    [message] = queued(own_redis, "registrations")
    assert message["headers"]["request_id"] == rid


def test_nothing_is_published_for_a_rolled_back_transaction(relay_app, own_redis):
    with relay_app.app_context():
        from services.events.models import Event, Organizer
        organizer = Organizer(name="X")
        db.session.add(organizer)
        db.session.flush()
        event = Event(organizer_id=organizer.id, title="Nie", starts_at=utcnow(), ends_at=utcnow())
        db.session.add(event)
        db.session.flush()
        body = {"event_id": event.id, "revision": 1, "change": {"kind": "created"},
                "event": {"id": event.id, "title": "Nie", "language": "de", "timezone": "Europe/Berlin",
                          "starts_at": "2030-01-01T10:00:00+01:00", "ends_at": "2030-01-01T11:00:00+01:00",
                          "format": "online", "organizer": {"id": organizer.id, "name": "X"},
                          "registration": {"mode": "none", "waitlist": False, "approval": False,
                                           "max_companions": 0}, "status": "draft"}}
        outbox.put(contract.EVENT_SNAPSHOT, body)
        db.session.rollback()
        # a later, unrelated commit must not publish the forgotten message
        db.session.add(Organizer(name="Y"))
        db.session.commit()
        db.session.remove()
    assert outbox_rows(relay_app) == []
    assert queued(own_redis, "registrations") == []


def test_a_message_put_first_thing_after_a_commit_is_forgotten_by_a_rollback(relay_app, own_redis, token):
    """The rows wait in the session until its commit: a put must begin the transaction it
    belongs to, or a rollback right after it would not reach them."""
    create_event(relay_app.test_client(), token, title="Vorlage")
    [template] = outbox_rows(relay_app)
    body = {k: v for k, v in template.payload.items() if k not in ("message_id", "schema_version", "origin")}
    with relay_app.app_context():
        db.session.commit()
        outbox.put(contract.EVENT_SNAPSHOT, body)
        db.session.rollback()
        db.session.commit()  # nothing to commit: the message must not come back here
        db.session.remove()
    assert [r.id for r in outbox_rows(relay_app)] == [template.id]
    assert [m["id"] for m in queued(own_redis, "registrations")] == [template.id]


def test_put_refuses_a_savepoint(relay_app, own_redis, token):
    create_event(relay_app.test_client(), token, title="Vorlage")
    [template] = outbox_rows(relay_app)
    body = {k: v for k, v in template.payload.items() if k not in ("message_id", "schema_version", "origin")}
    with relay_app.app_context():
        with db.session.begin_nested():
            with pytest.raises(RuntimeError, match="nested"):
                outbox.put(contract.EVENT_SNAPSHOT, body)
        db.session.rollback()
        db.session.remove()


def test_a_malformed_message_fails_inside_the_transaction(relay_app):
    with relay_app.app_context():
        with pytest.raises(ValidationError):
            outbox.put(contract.EVENT_SNAPSHOT, {"event_id": 1, "revision": 0, "change": {"kind": "moved"}})
        with pytest.raises(ValueError):
            outbox.put("registrations.unknown_task", {})
        db.session.rollback()
        db.session.remove()


def test_broker_down_then_back(relay_app, own_redis, token):
    client = relay_app.test_client()
    own_redis.stop()
    try:
        response = client.post("/api/v1/events", json=event_body(),
                               headers={**auth(token), "X-Request-ID": "req-while-down"})
        # the API answers although the broker is unreachable; the row waits in the database
        assert response.status_code == 201, response.json
        [row] = outbox_rows(relay_app)
        assert row.published_at is None and row.acked_at is None
        assert row.next_attempt_at > row.created_at  # due for the relay later
        attempts = row.attempts
        # the readiness probe tells
        assert client.get("/readyz").status_code == 503
        # the relay cannot do better while the broker is down
        make_due(relay_app)
        assert relay(relay_app) == 0
        [row] = outbox_rows(relay_app)
        assert row.published_at is None and row.attempts == attempts + 1
        assert "connect" in row.last_error.lower()
    finally:
        own_redis.start()  # same port, empty (no persistence)
    assert client.get("/readyz").status_code == 200

    make_due(relay_app)
    assert wait_for(lambda: relay(relay_app)) == 1
    [row] = outbox_rows(relay_app)
    assert row.published_at is not None and row.last_error is None and row.acked_at is None
    [message] = queued(own_redis, "registrations")
    assert message["id"] == row.id
    assert message["kwargs"]["message"]["event_id"] == response.json["id"]
    assert message["headers"]["request_id"] == "req-while-down"
    # published and not yet acknowledged: the relay leaves it alone until the ack timeout
    assert relay(relay_app) == 0
    assert len(queued(own_redis, "registrations")) == 1


def test_unacknowledged_messages_are_republished_until_acknowledged(relay_app, own_redis, token, monkeypatch):
    monkeypatch.setitem(relay_app.config, "OUTBOX_ACK_TIMEOUT_SECONDS", 30)
    client = relay_app.test_client()
    event = create_event(client, token)
    [row] = outbox_rows(relay_app)
    assert row.attempts == 1
    [first] = queued(own_redis, "registrations")
    # not acknowledged within the ack timeout, but its queue still holds it (nobody consumed
    # yet): a copy would only lengthen the backlog
    make_due(relay_app)
    assert relay(relay_app) == 0
    assert len(queued(own_redis, "registrations")) == 1
    # the broker lost it (a Redis restart without persistence empties the queues): sent again,
    # same message id and body
    lose_queue(own_redis, "registrations")
    make_due(relay_app)
    assert relay(relay_app) == 1
    [second] = queued(own_redis, "registrations")
    assert first["id"] == second["id"] == row.id
    assert first["kwargs"] == second["kwargs"]
    [row] = outbox_rows(relay_app)
    assert row.attempts == 2 and row.acked_at is None

    # the consumer's acknowledgement, processed by a real events worker
    celery = relay_app.extensions["celery"]
    with start_celery_worker(celery, ["events"]):
        celery.send_task(contract.outbox_ack_task("events"), kwargs={"message_id": row.id}, queue="events")
        wait_for(lambda: outbox_rows(relay_app)[0].acked_at is not None)
    lose_queue(own_redis, "registrations")
    make_due(relay_app)
    assert relay(relay_app) == 0  # acknowledged: never again
    assert queued(own_redis, "registrations") == []
    with relay_app.app_context():
        assert outbox.backlog() == 0
        db.session.remove()
    assert event["id"] == row.payload["event_id"]


def test_a_backlog_postpones_resending_but_a_lost_message_is_sent_once_its_queue_is_empty(
        relay_app, own_redis, token, monkeypatch):
    """Consumers behind by more than the ack timeout: the relay does not pile copies onto the
    backlog; each row waits one more ack timeout (attempts unchanged) and goes out again only
    when its queue has emptied without an acknowledgement arriving."""
    monkeypatch.setitem(relay_app.config, "OUTBOX_ACK_TIMEOUT_SECONDS", 30)
    client = relay_app.test_client()
    for title in ("Erster", "Zweiter", "Dritter"):
        create_event(client, token, title=title)
    assert len(queued(own_redis, "registrations")) == 3
    make_due(relay_app)
    before = utcnow()
    assert relay(relay_app) == 0
    assert len(queued(own_redis, "registrations")) == 3
    rows = outbox_rows(relay_app)
    assert all(r.attempts == 1 and r.next_attempt_at >= before + timedelta(seconds=29) for r in rows)

    # the consumer took two and acknowledged them; the third was lost with its worker
    with relay_app.app_context():
        outbox.acknowledge(rows[0].id, rows[1].id)
        db.session.remove()
    lose_queue(own_redis, "registrations")
    make_due(relay_app)
    assert relay(relay_app) == 1
    [again] = queued(own_redis, "registrations")
    assert again["id"] == rows[2].id


def test_a_queue_that_never_empties_holds_a_lost_message_back_only_so_long(relay_app, own_redis, token,
                                                                           monkeypatch):
    """Steady traffic keeps a queue from ever being empty; a message lost there still goes out
    again once it has waited BACKLOG_PATIENCE ack timeouts since its publish."""
    monkeypatch.setitem(relay_app.config, "OUTBOX_ACK_TIMEOUT_SECONDS", 30)
    client = relay_app.test_client()
    create_event(client, token, title="Verloren")
    lose_queue(own_redis, "registrations")
    create_event(client, token, title="Ständiger Betrieb")  # the queue is never empty
    lost, busy = outbox_rows(relay_app)
    with relay_app.app_context():
        outbox.acknowledge(busy.id)  # consumed and acknowledged; its queue entry stands for new traffic
        almost = utcnow() - timedelta(seconds=30 * BACKLOG_PATIENCE - 5)
        db.session.query(OutboxMessage).update({OutboxMessage.published_at: almost})
        db.session.commit()
        db.session.remove()
    make_due(relay_app)
    assert relay(relay_app) == 0  # not yet: it may still be in the backlog
    with relay_app.app_context():
        db.session.query(OutboxMessage).update(
            {OutboxMessage.published_at: utcnow() - timedelta(seconds=30 * BACKLOG_PATIENCE + 1)})
        db.session.commit()
        db.session.remove()
    make_due(relay_app)
    assert relay(relay_app) == 1
    assert [m["id"] for m in queued(own_redis, "registrations")] == [busy.id, lost.id]


def test_relay_task_runs_on_a_worker(relay_app, own_redis, token):
    """The periodic `events.relay_outbox` (beat) does the same as a direct relay."""
    celery = relay_app.extensions["celery"]
    assert celery.conf.beat_schedule[contract.relay_task("events")]["task"] == "events.relay_outbox"
    own_redis.stop()
    try:
        create_event(relay_app.test_client(), token)
    finally:
        own_redis.start()
    make_due(relay_app)
    with start_celery_worker(celery, ["events"]):
        celery.send_task(contract.relay_task("events"), queue="events")
        wait_for(lambda: outbox_rows(relay_app)[0].published_at is not None)
    assert [m["task"] for m in queued(own_redis, "registrations")] == [contract.EVENT_SNAPSHOT]


def test_acknowledge_directly_and_backlog(relay_app, own_redis, token):
    client = relay_app.test_client()
    create_event(client, token, publish=True)
    rows = outbox_rows(relay_app)
    assert len(rows) == 2
    with relay_app.app_context():
        assert outbox.backlog() == 2
        outbox.acknowledge(rows[0].id)
        outbox.acknowledge(rows[0].id)  # twice is harmless
        assert outbox.backlog() == 1
        assert outbox.stuck(timedelta(seconds=0)) == 1
        assert outbox.stuck(timedelta(hours=1)) == 0
        db.session.remove()
    acked = [r for r in outbox_rows(relay_app) if r.id == rows[0].id][0]
    assert acked.acked_at is not None


def test_acknowledged_rows_are_purged_after_retention(relay_app, own_redis, token):
    create_event(relay_app.test_client(), token)
    [row] = outbox_rows(relay_app)
    with relay_app.app_context():
        db.session.query(OutboxMessage).update({OutboxMessage.acked_at: utcnow() - timedelta(days=8)})
        db.session.commit()
        relay_outcome = outbox.relay()
        db.session.remove()
    assert relay_outcome == 0
    assert outbox_rows(relay_app) == []


# ---- consumer side ---------------------------------------------------------------------------
def snapshot_message(relay_app, token):
    create_event(relay_app.test_client(), token)
    [row] = outbox_rows(relay_app)
    return row.payload


def test_inbox_runs_the_handler_once_per_message_id(relay_app, own_redis, token):
    message = snapshot_message(relay_app, token)
    inbox = Inbox(db, ProcessedMessage)
    seen = []
    with relay_app.app_context():
        assert inbox.consume(contract.EVENT_SNAPSHOT, message, seen.append) is True
        assert inbox.consume(contract.EVENT_SNAPSHOT, dict(message), seen.append) is False
        assert db.session.get(ProcessedMessage, message["message_id"]) is not None
        db.session.remove()
    assert len(seen) == 1
    assert seen[0]["event_id"] == message["event_id"]
    # each delivery is acknowledged to the origin, the duplicate too
    acks = queued(own_redis, "events")
    assert [a["task"] for a in acks] == ["events.outbox_ack", "events.outbox_ack"]
    assert {a["kwargs"]["message_id"] for a in acks} == {message["message_id"]}


def test_inbox_handler_failure_leaves_the_message_unprocessed(relay_app, own_redis, token):
    message = snapshot_message(relay_app, token)
    inbox = Inbox(db, ProcessedMessage)

    def broken(data):
        raise RuntimeError("database hiccup")

    with relay_app.app_context():
        with pytest.raises(RuntimeError):
            inbox.consume(contract.EVENT_SNAPSHOT, message, broken)
        assert db.session.get(ProcessedMessage, message["message_id"]) is None
        ran = []
        assert inbox.consume(contract.EVENT_SNAPSHOT, message, ran.append) is True  # the redelivery works
        assert len(ran) == 1
        db.session.remove()
    assert len(queued(own_redis, "events")) == 1  # no ack for the failed attempt


def test_inbox_drops_an_invalid_message_and_acknowledges_it(relay_app, own_redis):
    inbox = Inbox(db, ProcessedMessage)
    called = []
    bad = {"message_id": "m-123456789", "schema_version": 1, "origin": "events", "event_id": "x"}
    with relay_app.app_context():
        assert inbox.consume(contract.EVENT_SNAPSHOT, bad, called.append) is False
        db.session.remove()
    assert called == []
    [ack] = queued(own_redis, "events")
    assert ack["kwargs"] == {"message_id": "m-123456789"}


def test_a_dead_broker_is_tried_once_per_relay_run(relay_app, own_redis, token):
    """Not once per waiting message: the relay holds a transaction while it publishes."""
    client = relay_app.test_client()
    own_redis.stop()
    try:
        for title in ("Erster", "Zweiter", "Dritter"):
            create_event(client, token, title=title)
        make_due(relay_app)
        assert relay(relay_app) == 0
        rows = outbox_rows(relay_app)
        assert len(rows) == 3
        # each failed once right after its commit; the relay run tried only the first one again
        assert all(r.last_error and r.published_at is None for r in rows)
        assert sorted(r.attempts for r in rows) == [1, 1, 2]
    finally:
        own_redis.start()
    make_due(relay_app)
    assert relay(relay_app) == 3
    assert {m["kwargs"]["message"]["event"]["title"] for m in queued(own_redis, "registrations")} == \
        {"Erster", "Zweiter", "Dritter"}


def fake_registrations_celery(relay_app, own_redis, tmp_path):
    """The Celery app of a stand-in registrations service (its tasks are the test's own),
    on the events test database and the test's Redis."""
    from flask import Flask
    from shared.celery import make_celery
    consumer_app = Flask("fake_registrations")
    consumer_app.config.update(
        SERVICE_NAME="registrations", REDIS_URL=own_redis.url, OUTBOX_RELAY_SECONDS=60,
        SQLALCHEMY_DATABASE_URI=relay_app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS=relay_app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        CELERY_BEAT_SCHEDULE_FILE=str(tmp_path / "beat"))
    db.init_app(consumer_app)
    return make_celery(consumer_app)


def test_full_loop_through_real_workers(relay_app, own_redis, token, tmp_path):
    """events publishes → a registrations-side worker consumes it through the Inbox (twice
    delivered, once handled) → its ack comes back → an events worker marks the row acknowledged."""
    consumer = fake_registrations_celery(relay_app, own_redis, tmp_path)
    inbox = Inbox(db, ProcessedMessage)
    handled = []

    @consumer.task(name=contract.EVENT_SNAPSHOT, shared=False)
    def event_snapshot(message):
        # the task runs with the request id of the HTTP request that caused the message
        inbox.consume(contract.EVENT_SNAPSHOT, message, lambda data: handled.append((data, current_request_id())))

    event = create_event(relay_app.test_client(), token)
    [row] = outbox_rows(relay_app)
    # a redelivery of the same message (as after a broker restart) must have no second effect
    relay_app.extensions["celery"].send_task(row.task_name, kwargs={"message": row.payload}, task_id=row.id,
                                             queue="registrations", headers={"request_id": row.request_id})
    events_celery = relay_app.extensions["celery"]
    # one worker at a time: two celery test workers in one process get in each other's way
    with start_celery_worker(consumer, ["registrations"]):
        wait_for(lambda: queued(own_redis, "registrations") == [] and len(queued(own_redis, "events")) == 2)
    assert outbox_rows(relay_app)[0].acked_at is None
    with start_celery_worker(events_celery, ["events"]):
        wait_for(lambda: outbox_rows(relay_app)[0].acked_at is not None)
        wait_for(lambda: queued(own_redis, "events") == [])
    assert [(data["event_id"], rid) for data, rid in handled] == [(event["id"], row.request_id)]
    assert row.request_id
    with relay_app.app_context():
        assert db.session.get(ProcessedMessage, row.id).task_name == contract.EVENT_SNAPSHOT
        db.session.remove()


def test_messages_of_one_commit_travel_as_one_batch_and_are_acknowledged_together(relay_app, own_redis, token,
                                                                                   tmp_path):
    """Two messages for one queue in one transaction: one broker message; a worker of the
    consuming side handles each once (a failing one does not stop the other), and one
    acknowledgement goes back for those that took effect."""
    create_event(relay_app.test_client(), token)
    create_event(relay_app.test_client(), token)
    first, second = [row.payload for row in outbox_rows(relay_app)]
    with relay_app.app_context():
        db.session.query(OutboxMessage).delete()
        db.session.commit()
        db.session.remove()
    own_redis.client().flushdb()
    with relay_app.app_context():
        bodies = [{k: v for k, v in m.items() if k not in ("message_id", "schema_version", "origin")}
                  for m in (first, second)]
        ids = [outbox.put(contract.EVENT_SNAPSHOT, body) for body in bodies]
        db.session.commit()
        db.session.remove()
    [batch] = queued(own_redis, "registrations")
    assert batch["task"] == contract.batch_task("registrations")
    assert [(m["task"], m["message"]["message_id"]) for m in batch["kwargs"]["messages"]] == \
        [(contract.EVENT_SNAPSHOT, ids[0]), (contract.EVENT_SNAPSHOT, ids[1])]

    consumer = fake_registrations_celery(relay_app, own_redis, tmp_path)
    inbox = Inbox(db, ProcessedMessage)
    handled = []

    @consumer.task(name=contract.EVENT_SNAPSHOT, shared=False)
    def event_snapshot(message):
        def handler(data):
            if data["message_id"] == ids[0] and not any(h == "failed once" for h in handled):
                handled.append("failed once")
                raise RuntimeError("a handler that fails the first time")
            handled.append(data["message_id"])
        inbox.consume(contract.EVENT_SNAPSHOT, message, handler)

    with start_celery_worker(consumer, ["registrations"]):
        wait_for(lambda: queued(own_redis, "registrations") == [] and queued(own_redis, "events"))
        time.sleep(0.5)
    assert handled == ["failed once", ids[1]]
    [ack] = queued(own_redis, "events")  # one acknowledgement, for the message that took effect
    assert ack["task"] == "events.outbox_ack" and ack["kwargs"] == {"message_id": ids[1]}

    # the failed one comes back alone through the relay, then both are acknowledged
    make_due(relay_app)
    with relay_app.app_context():
        db.session.query(OutboxMessage).filter(OutboxMessage.id == ids[1]).update(
            {OutboxMessage.next_attempt_at: utcnow() + timedelta(hours=1)})
        db.session.commit()
        db.session.remove()
    assert relay(relay_app) == 1
    [again] = queued(own_redis, "registrations")
    assert again["task"] == contract.EVENT_SNAPSHOT and again["id"] == ids[0]
    with start_celery_worker(consumer, ["registrations"]):
        wait_for(lambda: queued(own_redis, "registrations") == [] and len(queued(own_redis, "events")) == 2)
    assert handled == ["failed once", ids[1], ids[0]]
    with start_celery_worker(relay_app.extensions["celery"], ["events"]):
        wait_for(lambda: all(row.acked_at is not None for row in outbox_rows(relay_app)))
    with relay_app.app_context():
        assert outbox.backlog() == 0
        db.session.remove()


def test_an_acknowledgement_for_several_messages_marks_them_all(relay_app, own_redis, token):
    create_event(relay_app.test_client(), token)
    create_event(relay_app.test_client(), token)
    rows = outbox_rows(relay_app)
    celery = relay_app.extensions["celery"]
    with start_celery_worker(celery, ["events"]):
        celery.send_task(contract.outbox_ack_task("events"), kwargs={"message_ids": [r.id for r in rows]},
                         queue="events")
        wait_for(lambda: all(row.acked_at is not None for row in outbox_rows(relay_app)))


def test_the_broker_connection_speaks_resp2(relay_app, own_redis):
    """redis-py 8 speaks RESP3 unless told otherwise, and kombu's pub/sub reader (a worker's
    broadcast channel) then blocked in recv() for good: the worker consumed nothing more and
    could not be stopped (seen in CI). pyproject.toml keeps redis-py below 8; this notices if
    the broker connection ever negotiates RESP3 again."""
    from redis.connection import DEFAULT_RESP_VERSION  # where 7.x and 8.x both define it
    celery = relay_app.extensions["celery"]
    with celery.connection_for_write() as conn:
        client = conn.default_channel.client
        assert client.ping()
        protocol = client.connection_pool.connection_kwargs.get("protocol") or DEFAULT_RESP_VERSION
    assert int(protocol) == 2
