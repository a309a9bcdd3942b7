"""The events area of the workspace (placeholder: its own helper fills it in)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("events", __name__)
