"""Messages to the registrants of an event, and the event's delivery log (URL map):

GET, POST /events/<id>/messages       the form (audience, subject, text), earlier mailings, the log
GET       /events/<id>/messages/log   the delivery log alone (htmx refreshes it while mails go out)

Registrations owns the registrants, so the workspace asks it to send a mailing to an
audience; it queues one mail per person for notifications, whose log shows each mail's fate.
"""
from __future__ import annotations

import hashlib
import time

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from ..auth import member_required
from ..clients.base import ApiError
from ..clients.notifications import NotificationsClient
from ..clients.registrations import RegistrationsClient
from ..forms import api_errors_to_form
from ..forms.messages import AUDIENCES, MailingForm
from ..i18n import L, t
from .event_pages import or_empty, own_event, session_choices

bp = Blueprint("messages", __name__)

MAIL_KINDS = {
    "organizer_mail": L("Nachricht des Veranstalters", "Organizer's message"),
    "registration.confirm_email": L("Bitte E-Mail bestätigen", "Please confirm email"),
    "registration.confirmed": L("Anmeldebestätigung", "Registration confirmed"),
    "registration.waitlisted": L("Warteliste", "Waiting list"),
    "registration.promoted": L("Nachgerückt", "Promoted"),
    "registration.pending_approval": L("Wird geprüft", "Under review"),
    "registration.cancelled": L("Storniert", "Cancelled"),
    "registration.cancelled_by_organizer": L("Vom Veranstalter storniert", "Cancelled by the organizer"),
    "registration.rejected": L("Abgelehnt", "Rejected"),
    "registration.expired": L("Verfallen", "Expired"),
    "contact.new_registration": L("Neue Anmeldung (an die Kontakte)", "New registration (to the contacts)"),
    "contact.cancellation": L("Stornierung (an die Kontakte)", "Cancellation (to the contacts)"),
    "contact.nearly_full": L("Fast ausgebucht (an die Kontakte)", "Nearly full (to the contacts)"),
    "contact.full": L("Ausgebucht (an die Kontakte)", "Full (to the contacts)"),
    "digest": L("Tagesübersicht (an die Kontakte)", "Daily summary (to the contacts)"),
    "event_change.changed": L("Änderung der Veranstaltung", "Event changed"),
    "event_change.cancelled": L("Absage der Veranstaltung", "Event cancelled"),
    "reminder": L("Erinnerung", "Reminder"),
    "bulk": L("Rundschreiben", "Circular"),
}
DELIVERY = {"queued": L("wird gesendet", "being sent"), "sent": L("zugestellt", "sent"),
            "failed": L("fehlgeschlagen", "failed")}


# the log page refreshes itself at most this long after it was loaded (see registrations.POLL_SECONDS)
POLL_SECONDS = 3600


def _log(event_id: int, mailing_id: str | None) -> list[dict]:
    return NotificationsClient().messages(event_id=event_id, mailing_id=mailing_id, limit=500)


def log_fingerprint(log: list[dict]) -> str:
    """The same in every worker process (hash() of a str is not)."""
    return hashlib.sha256(repr([(m["id"], m["status"], m["attempts"]) for m in log]).encode()).hexdigest()[:16]


def stop_polling() -> Response:
    """htmx: 286 ends the polling, HX-Reswap none keeps what the page shows."""
    return Response(status=286, headers={"HX-Reswap": "none"})


@bp.route("/events/<int:event_id>/messages", methods=["GET", "POST"])
@member_required
def index(event_id: int):
    event = own_event(event_id)
    form = MailingForm().with_sessions(session_choices(event))
    if form.validate_on_submit():
        try:
            mailing = RegistrationsClient().send_mailing(event_id, form.api_body(), form.send_key.data)
            flash(t("Die Nachricht geht an {n} Person(en). Jede Zustellung sehen Sie im Versandprotokoll.",
                    "The message goes to {n} person(s). The delivery log shows each mail.",
                    n=mailing["recipients"]), "success")
            return redirect(url_for(".index", event_id=event_id, mailing=mailing["id"]) + "#log", 303)
        except ApiError as error:
            if error.status != 422:
                raise
            api_errors_to_form(form, error)
    mailings = or_empty(lambda: RegistrationsClient().mailings(event_id), [])
    selected = request.args.get("mailing") or None
    log = _log(event_id, selected)
    return render_template("messages/index.html", event=event, form=form, mailings=mailings, selected=selected,
                           log=log, log_fingerprint=log_fingerprint(log), opened=int(time.time()),
                           **_labels(event)), 422 if form.errors else 200


@bp.get("/events/<int:event_id>/messages/log")
def log(event_id: int):
    opened = request.args.get("opened", type=int)
    if opened is None or not 0 <= time.time() - opened <= POLL_SECONDS:
        return stop_polling()  # no service asked: an open tab does not keep the session alive
    return _log_fragment(event_id, opened)


# the copies of a message just sent reach notifications a moment after the page showed the log
SETTLING_SECONDS = 120


@member_required
def _log_fragment(event_id: int, opened: int):
    event = own_event(event_id)
    selected = request.args.get("mailing") or None
    log = _log(event_id, selected)
    now = log_fingerprint(log)
    if request.args.get("seen") == now:
        # nothing changed: no swap; once no mail is on its way any more, no further polls either
        settled = time.time() - opened > SETTLING_SECONDS and not any(m["status"] == "queued" for m in log)
        return stop_polling() if settled else Response(status=204)
    return render_template("messages/_log.html", event=event, selected=selected, log=log, log_fingerprint=now,
                           **_labels(event))


def _labels(event: dict) -> dict:
    return {"audiences": AUDIENCES, "mail_kinds": MAIL_KINDS, "delivery": DELIVERY,
            "session_titles": {s["id"]: s["title"] for s in event.get("sessions") or []}}
