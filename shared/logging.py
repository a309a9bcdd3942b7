"""JSON log lines that carry the request id across HTTP and Celery hops."""
from __future__ import annotations

import contextvars
import json
import logging
import sys
import uuid
from datetime import datetime, timezone

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
REQUEST_ID_HEADER = "X-Request-ID"


def current_request_id() -> str | None:
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or "-",
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


_configured: set[str] = set()


def configure_logging(service: str, level: str = "INFO") -> None:
    """One JSON handler on the root logger; idempotent, since tests build many apps."""
    if service in _configured:
        return
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_civic", False):
            break
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler._civic = True  # type: ignore[attr-defined]
        handler.setFormatter(JsonFormatter(service))
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
        root.setLevel(level)
    _configured.add(service)


def init_request_id(app) -> None:
    from flask import g, request

    @app.before_request
    def _take_request_id():
        rid = request.headers.get(REQUEST_ID_HEADER, "")
        # a client-chosen id is kept only if it is harmless in logs and headers
        if not (0 < len(rid) <= 64 and rid.replace("-", "").isalnum()):
            rid = new_request_id()
        g.request_id = rid
        g._request_id_token = request_id_var.set(rid)

    @app.after_request
    def _echo_request_id(response):
        rid = g.get("request_id")
        if rid:
            response.headers[REQUEST_ID_HEADER] = rid
        return response

    @app.teardown_request
    def _reset_request_id(exc):
        token = g.pop("_request_id_token", None)
        if token is not None:
            request_id_var.reset(token)
