"""The message contract and the Celery helper every service uses."""
import pytest
from celery import Celery
from marshmallow import ValidationError

from shared import contract
from shared.celery import route_by_prefix


def envelope(**extra):
    return {"message_id": "0123456789abcdef", "schema_version": 1, "origin": "events", **extra}


def snapshot_event(**extra):
    event = {"id": 1, "title": "Tiny Rathaus", "language": "de", "timezone": "Europe/Berlin",
             "starts_at": "2030-09-13T10:00:00+02:00", "ends_at": "2030-09-17T16:00:00+02:00",
             "format": "in_person", "organizer": {"id": 1, "name": "Kiel"},
             "contacts": [{"name": "Anne Czichowski", "role": "Referat", "email": "a@kiel.de", "phone": None}],
             "sessions": [{"id": 3, "title": "Ideenschmiede", "starts_at": "2030-09-13T10:00:00+02:00",
                           "ends_at": "2030-09-13T12:30:00+02:00", "capacity": 8, "registration": "required"}],
             "registration": {"mode": "required", "opens_at": None, "closes_at": "2030-09-10T09:00:00+02:00",
                              "capacity": 20, "waitlist": True, "approval": False, "max_companions": 2,
                              "questions": []},
             "status": "published", "revision": 2, "tags": ["x"]}
    event.update(extra)
    return event


def test_every_cross_service_task_has_a_schema_and_a_queue():
    for name in (contract.EVENT_SNAPSHOT, contract.REGISTRATION_MAIL, contract.CONTACT_MAIL,
                 contract.EVENT_CHANGE_MAIL, contract.ERASE_PERSON):
        assert name in contract.SCHEMAS
        assert contract.queue_of(name) in contract.SERVICES
    assert contract.queue_of(contract.EVENT_SNAPSHOT) == "registrations"
    assert contract.queue_of(contract.REGISTRATION_MAIL) == "notifications"
    assert contract.outbox_ack_task("events") == "events.outbox_ack"
    assert contract.relay_task("registrations") == "registrations.relay_outbox"


def test_queue_of_refuses_a_task_outside_the_services():
    with pytest.raises(ValueError):
        contract.queue_of("celery.backend_cleanup")
    with pytest.raises(ValueError):
        contract.validate_payload("registrations.not_in_the_contract", envelope())


def test_event_snapshot_validates_and_keeps_extra_event_fields():
    data = contract.validate_payload(contract.EVENT_SNAPSHOT, envelope(
        event_id=1, revision=2, change={"kind": "updated", "time_changed": True}, event=snapshot_event()))
    assert data["change"] == {"kind": "updated", "time_changed": True, "place_changed": False}
    assert data["event"]["tags"] == ["x"] and data["event"]["revision"] == 2  # passed through
    assert data["event"]["reminder_hours_before"] == 24  # default for older senders


@pytest.mark.parametrize("broken, field", [
    ({"message_id": "short"}, "message_id"),
    ({"origin": "billing"}, "origin"),
    ({"schema_version": 0}, "schema_version"),
    ({"revision": 0}, "revision"),
    ({"change": {"kind": "moved"}}, "change"),
    ({"event": snapshot_event(status="archived")}, "event"),
    ({"event": snapshot_event(registration={"mode": "required"})}, "event"),
])
def test_event_snapshot_rejects_broken_messages(broken, field):
    message = envelope(event_id=1, revision=2, change={"kind": "created"}, event=snapshot_event())
    message.update(broken)
    with pytest.raises(ValidationError) as error:
        contract.validate_payload(contract.EVENT_SNAPSHOT, message)
    assert field in error.value.messages


def test_mail_messages():
    registrant = {"name": "Ada", "email": "ada@example.org"}
    registration = {"id": "r1", "status": "confirmed"}
    mail = contract.validate_payload(contract.REGISTRATION_MAIL, envelope(
        origin="registrations", kind="confirmed", registrant=registrant, registration=registration,
        event=snapshot_event()))
    assert mail["registrant"]["locale"] is None and mail["links"] == {}
    with pytest.raises(ValidationError) as error:
        contract.validate_payload(contract.REGISTRATION_MAIL, envelope(
            origin="registrations", kind="confirmed", registrant={"name": "Ada", "email": "not-an-address"},
            registration=registration, event=snapshot_event()))
    assert "registrant" in error.value.messages
    with pytest.raises(ValidationError):
        contract.validate_payload(contract.CONTACT_MAIL, envelope(origin="registrations", kind="gossip",
                                                                  event=snapshot_event()))
    erase = contract.validate_payload(contract.ERASE_PERSON, envelope(
        origin="registrations", email="ada@example.org", organizer_id=1, event_ids=[1, 2]))
    assert erase["event_ids"] == [1, 2]


def test_snapshot_from_the_events_service_fits_the_contract(app, client, organizer_token):
    from services.events.models import Event, db
    from services.events import domain
    from tests.factories import create_event
    created = create_event(client, organizer_token, publish=True)
    with app.app_context():
        event = db.session.get(Event, created["id"])
        body = domain.snapshot_body(event, "updated", time_changed=True)
        db.session.remove()
    data = contract.validate_payload(contract.EVENT_SNAPSHOT, envelope(**body))
    assert data["event"]["id"] == created["id"] and data["change"]["time_changed"] is True


# ---- shared.celery ---------------------------------------------------------------------------
def test_celery_app_of_a_service(app):
    celery = app.extensions["celery"]
    conf = celery.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.task_default_queue == "events"
    assert conf.broker_url == app.config["REDIS_URL"]
    assert conf.task_ignore_result is True
    assert contract.relay_task("events") in conf.beat_schedule
    assert conf.beat_schedule[contract.relay_task("events")]["schedule"] == app.config["OUTBOX_RELAY_SECONDS"]
    celery.loader.import_default_modules()
    assert {"events.relay_outbox", "events.outbox_ack"} <= set(celery.tasks)


def test_routing_by_task_name_prefix():
    assert route_by_prefix("notifications.registration_mail", (), {}, {}) == {"queue": "notifications"}
    assert route_by_prefix("registrations.event_snapshot", (), {}, {}) == {"queue": "registrations"}
    assert route_by_prefix("events.outbox_ack", (), {}, {}) == {"queue": "events"}
    assert route_by_prefix("celery.chord_unlock", (), {}, {}) is None


def test_outbox_tasks_are_not_shared_with_other_celery_apps(app):
    """Another service's Celery app in the same process must not get the events tasks."""
    app.extensions["celery"].tasks  # finalize the events app first
    other = Celery("registrations", set_as_current=False)
    other.finalize()
    assert not any(name.startswith("events.") for name in other.tasks)
