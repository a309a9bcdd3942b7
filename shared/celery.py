"""The one way a service builds its Celery app."""
from __future__ import annotations

import logging

from celery import Celery, Task, bootsteps
from celery.signals import before_task_publish
from click import Option

from shared.contract import SERVICES, queue_of, relay_task
from shared.logging import current_request_id, request_id_var

log = logging.getLogger(__name__)


def route_by_prefix(name, args, kwargs, options, task=None, **kw):
    if name.split(".", 1)[0] in SERVICES:
        return {"queue": queue_of(name)}
    return None


@before_task_publish.connect
def _pass_request_id(headers=None, **kwargs):
    # every message carries the request id of the HTTP request (or task) that caused it
    if headers is not None and not headers.get("request_id"):
        rid = current_request_id()
        if rid:
            headers["request_id"] = rid


class ThreadedBeat(bootsteps.StartStopStep):
    """`celery worker --beat-thread`: the beat scheduler in a thread of the worker. `--beat`
    forks a process for it, a whole interpreter more (about 50 MB of PSS per service); the
    embedded run (deploy/local/run.py) starts one worker per service and counts every one."""
    label = "ThreadedBeat"
    conditional = True

    def __init__(self, w, beat_thread=False, **kwargs):
        self.enabled = bool(beat_thread)
        super().__init__(w, **kwargs)

    def create(self, w):
        from celery.beat import EmbeddedService
        return EmbeddedService(w.app, thread=True, schedule_filename=w.schedule_filename, scheduler_cls=w.scheduler)


def _seconds_or_none(value) -> float | None:
    return None if value in (None, "", "none", "None") else float(value)


def make_celery(app) -> Celery:
    """Celery app for one Flask app: JSON only, late acks, own queue, tasks in app context."""
    service = app.config["SERVICE_NAME"]

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            rid = getattr(self.request, "request_id", None) or (self.request.headers or {}).get("request_id")
            # a task run inside another (a message of a batch) keeps the request id of the batch
            token = request_id_var.set(rid or self.request.id or request_id_var.get())
            try:
                with app.app_context():
                    return self.run(*args, **kwargs)
            finally:
                request_id_var.reset(token)

    celery = Celery(service, task_cls=FlaskTask, set_as_current=False)
    celery.conf.update(
        broker_url=app.config["REDIS_URL"],
        broker_transport="shared.broker:Transport",  # kombu's Redis transport, one client per channel
        result_backend=None,
        task_ignore_result=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # a task is acknowledged only when it finished; a killed worker child gives it back
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=service,
        task_routes=(route_by_prefix,),
        task_create_missing_queues=True,
        broker_connection_retry_on_startup=True,
        # the broker is not the source of truth: fail a publish fast, the outbox relay sends it later
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
        broker_transport_options={
            # unacknowledged messages come back after this (Redis transport); sweepers cover the rest
            "visibility_timeout": int(app.config.get("BROKER_VISIBILITY_TIMEOUT", 600)),
            "socket_connect_timeout": 2,
            # no read timeout by default (kombu's own default): a consumer's blocking read may
            # rightly wait longer than any fixed value, and when it timed out, kombu's reconnect
            # killed the consumer outright ("I/O operation on closed file"). A Redis that is down
            # still fails at once (connect timeout above, or refused/reset).
            "socket_timeout": _seconds_or_none(app.config.get("BROKER_SOCKET_TIMEOUT")),
        },
        broker_connection_timeout=2,
        worker_hijack_root_logger=False,
        beat_schedule={
            relay_task(service): {"task": relay_task(service), "schedule": app.config["OUTBOX_RELAY_SECONDS"]},
        },
        beat_schedule_filename=app.config.get("CELERY_BEAT_SCHEDULE_FILE", f"var/celerybeat-{service}"),
    )
    celery.conf.update(app.config.get("CELERY", {}))
    celery.user_options["worker"].add(Option(["--beat-thread"], is_flag=True, default=False,
                                             help="Run the beat scheduler in a thread of this worker."))
    celery.steps["worker"].add(ThreadedBeat)
    from shared.inbox import register_batch_consumer
    register_batch_consumer(celery, service)
    app.extensions["celery"] = celery
    return celery
