"""Each kind of mail arrives over real SMTP with the right recipient, language, subject and content."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import icalendar
import pytest
from sqlalchemy import select

from services.notifications.models import Attendee, Message, db
from shared.contract import CONTACT_MAIL, EVENT_CHANGE_MAIL, REGISTRATION_MAIL
from tests.factories import wait_until
from tests.notifications.conftest import (body_html, body_text, contact_mail, envelope, fes_event, ics_of, kiel_event,
                                          registration_mail, settled_rows)

pytestmark = pytest.mark.usefixtures("worker")

GERMAN_SUBJECTS = {
    "confirm_email": "Bitte bestätigen Sie Ihre Anmeldung",
    "confirmed": "Anmeldebestätigung",
    "waitlisted": "Sie stehen auf der Warteliste",
    "promoted": "Ein Platz ist frei – Sie sind angemeldet",
    "pending_approval": "Ihre Anmeldung wird geprüft",
    "cancelled": "Ihre Anmeldung wurde storniert",
    "rejected": "Ihre Anmeldung wurde abgelehnt",
    "expired": "Ihre unbestätigte Anmeldung ist verfallen",
}
ENGLISH_SUBJECTS = {
    "confirm_email": "Please confirm your registration",
    "confirmed": "You are registered",
    "waitlisted": "You are on the waiting list",
    "promoted": "A seat is free – you are registered",
    "pending_approval": "Your registration is being reviewed",
    "cancelled": "Your registration was cancelled",
    "rejected": "Your registration was declined",
    "expired": "Your unconfirmed registration expired",
}


@pytest.mark.parametrize("kind", list(GERMAN_SUBJECTS))
def test_every_registration_kind_in_german(kind, celery, sink):
    payload = registration_mail(kind)
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": payload})
    [mail] = sink.wait_for(1)
    msg = mail.msg
    assert mail.rcpt_tos == ["jana.petersen@example.org"]
    assert msg["To"].addresses[0].display_name == "Jana Petersen"
    assert msg["Subject"] == f"{GERMAN_SUBJECTS[kind]}: Tiny Rathaus in Dietrichsdorf – zweite Testwoche"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Content-Language"] == "de"
    text = body_text(msg)
    assert text.startswith("Guten Tag Jana Petersen,")
    assert "Freitag, 13. September 2030, 10:00–12:30 Uhr" in text  # the chosen session, local time
    assert "Langer Rehm 29, 24149 Kiel" in text
    assert "Teilnahmegebühr: kostenfrei" in text
    assert "Anne Czichowski (LH Kiel, Referat Kreative Stadt), anne.czichowski@kiel.de, 0431/901-3086" in text
    html = body_html(msg)
    assert "<html lang=\"de\">" in html and "Langer Rehm 29" in html
    if kind == "confirm_email":
        assert payload["links"]["confirm"] in text
        assert f'href="{payload["links"]["confirm"]}"' in html
    if kind in ("confirmed", "promoted", "cancelled"):
        assert ics_of(msg) is not None
    else:
        assert ics_of(msg) is None
    if kind in ("cancelled", "rejected", "expired"):
        assert msg["List-Unsubscribe"] is None
    else:
        assert msg["List-Unsubscribe"] == f"<{payload['links']['cancel']}>"


@pytest.mark.parametrize("kind", ["confirm_email", "confirmed", "waitlisted", "cancelled"])
def test_registrant_locale_english(kind, celery, sink):
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail(kind, locale="en", name="Sam Doe",
                                                                             email="sam@example.com")})
    [mail] = sink.wait_for(1)
    assert mail.msg["Subject"] == f"{ENGLISH_SUBJECTS[kind]}: Tiny Rathaus in Dietrichsdorf – zweite Testwoche"
    text = body_text(mail.msg)
    assert text.startswith("Hello Sam Doe,")
    assert "Friday, September 13, 2030" in text
    assert "Fee: free of charge" in text
    assert mail.msg["Content-Language"] == "en"


def test_event_language_english_without_locale(celery, sink):
    event = kiel_event(language="en", title="Open data workshop")
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("waitlisted", event=event)})
    [mail] = sink.wait_for(1)
    assert mail.msg["Subject"] == "You are on the waiting list: Open data workshop"


def test_confirmed_ics_parses_back_with_start_in_utc(celery, sink, app):
    payload = registration_mail("confirmed", session_ids=[11])
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": payload})
    [mail] = sink.wait_for(1)
    cal = icalendar.Calendar.from_ical(ics_of(mail.msg))
    assert str(cal["METHOD"]) == "REQUEST"
    [vevent] = cal.walk("VEVENT")  # only the session signed up for
    start = vevent.decoded("DTSTART")
    assert start.astimezone(timezone.utc) == datetime(2030, 9, 13, 8, 0, tzinfo=timezone.utc)
    assert str(vevent["LOCATION"]).endswith("Langer Rehm 29, 24149 Kiel")
    assert str(vevent["URL"]) == payload["links"]["event_page"]
    assert str(vevent["ATTENDEE"]) == "mailto:jana.petersen@example.org"
    assert vevent["ATTENDEE"].params["CN"] == "Jana Petersen"
    part = next(p for p in mail.msg.iter_attachments() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    [row] = settled_rows(app, 1)
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    assert mail.msg["Message-ID"] == row.rfc_message_id
    assert row.registration_id == payload["registration"]["id"]
    assert row.event_id == 101 and row.organizer_id == 1


def test_fee_and_online_place_as_announced(celery, sink):
    event = fes_event()
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("confirmed", event=event,
                                                                             session_ids=[21, 22])})
    [mail] = sink.wait_for(1)
    text = body_text(mail.msg)
    assert "Teilnahmegebühr: Teilnahmepauschale: 40,00\xa0€" in text
    assert "Online – den Zugangslink erhalten Sie rechtzeitig vor Beginn" in text
    assert "Teil 1: Grundlagen und Diskussionsrunde: Freitag, 25. Oktober 2030, 18:00–20:30 Uhr" in text
    cal = icalendar.Calendar.from_ical(ics_of(mail.msg))
    starts = sorted(v.decoded("DTSTART").astimezone(timezone.utc) for v in cal.walk("VEVENT"))
    assert starts == [datetime(2030, 10, 25, 16, 0, tzinfo=timezone.utc),
                      datetime(2030, 10, 26, 7, 30, tzinfo=timezone.utc)]


def test_contact_persons_get_the_sign_up(celery, sink, app):
    celery.send_task(CONTACT_MAIL, kwargs={"message": contact_mail("new_registration")})
    mails = sink.wait_for(2)
    assert sorted(m.rcpt_tos[0] for m in mails) == ["anne.czichowski@kiel.de", "kreativ@kiel.de"]
    for mail in mails:
        assert mail.msg["Subject"] == "Neue Anmeldung: Tiny Rathaus in Dietrichsdorf – zweite Testwoche (Jana Petersen)"
        text = body_text(mail.msg)
        assert "E-Mail: jana.petersen@example.org" in text
        assert "Status: bestätigt" in text  # the status in the mail's language, not the API's word
        assert "Begleitpersonen: 1" in text
        assert "Abteilung: Bürgeramt" in text
        assert "Belegung: 17 von 20 Plätzen vergeben, 3 frei." in text
        assert mail.msg["List-Unsubscribe"] is None
    with app.app_context():
        rows = db.session.execute(select(Message)).scalars().all()
        assert {r.kind for r in rows} == {"contact.new_registration"}
        assert {r.about_email for r in rows} == {"jana.petersen@example.org"}


@pytest.mark.parametrize("kind,subject", [
    ("cancellation", "Abmeldung: Tiny Rathaus in Dietrichsdorf – zweite Testwoche (Jana Petersen)"),
    ("nearly_full", "Fast ausgebucht: Tiny Rathaus in Dietrichsdorf – zweite Testwoche"),
    ("full", "Ausgebucht: Tiny Rathaus in Dietrichsdorf – zweite Testwoche"),
])
def test_contact_kinds(kind, subject, celery, sink):
    celery.send_task(CONTACT_MAIL, kwargs={"message": contact_mail(kind)})
    mails = sink.wait_for(2)
    assert {m.msg["Subject"] for m in mails} == {subject}


def test_contact_notifications_none_sends_nothing(celery, sink, app):
    celery.send_task(CONTACT_MAIL, kwargs={"message": contact_mail(event=kiel_event(contact_notifications="none"))})
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": registration_mail("waitlisted")})
    sink.wait_for(1)  # the registrant's mail, sent after the contact message was consumed
    with app.app_context():
        wait_until(lambda: db.session.execute(select(Message)).scalars().all())
    assert [m.rcpt_tos for m in sink.mails] == [["jana.petersen@example.org"]]


def test_daily_digest_collects_sign_ups(celery, sink, app):
    event = kiel_event(contact_notifications="daily_digest")
    celery.send_task(CONTACT_MAIL, kwargs={"message": contact_mail(event=event, name="Jana Petersen")})
    celery.send_task(CONTACT_MAIL, kwargs={"message": contact_mail(event=event, name="Ole Hansen",
                                                                   email="ole@example.org")})
    celery.send_task(CONTACT_MAIL, kwargs={"message": contact_mail("cancellation", event=event, name="Ole Hansen",
                                                                   email="ole@example.org")})
    from services.notifications.models import DigestItem
    with app.app_context():
        wait_until(lambda: len(db.session.execute(select(DigestItem)).scalars().all()) == 3)
        db.session.rollback()
    assert sink.mails == []
    celery.send_task("notifications.send_digests")
    mails = sink.wait_for(2)
    assert sorted(m.rcpt_tos[0] for m in mails) == ["anne.czichowski@kiel.de", "kreativ@kiel.de"]
    text = body_text(mails[0].msg)
    assert mails[0].msg["Subject"] == "Tagesübersicht der Anmeldungen: Tiny Rathaus in Dietrichsdorf – zweite Testwoche"
    assert "Anmeldung: Jana Petersen (jana.petersen@example.org)" in text
    assert "Anmeldung: Ole Hansen (ole@example.org)" in text
    assert "Abmeldung: Ole Hansen (ole@example.org)" in text
    celery.send_task("notifications.send_digests")  # nothing new: no second digest
    sink.wait_for(2)
    with app.app_context():
        def all_digested():
            db.session.rollback()
            return all(i.digested_at for i in db.session.execute(select(DigestItem)).scalars())
        wait_until(all_digested)
    assert len(sink.mails) == 2


def test_a_self_cancellation_removes_the_calendar_entry_it_sent(celery, sink):
    confirmed = registration_mail("confirmed", session_ids=[11])
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": confirmed})
    cancelled = {**confirmed, **envelope(), "kind": "cancelled",
                 "registration": {**confirmed["registration"], "status": "cancelled"}}
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": cancelled})
    first, second = sorted(sink.wait_for(2), key=lambda m: "storniert" in m.msg["Subject"])
    invitation = icalendar.Calendar.from_ical(ics_of(first.msg))
    cancellation = icalendar.Calendar.from_ical(ics_of(second.msg))
    assert str(cancellation["METHOD"]) == "CANCEL"
    part = next(p for p in second.msg.iter_attachments() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    uids = [str(v["UID"]) for v in invitation.walk("VEVENT")]
    assert uids and [str(v["UID"]) for v in cancellation.walk("VEVENT")] == uids
    assert all(str(v["STATUS"]) == "CANCELLED" for v in cancellation.walk("VEVENT"))
    assert "aus Ihrem Kalender" in body_text(second.msg)


def test_event_changed_and_cancelled(celery, sink):
    moved = kiel_event(starts_at="2030-09-20T10:00:00+02:00", ends_at="2030-09-24T16:00:00+02:00", revision=4,
                       sessions=[{"id": 11, "title": "Ideenschmiede Tiny Rathaus",
                                  "starts_at": "2030-09-20T10:00:00+02:00", "ends_at": "2030-09-20T12:30:00+02:00",
                                  "capacity": 8, "registration": "required"}])
    base = registration_mail("confirmed")
    change = {**base, **{"message_id": base["message_id"][:-4] + "chng", "kind": "changed", "event": moved,
                         "time_changed": True, "place_changed": False}}
    celery.send_task(EVENT_CHANGE_MAIL, kwargs={"message": change})
    [mail] = sink.wait_for(1)
    assert mail.msg["Subject"] == "Geänderte Veranstaltung: Tiny Rathaus in Dietrichsdorf – zweite Testwoche"
    assert "Bitte beachten Sie den neuen Termin." in body_text(mail.msg)
    assert "Freitag, 20. September 2030, 10:00–12:30 Uhr" in body_text(mail.msg)
    [vevent] = icalendar.Calendar.from_ical(ics_of(mail.msg)).walk("VEVENT")
    assert vevent.decoded("DTSTART").astimezone(timezone.utc) == datetime(2030, 9, 20, 8, 0, tzinfo=timezone.utc)

    cancelled = {**change, **envelope(), "kind": "cancelled",
                 "event": kiel_event(status="cancelled", cancellation_reason="Sturmwarnung", revision=5)}
    celery.send_task(EVENT_CHANGE_MAIL, kwargs={"message": cancelled})
    second = sink.wait_for(2)[1]
    assert second.msg["Subject"] == "Abgesagt: Tiny Rathaus in Dietrichsdorf – zweite Testwoche"
    assert "Grund: Sturmwarnung" in body_text(second.msg)
    cal = icalendar.Calendar.from_ical(ics_of(second.msg))
    assert str(cal["METHOD"]) == "CANCEL"
    assert all(str(v["STATUS"]) == "CANCELLED" for v in cal.walk("VEVENT"))


def test_reminder_before_the_event(celery, sink, app):
    soon = datetime.now(timezone.utc) + timedelta(hours=30)
    event = kiel_event(starts_at=soon.isoformat(timespec="seconds"),
                       ends_at=(soon + timedelta(hours=2)).isoformat(timespec="seconds"),
                       sessions=[], reminder_hours_before=24, language="en", title="Open hour")
    payload = registration_mail("confirmed", event=event, session_ids=[])
    reg_id = payload["registration"]["id"]
    celery.send_task(REGISTRATION_MAIL, kwargs={"message": payload})
    sink.wait_for(1)
    with app.app_context():
        attendee = wait_until(lambda: db.session.get(Attendee, reg_id))
        assert attendee.status == "confirmed" and attendee.reminded_for is None
        assert abs((attendee.remind_at - (soon - timedelta(hours=24))).total_seconds()) < 2
        db.session.rollback()
    celery.send_task("notifications.send_reminders")  # not due yet
    with app.app_context():
        # six hours pass
        attendee = db.session.get(Attendee, reg_id)
        attendee.remind_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
    celery.send_task("notifications.send_reminders")
    second = sink.wait_for(2)[1]
    assert second.rcpt_tos == ["jana.petersen@example.org"]
    assert second.msg["Subject"].startswith("Reminder: Open hour on ")
    assert 'this is a reminder of "Open hour"' in body_text(second.msg)
    celery.send_task("notifications.send_reminders")  # once only
    import time
    time.sleep(1.5)
    assert len(sink.mails) == 2
