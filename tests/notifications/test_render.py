"""Every template in both languages renders from minimal payloads (no 'None', no crash)."""
from __future__ import annotations

import pytest

from services.notifications import compose
from services.notifications.models import db
from shared.contract import (CONTACT_MAIL, CONTACT_MAIL_KINDS, EVENT_CHANGE_KINDS, EVENT_CHANGE_MAIL,
                             REGISTRATION_MAIL, REGISTRATION_MAIL_KINDS, validate_payload)
from tests.notifications.conftest import contact_mail, envelope, fes_event, kiel_event, registration_mail


def minimal_event(**overrides):
    event = kiel_event(summary=None, description=None, contacts=[], sessions=[], venue=None, format="online",
                       online_url="https://meet.example.org/r/1", price=None, registration={
                           "mode": "required", "waitlist": False, "approval": False, "max_companions": 0})
    event.pop("reminder_hours_before")
    event.pop("contact_notifications")
    event.update(overrides)
    return event


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("kind", REGISTRATION_MAIL_KINDS)
def test_registration_kinds_render(app, kind, lang):
    payload = registration_mail(kind, event=minimal_event(language=lang), session_ids=[])
    payload["links"] = {}
    with app.app_context():
        [row] = compose.registration_mail(validate_payload(REGISTRATION_MAIL, payload))
        assert row.locale == lang and row.subject and "None" not in row.body_text
        assert "https://meet.example.org/r/1" in row.body_text
        assert ("kostenfrei" if lang == "de" else "free of charge") in row.body_text
        db.session.rollback()


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("kind", EVENT_CHANGE_KINDS)
def test_event_change_kinds_render(app, kind, lang):
    base = registration_mail("confirmed", event=minimal_event(language=lang), session_ids=[])
    payload = {**base, **envelope(), "kind": kind}
    with app.app_context():
        [row] = compose.event_change_mail(validate_payload(EVENT_CHANGE_MAIL, payload))
        assert row.subject and "None" not in row.body_text and row.ics_method in ("REQUEST", "CANCEL")
        db.session.rollback()


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("kind", CONTACT_MAIL_KINDS)
def test_contact_kinds_render_without_numbers(app, kind, lang):
    event = kiel_event(language=lang)
    payload = contact_mail(kind, event=event)
    payload["availability"] = {}
    with app.app_context():
        rows = compose.contact_mail(validate_payload(CONTACT_MAIL, payload))
        assert len(rows) == 2 and all("None" not in r.body_text for r in rows)
        db.session.rollback()


def test_threshold_names_the_session(app):
    payload = contact_mail("nearly_full", event=fes_event(contacts=[{"name": "FES", "email": "info@fes.example.org"}]))
    payload["availability"] = {"capacity": 10, "taken": 8, "available": 2, "session_id": 21,
                               "session_title": "Teil 1: Grundlagen und Diskussionsrunde"}
    with app.app_context():
        [row] = compose.contact_mail(validate_payload(CONTACT_MAIL, payload))
        assert "„Social Smart City – Einblicke in eine sozial-digitale Kommunalpolitik“ (Teil 1: Grundlagen und " \
               "Diskussionsrunde) ist fast ausgebucht." in row.body_text
        assert "Belegung: 8 von 10 Plätzen vergeben, 2 frei." in row.body_text
        db.session.rollback()


def test_english_contact_mail(app):
    payload = contact_mail("full", event=kiel_event(language="en", title="Open data workshop"))
    with app.app_context():
        rows = compose.contact_mail(validate_payload(CONTACT_MAIL, payload))
        assert rows[0].subject == "Fully booked: Open data workshop"
        assert "is fully booked. Further registrations go to the waiting list." in rows[0].body_text
        db.session.rollback()
