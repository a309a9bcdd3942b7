"""The form of a message to an event's registrants."""
from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..i18n import L

AUDIENCES = {
    "all": L("Alle Angemeldeten (bestätigt, Warteliste, wartet auf Freigabe)",
             "Everyone registered (confirmed, waiting list, awaiting approval)"),
    "confirmed": L("Nur bestätigte Anmeldungen", "Confirmed registrations only"),
    "waitlisted": L("Nur die Warteliste", "The waiting list only"),
    "session": L("Die Angemeldeten eines Termins", "The registrants of one session"),
}


def _audiences(*without: str) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in AUDIENCES.items() if value not in without]


class MailingForm(FlaskForm):
    audience = RadioField(L("An wen?", "To whom?"), choices=_audiences(), default="all",
                          validators=[DataRequired(message=L("Bitte wählen Sie, an wen.", "Please choose to whom."))])
    session_id = SelectField(L("Termin (bei „Die Angemeldeten eines Termins“)", "Session (for “one session”)"),
                             choices=[SelectChoice("", "–")], validate_choice=False)
    subject = StringField(L("Betreff", "Subject"), validators=[
        DataRequired(message=L("Bitte geben Sie einen Betreff an.", "Please enter a subject.")),
        Length(max=200, message=L("Höchstens 200 Zeichen.", "At most 200 characters."))])
    body = TextAreaField(L("Nachricht", "Message"), validators=[
        DataRequired(message=L("Bitte schreiben Sie eine Nachricht.", "Please write a message.")),
        Length(max=20000, message=L("Höchstens 20000 Zeichen.", "At most 20000 characters."))],
        description=L("Reiner Text. Jede Person erhält ihre eigene E-Mail mit Anrede, den Angaben zur "
                      "Veranstaltung und ihrem Abmeldelink.",
                      "Plain text. Each person gets their own email with a greeting, the event's details "
                      "and their own cancellation link."))
    # one per form shown: sending the same form twice (a double click, a reload) sends once
    send_key = HiddenField(default=lambda: uuid.uuid4().hex)

    def with_sessions(self, sessions: list[tuple[int, str]]) -> "MailingForm":
        self.session_id.choices = [SelectChoice("", "–")] + [SelectChoice(str(i), label) for i, label in sessions]
        if not sessions:  # nothing to choose: the audience "one session" is not offered
            self.audience.choices = _audiences("session")
        return self

    def validate_session_id(self, field):
        if self.audience.data != "session":
            return
        if not field.data or field.data not in {choice.value for choice in self.session_id.choices[1:]}:
            raise ValidationError(L("Bitte wählen Sie den Termin.", "Please choose the session."))

    def api_body(self) -> dict:
        session = self.session_id.data if self.audience.data == "session" and self.session_id.data else None
        return {"audience": self.audience.data, "session_id": int(session) if session else None,
                "subject": self.subject.data.strip(), "body": self.body.data}
