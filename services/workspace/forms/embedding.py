"""The form of the embedding page: the websites allowed to embed the sign-up, one per line."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from ..i18n import L


class EmbedOriginsForm(FlaskForm):
    origins = TextAreaField(
        L("Websites, die die Anmeldung einbetten dürfen", "Websites allowed to embed the sign-up"),
        description=L("Eine Adresse je Zeile, nur Protokoll und Rechnername, z. B. https://www.kiel.de",
                      "One address per line, scheme and host only, e.g. https://www.kiel.de"),
        validators=[Length(max=20 * 300)])

    def origin_lines(self) -> list[str]:
        return [line.strip() for line in (self.origins.data or "").splitlines() if line.strip()]
