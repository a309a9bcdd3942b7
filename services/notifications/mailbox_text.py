"""The dev mailbox's words in German and English (the languages of the public site)."""
from __future__ import annotations

LANGUAGES = ("de", "en")

PHRASES = {
    "title": ("Entwickler-Postfach", "Dev mailbox"),
    "intro": ("Alle E-Mails, die der eingebaute SMTP-Empfänger erhalten hat ({total}). Diese Seite gibt es nur "
              "in der Entwicklung.",
              "Every mail the embedded SMTP sink received ({total}). This page exists only in development."),
    "elsewhere": ("E-Mails landen nicht hier: Sie gehen an den SMTP-Server {smtp}. Diese Seite zeigt nur, was "
                  "der eingebaute Empfänger früher erhalten hat.",
                  "Mails do not arrive here: they go to the SMTP server {smtp}. This page only shows what the "
                  "embedded sink received earlier."),
    "received": ("Empfangen", "Received"),
    "to": ("An", "To"),
    "from": ("Von", "From"),
    "subject": ("Betreff", "Subject"),
    "none": ("Noch keine E-Mails.", "No mails yet."),
    "all": ("← alle E-Mails", "← all mails"),
    "html": ("HTML-Fassung", "HTML"),
    "html_frame": ("HTML-Fassung der E-Mail", "HTML part of the mail"),
    "text": ("Text", "Text"),
    "attachment": ("Anhang", "Attachment"),
    "headers": ("Kopfzeilen", "Headers"),
    "language": ("Sprache", "Language"),
}


def page_language(request) -> str:
    requested = request.args.get("lang")
    if requested in LANGUAGES:
        return requested
    return request.accept_languages.best_match(LANGUAGES) or "de"


def translator(lang: str):
    index = LANGUAGES.index(lang)

    def t(key: str, **values) -> str:
        text = PHRASES[key][index]
        return text.format(**values) if values else text
    return t
