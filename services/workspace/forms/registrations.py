"""Forms of the registrations page: the filter (a GET form, no CSRF), the row actions (a
button each, CSRF only), the organizer's cancellation with a note, promotion beyond capacity."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..i18n import L

STATUS_LABELS = {
    "pending_confirmation": L("E-Mail nicht bestätigt", "email not confirmed"),
    "confirmed": L("bestätigt", "confirmed"),
    "waitlisted": L("Warteliste", "waiting list"),
    "pending_approval": L("wartet auf Freigabe", "awaiting approval"),
    "cancelled": L("storniert", "cancelled"),
    "rejected": L("abgelehnt", "rejected"),
    "expired": L("verfallen", "expired"),
}


class FilterForm(FlaskForm):
    """Reads `?status=&session_id=`; a bookmarkable view, so no CSRF token in the URL."""
    class Meta:
        csrf = False

    status = SelectField(L("Status", "Status"), validators=[Optional()],
                         choices=[SelectChoice("", L("alle", "all"))]
                         + [SelectChoice(value, label) for value, label in STATUS_LABELS.items()])
    session_id = SelectField(L("Termin", "Session"), validators=[Optional()],
                             choices=[SelectChoice("", L("alle", "all"))])

    def with_sessions(self, sessions: list[tuple[int, str]]) -> "FilterForm":
        self.session_id.choices = [SelectChoice("", L("alle", "all"))] + [SelectChoice(str(i), label)
                                                                         for i, label in sessions]
        return self

    def api_filters(self) -> dict:
        """What the registrations API is asked for (anything unknown is dropped, not sent)."""
        valid = self.validate()
        status = self.status.data if valid and self.status.data in STATUS_LABELS else None
        session = self.session_id.data if valid and (self.session_id.data or "").isdigit() else None
        return {"status": status, "session_id": int(session) if session else None}


class ActionForm(FlaskForm):
    """One button on a row (approve, reject, check in, promote); `back` keeps the filters."""
    back = HiddenField()


class CancelForm(FlaskForm):
    note = TextAreaField(L("Nachricht an die angemeldete Person (optional)", "Message to the registrant (optional)"),
                         validators=[Optional(), Length(max=2000, message=L("Höchstens 2000 Zeichen.",
                                                                            "At most 2000 characters."))],
                         description=L("Steht in der E-Mail, die über die Stornierung informiert.",
                                       "Goes into the email that tells them of the cancellation."))
    back = HiddenField()


class PromoteForm(FlaskForm):
    beyond_capacity = BooleanField(L("Auch wenn dadurch die Veranstaltung überbucht ist",
                                     "Even though this overbooks the event"))
    back = HiddenField()
