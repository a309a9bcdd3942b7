"""The shared helpers are tested through their real user, the events service: its fixtures are reused."""
from tests.events.conftest import (  # noqa: F401
    app, client, events_app, events_redis_url, organizer_token, other_token, own_redis, own_redis_server,
    redis_client, relay_app, relay_app_session, runner,
)
