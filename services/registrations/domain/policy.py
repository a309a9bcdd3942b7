"""What an event's registration policy allows: whether registration is open, the deadline,
which sessions may be chosen, how many companions, and the answers to its questions.
"""
from __future__ import annotations

from shared.db import utcnow

from ..models import EventReplica
from ..replica import parse_time
from .errors import RegistrationError
from .seats import choosable_sessions, per_session


def check_policy(row: EventReplica, data: dict) -> dict:
    """409 for what the person cannot change (closed, cancelled, full), 422 per field otherwise.

    Returns the normalised data (session ids, answers)."""
    event = row.data
    policy = event["registration"]
    now = utcnow()
    if row.status == "cancelled":
        raise RegistrationError(409, "event_cancelled", "This event was cancelled.")
    if policy.get("mode") == "none":
        raise RegistrationError(409, "registration_not_needed", "This event needs no registration; just come along.")
    opens, closes = parse_time(policy.get("opens_at")), parse_time(policy.get("closes_at"))
    if opens and now < opens:
        raise RegistrationError(409, "registration_not_open", "Registration for this event has not opened yet.")
    sessions = {s["id"]: s for s in choosable_sessions(event)}
    booked_per_session = per_session(event)
    if closes is None and not booked_per_session:
        closes = parse_time(event["starts_at"])  # no deadline: until the event starts
    if (closes and now >= closes) or now >= parse_time(event["ends_at"]):
        raise RegistrationError(409, "registration_closed", "The registration deadline has passed.")

    errors: dict = {}
    companions = data.get("companions") or 0
    if companions > int(policy.get("max_companions") or 0):
        allowed = int(policy.get("max_companions") or 0)
        errors["companions"] = [f"At most {allowed} companion(s) may come along." if allowed
                                else "This event takes no companions."]
    session_ids = list(dict.fromkeys(data.get("session_ids") or []))
    unknown = [i for i in session_ids if i not in sessions]
    if unknown:
        errors["session_ids"] = [f"Session {', '.join(map(str, unknown))} does not belong to this event "
                                 "or needs no registration."]
    elif booked_per_session:
        if not session_ids:
            errors["session_ids"] = ["Choose at least one session."]
        else:
            started = [sessions[i]["title"] for i in session_ids if parse_time(sessions[i]["starts_at"]) <= now]
            if started:
                errors["session_ids"] = [f"These sessions have already started: {', '.join(started)}."]
    answers, answer_errors = check_answers(policy.get("questions") or [], data.get("answers") or {})
    if answer_errors:
        errors["answers"] = answer_errors
    if errors:
        raise RegistrationError(422, "validation_error", "Some fields are not valid.", errors=errors)
    return {**data, "companions": companions, "session_ids": session_ids, "answers": answers}


def check_answers(questions: list[dict], given: dict) -> tuple[dict, dict]:
    answers, errors = {}, {}
    known = {q["key"]: q for q in questions}
    for key in given:
        if key not in known:
            errors[key] = ["There is no such question."]
    for key, q in known.items():
        value = given.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []):
            if q.get("required"):
                errors[key] = ["Please answer this question."]
            continue
        if q.get("type") == "boolean":
            if isinstance(value, str) and value.lower() in ("true", "yes", "y", "on", "1", "ja"):
                value = True
            elif isinstance(value, str) and value.lower() in ("false", "no", "n", "off", "0", "nein"):
                value = False
            if not isinstance(value, bool):
                errors[key] = ["Answer yes or no."]
                continue
            if q.get("required") and value is False:
                errors[key] = ["Please confirm this."]
                continue
        elif q.get("type") == "choice":
            if value not in (q.get("options") or []):
                errors[key] = ["Choose one of the offered options."]
                continue
        else:
            if not isinstance(value, str):
                errors[key] = ["Not a valid text."]
                continue
            if len(value) > 2000:
                errors[key] = ["At most 2000 characters."]
                continue
        answers[key] = value
    return answers, errors
