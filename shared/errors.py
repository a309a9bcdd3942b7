"""One JSON error shape for every service: {"code", "message", "errors"}; never a stack trace."""
from __future__ import annotations

import logging

from flask import jsonify
from flask_smorest import Api as SmorestApi
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited",
    500: "internal_error", 502: "bad_gateway", 503: "unavailable",
}


def _flatten_field_errors(messages) -> dict:
    """webargs nests errors by location ({"json": {...}, "query": {...}}); clients want fields."""
    if not isinstance(messages, dict):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    flat: dict = {}
    for location, errors in messages.items():
        if location in ("json", "query", "form", "headers", "files", "path", "view_args") and isinstance(errors, dict):
            flat.update(errors)
        else:
            flat[location] = errors
    return flat


def error_body(status: int, message: str | None = None, errors: dict | None = None, code: str | None = None):
    return {"code": code or CODES.get(status, "error"), "message": message or "", "errors": errors or {}}


def error_response(status: int, message: str | None = None, errors: dict | None = None, code: str | None = None):
    response = jsonify(error_body(status, message, errors, code))
    response.status_code = status
    return response


def http_exception_response(error: HTTPException):
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    errors = None
    if "messages" in data:
        errors = _flatten_field_errors(data["messages"])
    elif "errors" in data:
        errors = data["errors"]
    message = data.get("message")
    if not message:
        message = "Some fields are not valid." if status == 422 else (error.description or "")
    response = error_response(status, message, errors, data.get("code"))
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


class ErrorSchema(Schema):
    """The error body as the OpenAPI document describes it (documentation only)."""

    code = fields.String(metadata={"description": "Machine-readable error code, e.g. validation_error"})
    message = fields.String(metadata={"description": "What went wrong, for people"})
    errors = fields.Dict(metadata={"description": "Messages per field (nested fields as nested objects)"})


class Api(SmorestApi):
    """flask-smorest's Api with the project's error shape."""

    ERROR_SCHEMA = ErrorSchema  # smorest's own documents {code: int, status, ...}, which we never send

    def handle_http_exception(self, error):
        return http_exception_response(error)


def register_error_handlers(app) -> None:
    """Also covers errors outside the API blueprints (pages, 404 on unknown URLs, crashes)."""

    @app.errorhandler(HTTPException)
    def _http(error):
        return http_exception_response(error)

    @app.errorhandler(Exception)
    def _crash(error):
        if isinstance(error, HTTPException):
            return http_exception_response(error)
        if isinstance(error, RecursionError) and "JSON" in str(error):
            # a body nested deeper than the parser recurses ([[[[...]]]]): bad input, not a crash
            return error_response(400, "The JSON body is nested too deeply.")
        log.exception("unhandled error")
        return error_response(500, InternalServerError.description)
