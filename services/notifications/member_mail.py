"""Mails to members of an organizer (from the events service): the workspace's sign-in link.

They belong to no event; organizers do not see them in their delivery log (a sign-in link is
for its member only)."""
from __future__ import annotations

from .compose import queue_message
from .models import Message
from .render import pick_language, render
from .safety import clean_text


def member_mail(data: dict) -> list[Message]:
    kind, member, organizer = data["kind"], data["member"], data["organizer"]
    lang = pick_language(member.get("locale"))
    rendered = render(f"member.{kind}", lang, {
        "member_name": clean_text(member.get("name") or ""), "organizer_name": clean_text(organizer.get("name") or ""),
        "links": data.get("links") or {}, "expires_minutes": data.get("expires_minutes") or 15,
        "event": {"title": clean_text(organizer.get("name") or "")}})
    row = queue_message(source_key=data["message_id"], kind=f"member.{kind}", to=member["email"],
                        name=member.get("name"), rendered=rendered, event=None)
    return [row]
