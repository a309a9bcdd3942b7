"""What an import found: per field the value, the snippet of the source it came from, and how
sure the rule that found it is (0..1). A later, surer finding replaces an earlier one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

SNIPPET_MAX = 200


@dataclass
class Found:
    value: Any
    snippet: str
    confidence: float


def _jsonable(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class Findings(dict):
    """field name (API.md's, nested ones dotted: "venue.city") -> Found."""

    def put(self, field: str, value, snippet: str, confidence: float) -> None:
        if value is None or value == "" or value == []:
            return
        current = self.get(field)
        if current is None or confidence > current.confidence:
            snippet = " ".join(str(snippet or "").split())
            self[field] = Found(value, snippet[:SNIPPET_MAX], round(confidence, 2))

    def value(self, field: str, default=None):
        found = self.get(field)
        return found.value if found else default

    def merge(self, other: "Findings") -> None:
        for field, found in other.items():
            self.put(field, found.value, found.snippet, found.confidence)

    def report(self) -> dict:
        """The `import` object of the API: {field: {value, snippet, confidence}}, JSON-ready."""
        return {field: {"value": _jsonable(f.value), "snippet": f.snippet, "confidence": f.confidence}
                for field, f in sorted(self.items())}
