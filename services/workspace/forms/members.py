"""Forms of the members and API tokens pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from ..i18n import L

ROLE_CHOICES = [SelectChoice("editor", L("Redaktion (Veranstaltungen bearbeiten)", "Editor (works on events)")),
                SelectChoice("owner", L("Eigentümer (auch Mitglieder und API-Schlüssel verwalten)",
                            "Owner (also manages members and API tokens)"))]


class AddMemberForm(FlaskForm):
    name = StringField(L("Name", "Name"), validators=[Optional(), Length(max=200)])
    email = EmailField(L("E-Mail-Adresse", "Email address"), validators=[
        DataRequired(message=L("Bitte geben Sie die E-Mail-Adresse an.", "Please enter the email address.")),
        Email(message=L("Bitte geben Sie eine gültige E-Mail-Adresse an.", "Please enter a valid email address.")),
        Length(max=320)])
    role = SelectField(L("Rolle", "Role"), choices=ROLE_CHOICES, default="editor")


class RoleForm(FlaskForm):
    role = SelectField(L("Rolle", "Role"), choices=ROLE_CHOICES)


class TokenForm(FlaskForm):
    label = StringField(L("Wofür ist der Schlüssel?", "What is the token for?"),
                        description=L("Zum Beispiel „Import aus dem Veranstaltungskalender“.",
                                      "For example “import from the events calendar”."),
                        validators=[DataRequired(message=L("Bitte beschreiben Sie kurz, wofür.",
                                                           "Please say briefly what it is for.")),
                                    Length(max=100)])


class ConfirmForm(FlaskForm):
    """A button's form (remove, revoke): only the CSRF token."""
