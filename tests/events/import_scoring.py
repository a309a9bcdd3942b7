"""Field accuracy of an import against hand-written facts: the rules of the team's
`score-import` tool, run in-process (the tests may not use the team's workshop)."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

from services.events.importer import import_announcement
from services.events.imports import preview

CASES = Path(__file__).resolve().parent.parent / "import_cases"


def norm(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    text = re.sub(r"[„“”\"'«»‚‘’]", "", text)
    return re.sub(r"[\s\-–—_:,.()/]+", " ", text).strip()


def similar(fact, got) -> bool:
    a, b = set(norm(fact).split()), set(norm(got).split())
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= 0.75


def digits(text) -> str:
    return re.sub(r"\D", "", str(text or ""))


def local(iso, tz) -> str | None:
    if not iso:
        return None
    when = dt.datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo(tz))
    return when.strftime("%Y-%m-%dT%H:%M")


def same_time(fact: str, got: str | None) -> bool:
    if not got:
        return False
    if fact.startswith("--"):
        return got[5:5 + len(fact) - 2] == fact[2:]
    return got[:len(fact)] == fact


def score(facts: dict, draft: dict) -> dict[str, bool]:
    tz = facts.get("timezone") or draft.get("timezone") or "Europe/Berlin"
    venue, price, reg = draft.get("venue") or {}, draft.get("price") or {}, draft.get("registration") or {}
    contacts = draft.get("contacts") or []
    checks = {
        "title": lambda f: similar(f, draft.get("title")),
        "starts": lambda f: same_time(f, local(draft.get("starts_at"), tz)),
        "ends": lambda f: same_time(f, local(draft.get("ends_at"), tz)),
        "timezone": lambda f: draft.get("timezone") == f,
        "online": lambda f: (draft.get("format") in ("online", "hybrid")) == f,
        "venue": lambda f: similar(f, venue.get("name")),
        "address": lambda f: similar(f, venue.get("street")),
        "postal_code": lambda f: venue.get("postal_code") == f,
        "city": lambda f: norm(venue.get("city")) == norm(f),
        "price_eur": lambda f: price.get("amount_cents") is not None and round(price["amount_cents"]) == round(f * 100),
        "registration_required": lambda f: (reg.get("mode") == "required") == f,
        "registration_deadline": lambda f: same_time(f, local(reg.get("closes_at"), tz)),
        "contact_email": lambda f: any((c.get("email") or "").casefold() == f.casefold() for c in contacts),
        "contact_phone": lambda f: any(digits(c.get("phone")) and digits(c.get("phone")) == digits(f) for c in contacts),
        "sessions": lambda f: sorted(local(s.get("starts_at"), tz) for s in draft.get("sessions") or []) == sorted(f),
        "agenda_times": lambda f: sorted((local(a.get("starts_at"), tz) or "")[11:16]
                                         for a in draft.get("agenda") or []) == sorted(f),
    }
    return {name: bool(check(facts[name])) for name, check in checks.items() if facts.get(name) not in (None, [])}


def score_folder(folder: Path) -> tuple[int, int, dict[str, list[str]]]:
    """(right, total, {case: [wrong fields]})"""
    right = total = 0
    wrong: dict[str, list[str]] = {}
    for facts_file in sorted(folder.glob("*.json")):
        facts = json.loads(facts_file.read_text())
        text = facts_file.with_suffix(".txt").read_text()
        draft = preview(import_announcement(text=text, as_of=dt.date.fromisoformat(facts["as_of"])))
        got = score(facts, json.loads(json.dumps(draft, default=str)))
        right, total = right + sum(got.values()), total + len(got)
        if not all(got.values()):
            wrong[facts_file.stem] = [f for f, ok in got.items() if not ok]
    return right, total, wrong
