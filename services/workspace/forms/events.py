"""The event editor's forms: one EventForm with the whole domain, its repeating groups
(contacts, sessions, agenda, questions) as FieldLists that grow by an "add another" submit
button handled on the server, and the small forms of publish, cancel and duplicate.

Times are entered as wall-clock times in the event's own time zone (the API reads naive
times that way). Validators here only catch what the browser could not send at all (an
unreadable date, a fee that is no amount); everything else is the events API's judgement,
shown at the field it names."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, EmailField, FieldList, Form, FormField, HiddenField,
                     IntegerField, SelectField, StringField, SubmitField, TextAreaField, URLField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..i18n import L

try:  # WTForms 3.3 deprecates (value, label) tuples as choices; 3.4 drops them
    from wtforms.fields.choices import SelectChoice as choice
except ImportError:  # pragma: no cover - older WTForms
    def choice(value, label):
        return (value, label)

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
AMOUNT_RE = r"^\s*\d{1,6}([.,]\d{1,2})?\s*(€|EUR)?\s*$"

REGISTRATION_MODES = [choice("required", L("Anmeldung erforderlich", "Registration required")),
                      choice("optional", L("Anmeldung möglich, nicht nötig", "Registration optional")),
                      choice("none", L("Ohne Anmeldung", "No registration"))]
FORMATS = [choice("in_person", L("Vor Ort", "In person")), choice("online", L("Online", "Online")),
           choice("hybrid", L("Hybrid (vor Ort und online)", "Hybrid (in person and online)"))]
LANGUAGES = [choice("de", L("Deutsch", "German")), choice("en", L("Englisch", "English"))]
CONTACT_NOTIFICATIONS = [choice("each", L("bei jeder Anmeldung", "at each sign-up")),
                         choice("daily_digest", L("einmal täglich zusammengefasst", "once a day, summed up")),
                         choice("none", L("nicht", "not at all"))]
QUESTION_TYPES = [choice("text", L("Freitext", "Text")), choice("choice", L("Auswahl", "Choice")),
                  choice("boolean", L("Ja/Nein", "Yes/no"))]


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input; its message in the page's language."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", DATETIME_FORMATS)
        super().__init__(label, validators or [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(L("Bitte Datum und Uhrzeit angeben (TT.MM.JJJJ, HH:MM).",
                                   "Please give a date and time (YYYY-MM-DD, HH:MM).")))


def _count(label, maximum=100_000, default=None):
    return IntegerField(label, default=default, validators=[Optional(), NumberRange(min=0, max=maximum, message=L(
        "Bitte eine Zahl von %(min)s bis %(max)s.", "Please give a number from %(min)s to %(max)s."))])


def _remove():
    return BooleanField(L("Entfernen", "Remove"))


class VenueForm(Form):
    name = StringField(L("Ort (Name)", "Venue (name)"), validators=[Length(max=300)])
    street = StringField(L("Straße und Hausnummer", "Street and number"), validators=[Length(max=300)])
    postal_code = StringField(L("Postleitzahl", "Postal code"), validators=[Length(max=20)])
    city = StringField(L("Stadt", "City"), validators=[Length(max=120)])


class PriceForm(Form):
    amount = StringField(L("Teilnahmegebühr in Euro (0 = kostenlos)", "Fee in euros (0 = free)"),
                         validators=[Optional(), Regexp(AMOUNT_RE, message=L(
                             "Bitte einen Betrag wie 40 oder 40,00 angeben.",
                             "Please give an amount such as 40 or 40.00."))])
    currency = HiddenField(default="EUR")
    note = StringField(L("Hinweis zur Gebühr", "Note on the fee"), validators=[Length(max=300)])


class ContactForm(Form):
    name = StringField(L("Name", "Name"), validators=[Length(max=200)])
    role = StringField(L("Funktion / Stelle", "Role / office"), validators=[Length(max=200)])
    email = EmailField(L("E-Mail-Adresse", "Email address"), validators=[Length(max=320)])
    phone = StringField(L("Telefon", "Phone"), validators=[Length(max=50)])
    remove = _remove()


class SessionForm(Form):
    id = HiddenField()
    title = StringField(L("Titel des Termins", "Session title"), validators=[Length(max=300)])
    starts_at = LocalDateTimeField(L("Beginn", "Starts"))
    ends_at = LocalDateTimeField(L("Ende", "Ends"))
    capacity = _count(L("Plätze (leer = ohne Begrenzung)", "Seats (empty = no limit)"))
    registration = SelectField(L("Anmeldung", "Registration"), choices=REGISTRATION_MODES, default="required")
    remove = _remove()


class AgendaItemForm(Form):
    starts_at = LocalDateTimeField(L("Uhrzeit", "Time"))
    ends_at = LocalDateTimeField(L("Bis (optional)", "Until (optional)"))
    title = StringField(L("Programmpunkt", "Agenda item"), validators=[Length(max=300)])
    speakers = TextAreaField(L("Mitwirkende (eine Person je Zeile)", "Speakers (one per line)"))
    description = TextAreaField(L("Beschreibung", "Description"))
    remove = _remove()


class QuestionForm(Form):
    key = HiddenField()  # made from the label when empty; kept once answers refer to it
    label = StringField(L("Frage", "Question"), validators=[Length(max=300)])
    type = SelectField(L("Antwortart", "Answer type"), choices=QUESTION_TYPES, default="text")
    required = BooleanField(L("Pflichtfrage", "Required"))
    options = TextAreaField(L("Auswahlmöglichkeiten (eine je Zeile)", "Choices (one per line)"))
    remove = _remove()


class PolicyForm(Form):
    mode = SelectField(L("Anmeldung", "Registration"), choices=REGISTRATION_MODES, default="required")
    opens_at = LocalDateTimeField(L("Anmeldung ab (optional)", "Registration opens (optional)"))
    closes_at = LocalDateTimeField(L("Anmeldeschluss (optional)", "Registration deadline (optional)"))
    capacity = _count(L("Plätze insgesamt (leer = ohne Begrenzung)", "Seats in all (empty = no limit)"))
    waitlist = BooleanField(L("Warteliste, wenn alle Plätze vergeben sind", "Waiting list when full"),
                            default=True)
    approval = BooleanField(L("Anmeldungen müssen bestätigt werden (Freigabe)",
                              "Sign-ups need approval"))
    max_companions = _count(L("Höchstzahl Begleitpersonen je Anmeldung", "Companions per sign-up (at most)"), 20)
    questions = FieldList(FormField(QuestionForm), min_entries=0, max_entries=30)


class SeriesForm(Form):
    choice = SelectField(L("Reihe", "Series"), choices=[], validate_choice=False, default="")
    new_title = StringField(L("Titel der neuen Reihe", "Title of the new series"), validators=[Length(max=300)])
    new_planned_parts = _count(L("Geplante Teile insgesamt (M)", "Planned parts in all (M)"), 1000)
    position = IntegerField(L("Diese Veranstaltung ist Teil Nr. (N)", "This event is part no. (N)"),
                            validators=[Optional(), NumberRange(min=1, max=1000, message=L(
                                "Bitte eine Zahl von 1 bis 1000.", "Please give a number from 1 to 1000."))])


class EventForm(FlaskForm):
    title = StringField(L("Titel", "Title"), validators=[
        DataRequired(message=L("Bitte einen Titel angeben.", "Please give a title.")), Length(max=300)])
    summary = TextAreaField(L("Kurzbeschreibung", "Summary"), validators=[Length(max=2000)])
    description = TextAreaField(L("Beschreibung", "Description"), validators=[Length(max=50_000)])
    audience = TextAreaField(L("Zielgruppe", "Audience"), validators=[Length(max=2000)])
    tags = StringField(L("Schlagwörter (durch Komma getrennt)", "Tags (separated by commas)"),
                       validators=[Length(max=1000)])
    language = SelectField(L("Sprache der Veranstaltung", "Language of the event"), choices=LANGUAGES, default="de")
    timezone = StringField(L("Zeitzone (alle Zeiten gelten in dieser Zone)", "Time zone (all times are in it)"),
                           default="Europe/Berlin", validators=[Length(max=64)])
    starts_at = LocalDateTimeField(L("Beginn", "Starts"), validators=[
        InputRequired(message=L("Bitte den Beginn angeben.", "Please give the start."))])
    ends_at = LocalDateTimeField(L("Ende", "Ends"), validators=[
        InputRequired(message=L("Bitte das Ende angeben.", "Please give the end."))])
    format = SelectField(L("Format", "Format"), choices=FORMATS, default="in_person")
    venue = FormField(VenueForm)
    online_url = URLField(L("Online-Link (https://…)", "Online link (https://…)"), validators=[Length(max=1000)])
    price = FormField(PriceForm)
    contacts = FieldList(FormField(ContactForm), min_entries=0, max_entries=10)
    series = FormField(SeriesForm)
    sessions = FieldList(FormField(SessionForm), min_entries=0, max_entries=200)
    agenda = FieldList(FormField(AgendaItemForm), min_entries=0, max_entries=200)
    registration = FormField(PolicyForm)
    reminder_hours_before = _count(L("Erinnerungsmail an die Angemeldeten (Stunden vorher; 0 = keine)",
                                     "Reminder mail to the registrants (hours before; 0 = none)"), 24 * 14, default=24)
    contact_notifications = SelectField(L("Kontaktpersonen über Anmeldungen informieren",
                                          "Tell the contacts about sign-ups"),
                                        choices=CONTACT_NOTIFICATIONS, default="each")

    add_contact = SubmitField(L("Weiteren Kontakt hinzufügen", "Add another contact"))
    add_session = SubmitField(L("Weiteren Termin hinzufügen", "Add another session"))
    add_agenda_item = SubmitField(L("Weiteren Programmpunkt hinzufügen", "Add another agenda item"))
    add_question = SubmitField(L("Weitere Frage hinzufügen", "Add another question"))
    save = SubmitField(L("Speichern", "Save"))

    GROWERS = {"add_contact": "contacts", "add_session": "sessions", "add_agenda_item": "agenda",
               "add_question": "registration.questions"}

    def list_field(self, path: str) -> FieldList:
        field = self
        for part in path.split("."):
            field = field[part] if not isinstance(field, FormField) else field.form[part]
        return field

    def grow_requested(self) -> FieldList | None:
        """The list whose "add another" button was pressed, if one was."""
        for button, path in self.GROWERS.items():
            if self[button].data:
                return self.list_field(path)
        return None

    def ensure_one_row(self) -> None:
        """Every group shows at least one empty row to fill in (blank rows are not sent)."""
        for path in self.GROWERS.values():
            rows = self.list_field(path)
            if not rows.entries:
                rows.append_entry()


class PublishForm(FlaskForm):
    publish = SubmitField(L("Veröffentlichen", "Publish"))


class CancelForm(FlaskForm):
    reason = TextAreaField(L("Nachricht an die Angemeldeten (optional, steht in der Absage-Mail)",
                             "Message to the registrants (optional, part of the cancellation mail)"),
                           validators=[Length(max=2000)])
    confirm = BooleanField(L("Ja, diese Veranstaltung absagen", "Yes, cancel this event"), validators=[
        DataRequired(message=L("Bitte bestätigen Sie die Absage.", "Please confirm the cancellation."))])
    cancel_event = SubmitField(L("Veranstaltung absagen", "Cancel the event"))


class DuplicateForm(FlaskForm):
    next_part = BooleanField(L("Als nächsten Teil der Reihe anlegen", "As the next part of the series"))
    duplicate = SubmitField(L("Kopie als Entwurf anlegen", "Copy as a new draft"))
