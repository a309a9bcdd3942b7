"""German and English for the public pages: a small phrase book and Babel for dates and money."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency

LANGUAGES = ("de", "en")

PHRASES = {
    "site_title": ("Veranstaltungen – Anmeldung", "Events – sign-up"),
    "upcoming": ("Kommende Veranstaltungen", "Upcoming events"),
    "no_events": ("Zurzeit sind keine Veranstaltungen angekündigt.", "No events are announced right now."),
    "details": ("Details und Anmeldung", "Details and sign-up"),
    "back": ("Zurück zur Übersicht", "Back to all events"),
    "when": ("Wann", "When"),
    "where": ("Wo", "Where"),
    "online": ("Online", "Online"),
    "online_link_later": ("Den Zugangslink erhalten Sie nach der Anmeldung.",
                          "You will receive the access link after signing up."),
    "fee": ("Teilnahmegebühr", "Fee"),
    # the same word as in the mails (notifications' render.money)
    "free": ("kostenfrei", "free of charge"),
    "deadline": ("Anmeldeschluss", "Registration deadline"),
    "opens": ("Anmeldung ab", "Registration opens"),
    "agenda": ("Programm", "Programme"),
    "sessions": ("Termine", "Sessions"),
    "contact": ("Kontakt", "Contact"),
    "audience": ("Zielgruppe", "Audience"),
    "organizer": ("Veranstalter", "Organizer"),
    "seats_left": ("Freie Plätze", "Seats left"),
    "seats_unlimited": ("ohne Begrenzung", "no limit"),
    "full": ("ausgebucht", "fully booked"),
    "waitlist_note": ("Die Veranstaltung ist ausgebucht. Sie können sich auf die Warteliste setzen lassen.",
                      "This event is fully booked. You can join the waiting list."),
    "no_registration": ("Ohne Anmeldung – kommen Sie einfach vorbei.", "No registration needed – just come along."),
    "cancelled_event": ("Diese Veranstaltung wurde abgesagt.", "This event was cancelled."),
    "closed": ("Die Anmeldung ist geschlossen.", "Registration is closed."),
    "not_open": ("Die Anmeldung ist noch nicht geöffnet.", "Registration is not open yet."),
    "signup": ("Anmeldung", "Sign up"),
    "name": ("Name", "Name"),
    "email": ("E-Mail-Adresse", "Email address"),
    "companions": ("Begleitpersonen", "Companions"),
    "companions_hint": ("Wie viele Personen bringen Sie mit? (höchstens {n})",
                        "How many people do you bring along? (at most {n})"),
    "choose_sessions": ("Für welche Termine melden Sie sich an?", "Which sessions do you sign up for?"),
    "consent": ("Ich bin einverstanden, dass meine Angaben zur Durchführung der Veranstaltung gespeichert werden. "
                "Ich kann die Anmeldung jederzeit über den Link in der E-Mail absagen.",
                "I agree that my data is stored to run this event. I can cancel at any time by the link in the "
                "email."),
    "honeypot": ("Dieses Feld bitte leer lassen", "Leave this field empty"),
    "submit": ("Verbindlich anmelden", "Sign up"),
    "submit_optional": ("Anmelden", "Sign up"),
    "optional_title": ("Anmeldung (freiwillig)", "Sign up (optional)"),
    "optional_note": ("Die Anmeldung ist freiwillig – Sie können auch ohne Anmeldung kommen. Wer sich anmeldet, "
                      "hilft uns bei der Planung, hat einen Platz sicher und erfährt per E-Mail, wenn sich "
                      "etwas ändert.",
                      "Signing up is optional – you are welcome without it. Signing up helps us plan, keeps a "
                      "seat for you and lets us tell you by email if anything changes."),
    "add_to_calendar": ("In den Kalender übernehmen (.ics)", "Add to your calendar (.ics)"),
    "cancelled_short": ("abgesagt", "cancelled"),
    "submit_waitlist": ("Auf die Warteliste", "Join the waiting list"),
    "required": ("Pflichtfeld", "required"),
    "yes": ("Ja", "Yes"),
    "form_errors": ("Bitte prüfen Sie die markierten Angaben.", "Please check the marked fields."),
    "inbox_title": ("Bitte bestätigen Sie Ihre E-Mail-Adresse", "Please confirm your email address"),
    "inbox_text": ("Wir haben Ihnen eine E-Mail geschickt. Erst wenn Sie den Link darin öffnen, ist Ihre Anmeldung "
                   "gültig. Unbestätigte Anmeldungen verfallen nach {hours} Stunden.",
                   "We have sent you an email. Your registration counts once you open the link in it. "
                   "Unconfirmed sign-ups expire after {hours} hours."),
    "inbox_waitlist": ("Die Veranstaltung ist derzeit ausgebucht: nach der Bestätigung stehen Sie auf der "
                       "Warteliste und werden benachrichtigt, sobald ein Platz frei wird.",
                       "The event is fully booked right now: after confirming you are on the waiting list and "
                       "hear from us as soon as a seat is free."),
    "inbox_spam": ("Keine E-Mail erhalten? Sehen Sie bitte auch im Spam-Ordner nach.",
                   "No email? Please also look in your spam folder."),
    "confirmed_title": ("Ihre Anmeldung ist bestätigt", "Your registration is confirmed"),
    "confirmed_text": ("Sie erhalten eine Bestätigung mit Kalendereintrag per E-Mail.",
                       "You will receive a confirmation with a calendar entry by email."),
    "waitlisted_title": ("Sie stehen auf der Warteliste", "You are on the waiting list"),
    "waitlisted_text": ("Sobald ein Platz frei wird, rücken Sie nach und erhalten eine E-Mail.",
                        "As soon as a seat is free you move up and receive an email."),
    "approval_title": ("Ihre Anmeldung wird geprüft", "Your registration is being reviewed"),
    "approval_text": ("Die Veranstalter prüfen Ihre Anmeldung und melden sich per E-Mail.",
                      "The organizers review your registration and will email you."),
    "cancel_title": ("Anmeldung absagen", "Cancel registration"),
    "cancel_question": ("Möchten Sie Ihre Anmeldung für „{title}“ wirklich absagen?",
                        "Do you really want to cancel your registration for “{title}”?"),
    "cancel_button": ("Ja, Anmeldung absagen", "Yes, cancel my registration"),
    "cancelled_title": ("Ihre Anmeldung ist abgesagt", "Your registration is cancelled"),
    "cancelled_text": ("Schade, dass Sie nicht kommen können. Ihr Platz geht an die nächste Person.",
                       "Sorry you cannot come. Your seat goes to the next person."),
    "link_invalid": ("Dieser Link ist ungültig.", "This link is not valid."),
    "link_expired": ("Dieser Link ist abgelaufen. Bitte melden Sie sich erneut an.",
                     "This link has expired. Please sign up again."),
    "error_title": ("Das hat leider nicht geklappt", "That did not work"),
    "not_found": ("Diese Seite gibt es nicht.", "There is no such page."),
    "too_many": ("Zu viele Anfragen – bitte warten Sie einen Moment und versuchen Sie es erneut.",
                 "Too many requests – please wait a moment and try again."),
    "crashed": ("Ein Fehler ist aufgetreten. Bitte versuchen Sie es später noch einmal.",
                "Something went wrong. Please try again later."),
    "too_large": ("Die Angaben sind zu umfangreich.", "What was sent is too large."),
    "unavailable": ("Die Veranstaltung kann gerade nicht geladen werden. Bitte versuchen Sie es gleich noch einmal.",
                    "The event cannot be loaded right now. Please try again shortly."),
    "too_fast": ("Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das Formular noch einmal.",
                 "That was very quick. Please check what you entered and send the form again."),
    "csrf": ("Das Formular ist abgelaufen. Bitte senden Sie es erneut.",
             "The form has expired. Please send it again."),
    "language": ("Sprache", "Language"),
    "to_event": ("Zur Veranstaltung", "To the event"),
    "status_expired": ("Diese Anmeldung ist verfallen, weil sie nicht rechtzeitig bestätigt wurde.",
                       "This registration expired because it was not confirmed in time."),
    "status_cancelled": ("Diese Anmeldung wurde bereits abgesagt.", "This registration was cancelled already."),
    "status_rejected": ("Diese Anmeldung wurde abgelehnt.", "This registration was rejected."),
    "seats": ("Plätze", "seats"),
    "of": ("von", "of"),
    "skip": ("Zum Inhalt springen", "Skip to content"),
}

# field errors from the API, in German (the English text is the original)
GERMAN_ERRORS = {
    "Missing data for required field.": "Bitte ausfüllen.",
    "Not a valid email address.": "Bitte geben Sie eine gültige E-Mail-Adresse an.",
    "Use an address whose part before the @ has no accents or umlauts.":
        "Bitte verwenden Sie eine Adresse ohne Umlaute oder Akzente vor dem @.",
    "Please agree to the processing of your data for this registration.":
        "Bitte stimmen Sie der Verarbeitung Ihrer Angaben zu.",
    "Please enter your name.": "Bitte geben Sie Ihren Namen an.",
    "Choose at least one session.": "Bitte wählen Sie mindestens einen Termin.",
    "Please answer this question.": "Bitte beantworten Sie diese Frage.",
    "Please confirm this.": "Bitte bestätigen Sie dies.",
    "Choose one of the offered options.": "Bitte wählen Sie eine der Möglichkeiten.",
    "This event takes no companions.": "Zu dieser Veranstaltung können keine Begleitpersonen mitkommen.",
    "Not a valid integer.": "Bitte eine ganze Zahl angeben.",
    "At most 200 characters.": "Höchstens 200 Zeichen.",
}


def pick_language(requested: str | None, event_language: str | None, accept=None) -> str:
    if requested in LANGUAGES:
        return requested
    if event_language in LANGUAGES:
        return event_language
    if accept is not None:
        return accept.best_match(LANGUAGES) or "de"
    return "de"


def translator(lang: str):
    index = 0 if lang == "de" else 1

    def t(key: str, **values) -> str:
        text = PHRASES[key][index]
        return text.format(**values) if values else text
    return t


def error_text(message: str, lang: str) -> str:
    if lang != "de":
        return message
    if message.startswith("At most ") and "companion" in message:
        return "Höchstens " + message.split()[2] + " Begleitperson(en)."
    return GERMAN_ERRORS.get(message, message)


def when(value: str | None, tz: str, lang: str, with_date: bool = True) -> str:
    if not value:
        return ""
    dt = datetime.fromisoformat(value).astimezone(ZoneInfo(tz))
    if not with_date:
        return format_time(dt, "HH:mm", locale=lang)
    pattern = "EEEE, d. MMMM y, HH:mm" if lang == "de" else "EEEE, d MMMM y, HH:mm"
    return format_datetime(dt, pattern, tzinfo=ZoneInfo(tz), locale=lang) + (" Uhr" if lang == "de" else "")


def span(starts: str, ends: str, tz: str, lang: str) -> str:
    zone = ZoneInfo(tz)
    a, b = datetime.fromisoformat(starts).astimezone(zone), datetime.fromisoformat(ends).astimezone(zone)
    suffix = " Uhr" if lang == "de" else ""
    if a.date() == b.date():
        day = format_date(a, "EEEE, d. MMMM y" if lang == "de" else "EEEE, d MMMM y", locale=lang)
        return f"{day}, {a:%H:%M}–{b:%H:%M}{suffix}"
    return f"{when(starts, tz, lang)} – {when(ends, tz, lang)}"


def money(price: dict | None, lang: str) -> str | None:
    if not price or not price.get("amount_cents"):
        return None
    return format_currency(price["amount_cents"] / 100, price.get("currency") or "EUR",
                           locale="de_DE" if lang == "de" else "en_IE")


# the series, organizer, embed and accessibility pages keep their phrases in a file of their own
from .site_phrases import PHRASES as _SITE_PHRASES  # noqa: E402

PHRASES.update(_SITE_PHRASES)
