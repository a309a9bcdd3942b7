"""kombu's Redis transport, with one client object per channel for its plain commands.

kombu builds a new `redis.Redis` for every publish, acknowledgement and queue-length query
(`Channel.conn_or_acquire`): the connection comes from the channel's pool, but the client's
construction (its table of response callbacks) cost about a twentieth of a sign-up's web CPU.
A client object holds no connection of its own and is safe across threads, so the channel
keeps one. Used by every service: `broker_transport` in shared/celery.py."""
from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property

from kombu.transport import redis


class Channel(redis.Channel):
    @contextmanager
    def conn_or_acquire(self, client=None):
        yield client or self._plain_client

    @cached_property
    def _plain_client(self):
        return self._create_client()


class Transport(redis.Transport):
    Channel = Channel
