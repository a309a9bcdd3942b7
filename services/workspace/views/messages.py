"""Messages to the registrants of an event, and the event's delivery log (URL map):

GET, POST /events/<id>/messages       the form (audience, subject, text), earlier mailings, the log
GET       /events/<id>/messages/log   the delivery log alone (htmx refreshes it while mails go out)

Registrations owns the registrants, so the workspace asks it to send a mailing to an
audience; it queues one mail per person for notifications, whose log shows each mail's fate.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

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
    "reminder": L("Erinnerung", "Reminder"),
    "bulk": L("Rundschreiben", "Circular"),
}
DELIVERY = {"queued": L("wird gesendet", "being sent"), "sent": L("zugestellt", "sent"),
            "failed": L("fehlgeschlagen", "failed")}


def _log(event_id: int, mailing_id: str | None) -> list[dict]:
    return NotificationsClient().messages(event_id=event_id, mailing_id=mailing_id, limit=500)


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
    return render_template("messages/index.html", event=event, form=form, mailings=mailings, selected=selected,
                           log=_log(event_id, selected), **_labels(event)), 422 if form.errors else 200


@bp.get("/events/<int:event_id>/messages/log")
@member_required
def log(event_id: int):
    event = own_event(event_id)
    selected = request.args.get("mailing") or None
    return render_template("messages/_log.html", event=event, selected=selected, log=_log(event_id, selected),
                           **_labels(event))


def _labels(event: dict) -> dict:
    return {"audiences": AUDIENCES, "mail_kinds": MAIL_KINDS, "delivery": DELIVERY,
            "session_titles": {s["id"]: s["title"] for s in event.get("sessions") or []}}
