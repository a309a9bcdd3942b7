"""/healthz, /readyz and /metrics for every service, plus request metrics."""
from __future__ import annotations

import os
import time

import redis
from flask import Blueprint, Response, current_app, g, jsonify, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest, multiprocess)
from sqlalchemy import text

HTTP_REQUESTS = Counter("civic_http_requests_total", "HTTP requests answered",
                        ["service", "method", "endpoint", "status"])
HTTP_LATENCY = Histogram("civic_http_request_duration_seconds", "HTTP request latency",
                         ["service", "endpoint"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
OUTBOX_BACKLOG = Gauge("civic_outbox_backlog", "Outbox messages not yet acknowledged by their consumer", ["service"],
                       multiprocess_mode="mostrecent")


def metrics_registry():
    """With several processes (gunicorn workers, a Celery worker beside them) each keeps its own
    counters; PROMETHEUS_MULTIPROC_DIR makes them write to files that one scrape adds up."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def check_database(db) -> str | None:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return f"database: {exc.__class__.__name__}"
    return None


def check_broker(url: str) -> str | None:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return f"broker: {exc.__class__.__name__}"
    return None


def init_health(app, db, outbox=None) -> None:
    service = app.config["SERVICE_NAME"]
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=service)

    @bp.get("/readyz")
    def readyz():
        # the workspace has no database of its own (db None)
        database = check_database(db) if db is not None else None
        problems = [p for p in (database, check_broker(current_app.config["REDIS_URL"])) if p]
        if problems:
            return jsonify(status="unavailable", service=service, problems=problems), 503
        return jsonify(status="ready", service=service)

    @bp.get("/metrics")
    def metrics():
        if outbox is not None:
            try:
                OUTBOX_BACKLOG.labels(service).set(outbox.backlog())
            except Exception:
                pass
        return Response(generate_latest(metrics_registry()), mimetype=CONTENT_TYPE_LATEST)

    app.register_blueprint(bp)

    @app.before_request
    def _start_timer():
        g._started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("_started", None)
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        if started is not None:
            HTTP_LATENCY.labels(service, endpoint).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(service, request.method, endpoint, str(response.status_code)).inc()
        return response
