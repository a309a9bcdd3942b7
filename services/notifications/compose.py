"""From a contract message (or a reminder, digest, bulk message) to rendered message rows.

Nothing here talks to SMTP: rows are added to the current session with status "queued"
and sent by `delivery` after the commit.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from flask import current_app
from sqlalchemy import insert, or_, select

from shared.db import utcnow

from . import mime, undeliverable, versioned
from .attendees import first_start, remember_attendee
from .delivery import born_leased
from .models import Attendee, DigestItem, Message, db
from .render import event_facts, pick_language, render, short_date, when
from .safety import InvalidAddress, clean_address, clean_paragraphs, clean_text, clean_url

TERMINAL = ("cancelled", "rejected", "expired", "cancelled_by_organizer")
WITH_INVITATION = ("confirmed", "promoted")
CANCELLING = ("cancelled", "cancelled_by_organizer")


def _domain() -> str:
    return mime.sender(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "civic-events.example"


def new_rfc_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{_domain()}>"


_facts = versioned.VersionCache()


def facts(event: dict, lang: str, session_ids=None) -> dict:
    """Dates, place and fee as the mails show them: the same for every mail about one event
    version, so formatted once (babel is slow)."""
    def build() -> dict:
        result = event_facts(event, lang, session_ids)
        result["short_date"] = short_date(first_start(event, session_ids), event.get("timezone"), lang)
        return result
    return dict(_facts.get(versioned.version_key(event, lang, sorted(session_ids or [])), build))


def queue_message(*, source_key: str, kind: str, to: str, name: str | None, rendered, event: dict | None,
                  registration_id: str | None = None, about_email: str | None = None, ics: bytes | None = None,
                  ics_method: str | None = None, headers: dict | None = None,
                  mailing_id: str | None = None) -> Message:
    """Insert one message row in the current transaction. A bad address gives a row that failed at once."""
    status, error, recipient = "queued", None, to
    try:
        recipient = clean_address(to)
    except InvalidAddress as exc:
        status, error, recipient = "failed", str(exc), clean_text(to, 320) or "(none)"
    now = utcnow()
    leased = born_leased.get() if status == "queued" else None
    values = dict(
        source_key=source_key[:200], kind=kind, recipient=recipient, recipient_name=clean_text(name, 200) or None,
        about_email=(about_email or "").lower() or None, locale=rendered.lang, subject=rendered.subject,
        body_text=rendered.text, body_html=rendered.html, ics=ics.decode("utf-8") if ics else None,
        ics_method=ics_method if ics else None, headers=headers or {}, rfc_message_id=new_rfc_message_id(),
        registration_id=registration_id, event_id=(event or {}).get("id"), mailing_id=mailing_id,
        organizer_id=((event or {}).get("organizer") or {}).get("id"),
        status=status, attempts=1 if leased else 0, last_error=error, created_at=now, lease_until=leased,
        # the inline dispatch after the commit sends it; the sweeper looks only after this grace
        next_attempt_at=leased or now + timedelta(seconds=float(current_app.config["SWEEP_GRACE_SECONDS"])),
    )
    # one plain INSERT on the session's connection, not an object for its unit of work (whose
    # flush cost a third of a worker's CPU per mail); what the caller gets is the row as written
    row_id = db.session.connection().execute(_INSERT_MESSAGE, values).scalar_one()
    row = Message(id=row_id, **values)  # not in the session: read by the caller, never flushed
    if status == "failed":
        from .delivery import MAILS_FAILED
        MAILS_FAILED.labels(kind, "invalid_address").inc()
        undeliverable.report(kind, registration_id, (event or {}).get("id"), error)
    return row


_messages = Message.__table__
_INSERT_MESSAGE = insert(_messages).returning(_messages.c.id)


def _registrant_headers(kind: str, links: dict) -> dict:
    cancel = clean_url((links or {}).get("cancel"))
    if cancel and kind not in TERMINAL:
        return {"List-Unsubscribe": f"<{cancel}>"}
    return {}


def _invitation(event: dict, session_ids, links: dict, method: str, registrant: dict) -> bytes:
    return versioned.invitation(event, session_ids, links, method, registrant)


# ---- consumers of the contract --------------------------------------------------------------
def registration_mail(data: dict) -> list[Message]:
    kind, event, registrant, registration = data["kind"], data["event"], data["registrant"], data["registration"]
    links = data.get("links") or {}
    lang = pick_language(registrant.get("locale"), event.get("language"))
    session_ids = registration.get("session_ids") or []
    rendered = render(f"registration.{kind}", lang, {
        "event": facts(event, lang, session_ids), "registrant_name": clean_text(registrant["name"]),
        "links": links, "companions": registration.get("companions") or 0,
        "note": clean_paragraphs(data.get("note"), 2000)})
    method = "REQUEST" if kind in WITH_INVITATION else "CANCEL" if kind in CANCELLING else None
    # a CANCEL for the invitation's UIDs takes the entry out of the registrant's calendar
    shown = {**event, "status": "cancelled"} if method == "CANCEL" else event
    ics = _invitation(shown, session_ids, links, method, registrant) if method else None
    row = queue_message(source_key=data["message_id"], kind=f"registration.{kind}", to=registrant["email"],
                        name=registrant["name"], rendered=rendered, event=event, registration_id=registration["id"],
                        about_email=registrant["email"], ics=ics, ics_method=method,
                        headers=_registrant_headers(kind, links))
    remember_attendee(registrant, registration, event, links, status=registration.get("status") or kind)
    return [row]


def event_change_mail(data: dict) -> list[Message]:
    kind, registrant, registration = data["kind"], data["registrant"], data["registration"]
    event = dict(data["event"])
    if kind == "cancelled":
        event["status"] = "cancelled"
    links = data.get("links") or {}
    lang = pick_language(registrant.get("locale"), event.get("language"))
    session_ids = registration.get("session_ids") or []
    rendered = render(f"event_change.{kind}", lang, {
        "event": facts(event, lang, session_ids), "registrant_name": clean_text(registrant["name"]),
        "links": links, "time_changed": data.get("time_changed"), "place_changed": data.get("place_changed")})
    method = "CANCEL" if kind == "cancelled" else "REQUEST"
    ics = _invitation(event, session_ids, links, method, registrant)
    row = queue_message(source_key=data["message_id"], kind=f"event_change.{kind}", to=registrant["email"],
                        name=registrant["name"], rendered=rendered, event=event, registration_id=registration["id"],
                        about_email=registrant["email"], ics=ics, ics_method=method,
                        headers=_registrant_headers("confirmed" if kind == "changed" else "cancelled", links))
    remember_attendee(registrant, registration, event, links, status=None)
    return [row]


def _answers(event: dict, registration: dict | None) -> list[str]:
    answers = (registration or {}).get("answers") or {}
    labels = {q.get("key"): q.get("label") for q in (event.get("registration") or {}).get("questions") or []}
    lines = []
    for key, value in answers.items():
        if isinstance(value, bool):
            value = "ja" if value and event.get("language") == "de" else ("yes" if value else "no")
        lines.append(f"{clean_text(labels.get(key) or key, 200)}: {clean_text(str(value), 500)}")
    return lines


def _numbers(availability: dict | None) -> dict:
    """The seat numbers a contact mail shows; whatever registrations left out stays None."""
    availability = availability or {}
    keys = ("capacity", "taken", "available", "waitlist", "session_title")
    return {key: availability.get(key) for key in keys}


def contact_recipients(event: dict) -> list[tuple[str, str]]:
    seen, out = set(), []
    for contact in event.get("contacts") or []:
        email = (contact.get("email") or "").strip()
        if email and email.lower() not in seen:
            seen.add(email.lower())
            out.append((email, contact.get("name") or ""))
    return out


STATUS_LABELS = {
    "de": {"pending_confirmation": "angemeldet, E-Mail-Adresse noch nicht bestätigt",
           "confirmed": "bestätigt", "waitlisted": "auf der Warteliste",
           "pending_approval": "wartet auf Ihre Freigabe", "cancelled": "storniert", "rejected": "abgelehnt",
           "expired": "verfallen (nicht bestätigt)"},
    "en": {"pending_confirmation": "signed up, email address not confirmed yet",
           "confirmed": "confirmed", "waitlisted": "on the waiting list",
           "pending_approval": "awaiting your approval", "cancelled": "cancelled", "rejected": "rejected",
           "expired": "expired (not confirmed)"},
}


def status_label(status: str | None, lang: str) -> str:
    return STATUS_LABELS.get(lang, STATUS_LABELS["en"]).get(status or "", clean_text(status or "", 40))


def contact_mail(data: dict) -> list[Message]:
    kind, event = data["kind"], data["event"]
    mode = event.get("contact_notifications") or "each"
    if mode == "none":
        return []
    registrant, registration = data.get("registrant") or {}, data.get("registration") or {}
    if mode == "daily_digest" and kind in ("new_registration", "cancellation"):
        db.session.add(DigestItem(
            event_id=event["id"], organizer_id=(event.get("organizer") or {}).get("id"), kind=kind,
            registrant_name=clean_text(registrant.get("name"), 200), registrant_email=registrant.get("email"),
            companions=registration.get("companions") or 0, event=event, availability=data.get("availability") or {}))
        return []
    lang = pick_language(event.get("language"))
    session_ids = registration.get("session_ids") or []
    chosen = [f"{s['title']}, {when(s['starts_at'], s.get('ends_at'), event.get('timezone'), lang)}"
              for s in event.get("sessions") or [] if s["id"] in set(session_ids)]
    rendered = render(f"contact.{kind}", lang, {
        "event": facts(event, lang), "registrant_name": clean_text(registrant.get("name")),
        "registrant_email": registrant.get("email") or "", "status": status_label(registration.get("status"), lang),
        "companions": registration.get("companions") or 0, "chosen_sessions": chosen,
        "answers": _answers(event, registration), "availability": _numbers(data.get("availability")),
        "waitlist_enabled": bool((event.get("registration") or {}).get("waitlist"))})
    rows = []
    for index, (email, name) in enumerate(contact_recipients(event)):
        rows.append(queue_message(source_key=f"{data['message_id']}:{index}", kind=f"contact.{kind}", to=email,
                                  name=name, rendered=rendered, event=event, registration_id=registration.get("id"),
                                  about_email=registrant.get("email")))
    return rows


def due_reminders(now: datetime, limit: int = 500) -> list[Message]:
    rows = db.session.execute(
        select(Attendee).where(Attendee.status == "confirmed", Attendee.remind_at.is_not(None),
                               Attendee.remind_at <= now, Attendee.starts_at > now,
                               or_(Attendee.reminded_for.is_(None), Attendee.reminded_for != Attendee.starts_at))
        .limit(limit)).scalars().all()
    created = []
    for attendee in rows:
        event = attendee.event
        attendee.reminded_for = attendee.starts_at
        if event.get("status") == "cancelled":
            continue
        key = f"reminder:{attendee.registration_id}:{attendee.starts_at.isoformat()}"
        if db.session.execute(select(Message.id).where(Message.source_key == key)).first():
            continue
        lang = pick_language(attendee.locale, event.get("language"))
        rendered = render("reminder", lang, {"event": facts(event, lang, attendee.session_ids),
                                             "registrant_name": attendee.name, "links": attendee.links or {}})
        created.append(queue_message(source_key=key, kind="reminder", to=attendee.email, name=attendee.name,
                                     rendered=rendered, event=event, registration_id=attendee.registration_id,
                                     about_email=attendee.email, headers=_registrant_headers("confirmed", attendee.links)))
    db.session.flush()
    return created


def digests(now: datetime) -> list[Message]:
    items = db.session.execute(select(DigestItem).where(DigestItem.digested_at.is_(None))
                               .order_by(DigestItem.event_id, DigestItem.id)).scalars().all()
    by_event: dict[int, list[DigestItem]] = {}
    for item in items:
        by_event.setdefault(item.event_id, []).append(item)
    created = []
    for event_id, group in by_event.items():
        event = group[-1].event
        lang = pick_language(event.get("language"))
        tz = event.get("timezone") or "Europe/Berlin"
        listed = [{"kind": i.kind, "name": i.registrant_name or "", "email": i.registrant_email or "",
                   "companions": i.companions, "at": when(i.created_at.isoformat(), None, tz, lang)} for i in group]
        rendered = render("digest", lang, {"event": facts(event, lang), "items": listed,
                                           "availability": _numbers(group[-1].availability)})
        for index, (email, name) in enumerate(contact_recipients(event)):
            created.append(queue_message(source_key=f"digest:{event_id}:{group[-1].id}:{index}", kind="digest",
                                         to=email, name=name, rendered=rendered, event=event))
        for item in group:
            item.digested_at = now
    db.session.flush()
    return created


def bulk(event: dict, recipients: list[dict], subject: str, body: str, batch_id: str) -> list[Message]:
    """recipients: [{id, name, email, locale}] (confirmed registrations)."""
    created = []
    for person in recipients:
        lang = pick_language(person.get("locale"), event.get("language"))
        rendered = render("bulk", lang, {"event": facts(event, lang, person.get("session_ids")),
                                         "registrant_name": clean_text(person.get("name")), "message": body},
                          subject=subject)
        key = f"bulk:{batch_id}:{person.get('id') or person.get('email')}"
        created.append(queue_message(source_key=key, kind="bulk", to=person.get("email") or "",
                                     name=person.get("name"), rendered=rendered, event=event,
                                     registration_id=str(person["id"]) if person.get("id") else None,
                                     about_email=person.get("email")))
    return created
