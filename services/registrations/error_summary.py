"""The error summary above a sign-up form that came back with errors: one link per field to
that field, so a screen reader hears every problem at once (role=alert) and a keyboard user
reaches each field in one step (as the GOV.UK error summary does)."""
from __future__ import annotations

from jinja2 import pass_context


@pass_context
def error_summary(context, errors: dict, policy: dict) -> list[tuple[str, str, str]]:
    """[(id of the field, its label, the message)] in the order of the form."""
    t = context["t"]
    fields = [("name", "name", t("name")), ("email", "email", t("email")),
              ("session_ids", "sessions", t("choose_sessions")), ("companions", "companions", t("companions"))]
    items = [(target, label, " ".join(errors[key])) for key, target, label in fields if errors.get(key)]
    answers = errors.get("answers") or {}
    for question in policy.get("questions") or []:
        messages = answers.get(question["key"])
        if messages:
            items.append((f"answer_{question['key']}", question["label"], " ".join(messages)))
    if errors.get("consent"):
        items.append(("consent", t("consent_short"), " ".join(errors["consent"])))
    return items
