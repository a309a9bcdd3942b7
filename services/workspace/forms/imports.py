"""The import form: paste an announcement or upload it (.txt, .html, .ics)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import DateField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from ..i18n import L

MAX_TEXT = 100_000  # characters, as the events import reads at most (a long web page)
MAX_UPLOAD_BYTES = 1024 * 1024
EXTENSIONS = ("txt", "html", "htm", "ics")


class ImportForm(FlaskForm):
    text = TextAreaField(L("Text der Ankündigung", "Text of the announcement"), validators=[
        Length(max=MAX_TEXT, message=L("Der Text ist zu lang (höchstens %(max)d Zeichen).",
                                       "The text is too long (at most %(max)d characters)."))])
    upload = FileField(L("… oder eine Datei hochladen (.txt, .html, .ics; höchstens 1 MB)",
                         "… or upload a file (.txt, .html, .ics; at most 1 MB)"), validators=[
        FileAllowed(EXTENSIONS, L("Bitte eine .txt-, .html- oder .ics-Datei wählen.",
                                  "Please choose a .txt, .html or .ics file."))])
    as_of = DateField(L("Veröffentlicht am (optional; für Daten ohne Jahreszahl)",
                        "Published on (optional; for dates without a year)"), validators=[Optional()])
    submit = SubmitField(L("Entwurf erstellen", "Create a draft"))
