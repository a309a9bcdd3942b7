"""`celery -A services.events.worker worker -Q events` finds the events Celery app with its tasks."""
import importlib
import sys

from celery import Celery
from celery.app.utils import find_app


def test_worker_module_gives_celery_the_events_app(monkeypatch, tmp_path, events_redis_url):
    monkeypatch.setenv("EVENTS_DATABASE_URL", f"sqlite:///{tmp_path / 'worker.sqlite3'}")
    monkeypatch.setenv("REDIS_URL", events_redis_url)
    monkeypatch.delitem(sys.modules, "services.events.worker", raising=False)
    module = importlib.import_module("services.events.worker")
    try:
        celery = find_app("services.events.worker")  # what `-A services.events.worker` resolves to
        assert isinstance(celery, Celery)
        assert celery is module.celery
        assert celery.main == "events"
        assert celery.conf.broker_url == events_redis_url
        assert celery.conf.task_default_queue == "events"
        assert {"events.relay_outbox", "events.outbox_ack"} <= set(celery.tasks)
        assert module.flask_app.config["SQLALCHEMY_DATABASE_URI"].endswith("worker.sqlite3")
    finally:
        sys.modules.pop("services.events.worker", None)
