"""The sign-in forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField
from wtforms.validators import DataRequired, Email, Length

from ..i18n import L


class SignInForm(FlaskForm):
    email = EmailField(L("E-Mail-Adresse", "Email address"),
                       validators=[DataRequired(message=L("Bitte geben Sie Ihre E-Mail-Adresse an.",
                                                          "Please enter your email address.")),
                                   Email(message=L("Bitte geben Sie eine gültige E-Mail-Adresse an.",
                                                   "Please enter a valid email address.")),
                                   Length(max=320)])
    next = HiddenField()


class ConfirmSignInForm(FlaskForm):
    """The one button behind the mail's link: mail scanners open links, they do not press buttons."""
    next = HiddenField()


class SignOutForm(FlaskForm):
    pass
