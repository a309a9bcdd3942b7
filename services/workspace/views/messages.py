"""The messages area of the workspace (placeholder: its own helper fills it in)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("messages", __name__)
