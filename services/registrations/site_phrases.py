"""German and English for the series, organizer, subscription, embed and accessibility pages
(i18n.PHRASES takes these in; kept apart so the sign-up phrase book stays readable)."""
from __future__ import annotations

PHRASES = {
    "series_part": ("Teil {n} von {total}", "Part {n} of {total}"),
    "series_parts": ("Alle Teile der Reihe", "All parts of the series"),
    "series_title": ("Veranstaltungsreihe", "Event series"),
    "this_part": ("diese Veranstaltung", "this event"),
    "past": ("vorbei", "past"),
    "part_cancelled": ("abgesagt", "cancelled"),
    "organizer_events": ("Veranstaltungen von {name}", "Events by {name}"),
    "subscribe_title": ("Kalender abonnieren", "Subscribe to the calendar"),
    "subscribe_series": ("Alle Termine dieser Reihe im eigenen Kalender abonnieren",
                         "Subscribe to all dates of this series in your calendar"),
    "subscribe_organizer": ("Alle Veranstaltungen von {name} im eigenen Kalender abonnieren",
                            "Subscribe to all events by {name} in your calendar"),
    "subscribe_hint": ("Falls sich Ihr Kalender nicht öffnet, fügen Sie diese Adresse als Kalender-Abonnement "
                       "hinzu:", "If your calendar does not open, add this address as a calendar subscription:"),
    "more_by": ("Weitere Veranstaltungen von {name}", "More events by {name}"),
    "embed_open": ("Zur Anmeldung (öffnet die Veranstaltungsseite)", "Sign up (opens the event page)"),
    "embed_details": ("Details zur Veranstaltung (öffnet ein neues Fenster)",
                      "Event details (opens a new window)"),
    "embed_title": ("Anmeldung: {title}", "Sign-up: {title}"),
    "consent_short": ("Einverständnis", "Consent"),
    "a11y_title": ("Erklärung zur Barrierefreiheit", "Accessibility statement"),
    "a11y_link": ("Barrierefreiheit", "Accessibility"),
}
