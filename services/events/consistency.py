"""What an event must satisfy as a whole, beyond each field's own checks (EventCreateSchema
runs these after loading). One function per rule: each takes the loaded event, its times
already in the event's zone, and returns its errors by field ({} when the rule holds).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def localize(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Times without an offset are wall-clock times in the event's zone."""
    if value is None:
        return None
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def localize_times(data: dict, tz: ZoneInfo) -> None:
    """Every time of the event, its policy, sessions and agenda in the event's zone (in place)."""
    data["starts_at"] = localize(data["starts_at"], tz)
    data["ends_at"] = localize(data["ends_at"], tz)
    policy = data["registration"]
    policy["opens_at"] = localize(policy.get("opens_at"), tz)
    policy["closes_at"] = localize(policy.get("closes_at"), tz)
    for session in data["sessions"]:
        session["starts_at"] = localize(session["starts_at"], tz)
        session["ends_at"] = localize(session["ends_at"], tz)
    for item in data["agenda"]:
        item["starts_at"] = localize(item["starts_at"], tz)
        item["ends_at"] = localize(item.get("ends_at"), tz)


def ends_after_it_starts(data: dict) -> dict:
    if data["ends_at"] < data["starts_at"]:
        return {"ends_at": ["The event cannot end before it starts."]}
    return {}


def a_place_has_a_venue(data: dict) -> dict:
    # an online event may keep its link for the confirmation mail; a place needs a venue
    if data["format"] in ("in_person", "hybrid") and data.get("venue") is None:
        return {"venue": [f"An {data['format']} event needs a venue."]}
    return {}


def registration_window(policy: dict, ends: datetime) -> dict:
    """Registration opens before it closes, and neither after the event's end."""
    if policy["closes_at"] and policy["closes_at"] > ends:
        errors = {"closes_at": ["The registration deadline cannot be after the event's end."]}
    else:
        errors = {}
    if policy["opens_at"] and policy["closes_at"] and policy["opens_at"] >= policy["closes_at"]:
        errors["opens_at"] = ["Registration must open before it closes."]
    elif policy["opens_at"] and policy["opens_at"] > ends:
        errors["opens_at"] = ["Registration cannot open after the event's end."]
    return errors


def questions_are_answerable(policy: dict) -> dict:
    """Unique keys; a choice offers at least two options."""
    keys = [q["key"] for q in policy["questions"]]
    if len(keys) != len(set(keys)):
        return {"questions": ["Question keys must be unique."]}
    by_index = {i: {"options": ["A choice question needs at least two options."]}
                for i, question in enumerate(policy["questions"])
                if question["type"] == "choice" and len(question["options"]) < 2}
    return {"questions": by_index} if by_index else {}


def registration_fits(data: dict) -> dict:
    policy = data["registration"]
    errors = {**registration_window(policy, data["ends_at"]), **questions_are_answerable(policy)}
    return {"registration": errors} if errors else {}


def sessions_lie_within(data: dict) -> dict:
    errors = {}
    for i, session in enumerate(data["sessions"]):
        if session["ends_at"] < session["starts_at"]:
            errors[i] = {"ends_at": ["The session cannot end before it starts."]}
        elif session["starts_at"] < data["starts_at"] or session["ends_at"] > data["ends_at"]:
            errors[i] = {"starts_at": ["The session lies outside the event's start and end."]}
    return {"sessions": errors} if errors else {}


def agenda_lies_within(data: dict) -> dict:
    starts, ends = data["starts_at"], data["ends_at"]
    errors = {}
    for i, item in enumerate(data["agenda"]):
        if item["starts_at"] < starts or item["starts_at"] > ends or (item["ends_at"] and item["ends_at"] > ends):
            errors[i] = {"starts_at": ["The agenda item lies outside the event's start and end."]}
        elif item["ends_at"] and item["ends_at"] < item["starts_at"]:
            errors[i] = {"ends_at": ["The agenda item cannot end before it starts."]}
    return {"agenda": errors} if errors else {}


RULES = (ends_after_it_starts, a_place_has_a_venue, registration_fits, sessions_lie_within, agenda_lies_within)


def problems(data: dict) -> dict:
    """The errors of every rule, by field."""
    errors: dict = {}
    for rule in RULES:
        errors.update(rule(data))
    return errors
