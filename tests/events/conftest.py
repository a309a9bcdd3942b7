from urllib.parse import urlsplit, urlunsplit

import pytest
import redis as redis_lib

from services.events import create_app
from services.events.cli import create_organizer
from services.events.models import OutboxMessage, db
from shared.embedded import free_port, start_redis
from tests.conftest import clear_tables, migrate


def own_redis_db(url: str) -> str:
    """The same real Redis server, but a database index of its own, so that snapshots these
    tests publish never reach a registrations worker of another suite (which shares the
    default index) and another suite's FLUSHDB never empties a queue these tests inspect."""
    parts = urlsplit(url)
    index = parts.path.strip("/") or "0"
    mine = "14" if index != "14" else "15"
    return urlunsplit(parts._replace(path=f"/{mine}"))


@pytest.fixture(scope="session")
def events_redis_url(redis_url):
    url = own_redis_db(redis_url)
    client = redis_lib.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


# tests/shared/conftest.py imports these fixtures, which makes pytest see two definitions of
# each session fixture; both must give the same app (a second databases.url("events") would
# try to drop the database the first app is connected to).
_SESSION: dict = {}


def _once(key, factory):
    if key not in _SESSION:
        _SESSION[key] = factory()
    return _SESSION[key]


@pytest.fixture(scope="session")
def events_app(databases, events_redis_url, tmp_path_factory):
    def build():
        app = create_app({
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": databases.url("events"),
            "REDIS_URL": events_redis_url,
            "REGISTRATIONS_URL": "http://registrations.test",
            "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "events"),
        })
        migrate(app)
        return app
    return _once("events_app", build)


@pytest.fixture()
def redis_client(events_redis_url):
    client = redis_lib.Redis.from_url(events_redis_url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture()
def app(events_app, events_redis_url):
    with events_app.app_context():
        clear_tables(db)
    redis_lib.Redis.from_url(events_redis_url).flushdb()
    yield events_app
    with events_app.app_context():
        db.session.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def organizer_token(app):
    with app.app_context():
        return create_organizer("Landeshauptstadt Kiel – Referat Kreative Stadt")[1]


@pytest.fixture()
def other_token(app):
    with app.app_context():
        return create_organizer("Friedrich-Ebert-Stiftung")[1]


class OwnRedis:
    """A redis-server of this test session on a spare port, which a test may stop and start again."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        if self.process is None:
            self.process = start_redis(self.port, self.workdir)
        return self

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def client(self):
        return redis_lib.Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=5)


@pytest.fixture(scope="session")
def own_redis_server(tmp_path_factory):
    server = _once("own_redis_server", lambda: OwnRedis(tmp_path_factory.mktemp("own-redis")).start())
    yield server
    server.stop()


@pytest.fixture()
def own_redis(own_redis_server):
    own_redis_server.start()
    client = own_redis_server.client()
    client.flushdb()
    client.close()
    yield own_redis_server
    own_redis_server.start()  # a test that stopped it leaves it running for the next one


@pytest.fixture(scope="session")
def relay_app_session(events_app, own_redis_server, tmp_path_factory):
    """A second events app on the same database whose broker is a redis-server the test controls."""
    return _once("relay_app", lambda: create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": events_app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": own_redis_server.url,
        "REGISTRATIONS_URL": "http://registrations.test",
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "events-relay"),
    }))


@pytest.fixture()
def relay_app(relay_app_session, own_redis):
    with relay_app_session.app_context():
        clear_tables(db)
    yield relay_app_session
    with relay_app_session.app_context():
        db.session.remove()


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def event_body(**overrides):
    body = {
        "title": "Ideenschmiede Tiny Rathaus",
        "summary": "Brainstorming im mobilen Rathaus",
        "language": "de",
        "timezone": "Europe/Berlin",
        "starts_at": "2030-09-13T10:00:00",
        "ends_at": "2030-09-17T16:00:00",
        "format": "in_person",
        "venue": {"name": "Stadtteilbücherei Dietrichsdorf", "street": "Langer Rehm 29",
                  "postal_code": "24149", "city": "Kiel"},
        "price": {"amount_cents": 0, "currency": "EUR"},
        "contacts": [{"name": "Anne Czichowski", "email": "anne.czichowski@kiel.de", "phone": "0431/901-3086"}],
        "sessions": [{"title": "Ideenschmiede", "starts_at": "2030-09-13T10:00:00",
                      "ends_at": "2030-09-13T12:30:00", "capacity": 8, "registration": "required"}],
        "agenda": [{"starts_at": "2030-09-13T10:00:00", "title": "Begrüßung", "speakers": ["Anne Czichowski"]}],
        "registration": {"mode": "required", "closes_at": "2030-09-10T09:00:00", "capacity": 20,
                         "waitlist": True, "max_companions": 2},
    }
    body.update(overrides)
    return body


def create_event(client, token, publish=False, **overrides) -> dict:
    response = client.post("/api/v1/events", json=event_body(**overrides), headers=auth(token))
    assert response.status_code == 201, response.json
    event = response.json
    if publish:
        response = client.post(f"/api/v1/events/{event['id']}/publish", headers=auth(token))
        assert response.status_code == 200, response.json
        event = response.json
    return event


def outbox_rows(app, event_id=None) -> list:
    """The event snapshot rows of the outbox, oldest first, detached from any session."""
    with app.app_context():
        rows = db.session.query(OutboxMessage).order_by(OutboxMessage.created_at).all()
        db.session.expunge_all()
        db.session.remove()
    rows = sorted(rows, key=lambda r: (r.created_at, r.payload.get("revision", 0)))
    if event_id is not None:
        rows = [r for r in rows if r.payload.get("event_id") == event_id]
    return rows
