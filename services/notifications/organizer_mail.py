"""An organizer's mailing, one registrant at a time: registrations chose the audience and sends
one `notifications.organizer_mail` per registrant; here it becomes one mail in the registrant's
language, with the organizer's text, the event's details and the registrant's own cancel link."""
from __future__ import annotations

from .compose import facts, queue_message
from .models import Message
from .render import pick_language, render
from .safety import clean_paragraphs, clean_text, clean_url


def organizer_mail(data: dict) -> list[Message]:
    registrant, registration, event = data["registrant"], data["registration"], data["event"]
    links = data.get("links") or {}
    lang = pick_language(registrant.get("locale"), event.get("language"))
    sender = (data.get("sent_by") or {}).get("name")
    rendered = render("organizer_mail", lang, {
        "event": facts(event, lang, registration.get("session_ids") or []),
        "registrant_name": clean_text(registrant["name"]), "message": clean_paragraphs(data["body"]),
        "sender": clean_text(sender, 120), "status": registration.get("status"), "links": links,
    }, subject=clean_text(data["subject"], 200))
    cancel = clean_url(links.get("cancel"))
    row = queue_message(source_key=data["message_id"], kind="organizer_mail", to=registrant["email"],
                        name=registrant["name"], rendered=rendered, event=event, registration_id=registration["id"],
                        about_email=registrant["email"], mailing_id=data["mailing_id"],
                        headers={"List-Unsubscribe": f"<{cancel}>"} if cancel else {})
    return [row]
