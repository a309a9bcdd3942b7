"""Errors as JSON without stack traces, health probes, metrics, OpenAPI, request ids in logs."""
import io
import json
import logging

import pytest
from openapi_spec_validator import validate

from services.events import create_app
from shared.embedded import free_port
from shared.logging import JsonFormatter, RequestIdFilter

ERROR_KEYS = {"code", "message", "errors"}


@pytest.fixture(scope="module")
def crash_app(events_app, tmp_path_factory):
    """A fresh events app (not in testing mode) with routes that fail and log."""
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": events_app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": events_app.config["REDIS_URL"],
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "crash"),
    })

    @app.get("/boom")
    def boom():
        secret = "s3cr3t-connection-string"
        raise RuntimeError(f"database password {secret} leaked in a traceback")

    @app.get("/say")
    def say():
        logging.getLogger("tests.shared").warning("something worth a line")
        return {"ok": True}

    return app


def test_unhandled_error_is_a_json_500_without_stack_trace(crash_app, caplog):
    response = crash_app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.is_json
    assert set(response.json) == ERROR_KEYS
    assert response.json["code"] == "internal_error"
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "RuntimeError", "s3cr3t", "boom", ".py"):
        assert leak not in text
    # ...but the operator sees it in the log
    assert any(r.exc_info and "s3cr3t" in str(r.exc_info[1]) for r in caplog.records)


def test_unknown_url_and_wrong_method(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and set(missing.json) == ERROR_KEYS
    assert missing.json["code"] == "not_found"
    wrong = client.delete("/api/v1/events")
    assert wrong.status_code == 405 and set(wrong.json) == ERROR_KEYS
    assert "GET" in wrong.headers["Allow"] and "POST" in wrong.headers["Allow"]


def test_too_large_body_is_413_json(client, organizer_token):
    response = client.post("/api/v1/events", data=b"{" + b" " * (300 * 1024) + b"}",
                           headers={"Authorization": f"Bearer {organizer_token}", "Content-Type": "application/json"})
    assert response.status_code == 413
    assert set(response.json) == ERROR_KEYS


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "service": "events"}


def test_readyz_when_database_and_broker_are_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready"


def test_readyz_is_503_when_the_broker_is_unreachable(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert [p.split(":")[0] for p in response.json["problems"]] == ["broker"]
    # liveness does not depend on the broker
    assert client.get("/healthz").status_code == 200


def test_readyz_is_503_when_the_database_is_unreachable(events_app, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://civic@127.0.0.1:{free_port()}/none",
                      "REDIS_URL": events_app.config["REDIS_URL"],
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
                      "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat")})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert [p.split(":")[0] for p in response.json["problems"]] == ["database"]
    assert "civic@" not in response.get_data(as_text=True)  # no connection details to the client


def test_metrics(client, organizer_token):
    client.get("/api/v1/events")
    client.post("/api/v1/events", json={}, headers={"Authorization": f"Bearer {organizer_token}"})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = response.get_data(as_text=True)
    assert "# TYPE civic_http_requests_total counter" in text
    assert 'civic_http_requests_total{endpoint="/api/v1/events",method="GET",service="events",status="200"}' in text
    assert 'endpoint="/api/v1/events",method="POST",service="events",status="422"' in text
    assert "civic_http_request_duration_seconds_bucket" in text
    assert 'civic_outbox_backlog{service="events"} 0.0' in text


def test_openapi_document_validates_and_lists_the_api(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    paths = spec["paths"]
    for path in ("/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/events/{event_id}/publish",
                 "/api/v1/events/{event_id}/cancel", "/api/v1/events/{event_id}/ics", "/api/v1/calendar.ics",
                 "/api/v1/series", "/api/v1/series/{series_id}", "/api/v1/organizers/me"):
        assert path in paths, path
    assert set(paths["/api/v1/events"]) >= {"get", "post"}
    assert "patch" in paths["/api/v1/events/{event_id}"]
    assert paths["/api/v1/events"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in paths["/api/v1/events"]["get"]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert "text/calendar" in paths["/api/v1/calendar.ics"]["get"]["responses"]["200"]["content"]
    assert "text/calendar" in paths["/api/v1/events/{event_id}/ics"]["get"]["responses"]["200"]["content"]
    # the documented error body is the one clients get
    error_schema = spec["components"]["schemas"]["Error"]["properties"]
    assert set(error_schema) == ERROR_KEYS
    assert error_schema["code"]["type"] == "string"


def test_swagger_ui(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.get_data(as_text=True).lower()


# ---- request ids -------------------------------------------------------------------------------
def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz")
    assert len(made.headers["X-Request-ID"]) == 32
    # a header that would be unsafe in logs or headers is replaced, not echoed
    hostile = client.get("/healthz", headers={"X-Request-ID": "x\" injected=1 " + "a" * 80})
    assert hostile.headers["X-Request-ID"] != "x\" injected=1 " + "a" * 80
    assert hostile.headers["X-Request-ID"].isalnum()
    # errors carry it too
    assert client.get("/nowhere", headers={"X-Request-ID": "err-1"}).headers["X-Request-ID"] == "err-1"


def test_request_id_is_in_every_json_log_line(crash_app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("events"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        client = crash_app.test_client()
        assert client.get("/say", headers={"X-Request-ID": "req-log-42"}).status_code == 200
        client.get("/boom", headers={"X-Request-ID": "req-log-43"})
    finally:
        root.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    said = [line for line in lines if line["message"] == "something worth a line"]
    assert said and said[0]["request_id"] == "req-log-42"
    assert said[0]["service"] == "events" and said[0]["level"] == "WARNING"
    crashed = [line for line in lines if line["request_id"] == "req-log-43"]
    assert crashed and "RuntimeError" in crashed[0]["exc"]

