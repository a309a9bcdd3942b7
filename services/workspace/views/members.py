"""Members of the organizer and its API tokens (owners only)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("members", __name__)
