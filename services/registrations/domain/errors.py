"""The one error of the registrations domain.

Domain code runs in web requests and in Celery tasks alike, so it never speaks HTTP itself:
it raises RegistrationError, and the web layer answers it (api.py with the one JSON error
shape of shared/errors.py, pages.py with a page or form errors). `status` is the HTTP status
that answer carries: 409 what the person cannot change, 410 gone, 422 a field to correct.
"""
from __future__ import annotations


class RegistrationError(Exception):
    """`field` names the input at fault; `errors` (messages per field) when several are."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, *,
                 errors: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        if errors is None:
            errors = {field: [message]} if field else {}
        self.errors = errors
