import pytest
import redis as redis_lib

from services.events import create_app
from services.events.cli import create_organizer
from services.events.models import db
from shared.embedded import free_port, start_redis
# the shared helpers stay importable from here too, for tests written before tests/factories.py
from tests.factories import auth, create_event, event_body, outbox_rows  # noqa: F401
from tests.servers import emptied, migrate, own_redis_database


@pytest.fixture(scope="session")
def events_redis_url(redis_url):
    # snapshots these tests publish never reach a registrations worker of another suite
    with own_redis_database(redis_url, 14) as url:
        yield url


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
    redis_lib.Redis.from_url(events_redis_url).flushdb()
    with emptied(events_app, db):
        yield events_app


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
    with emptied(relay_app_session, db):
        yield relay_app_session
