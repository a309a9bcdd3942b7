"""Our rules for the lines of an announcement: labels, web-page noise, headings."""
from __future__ import annotations

import re

# ---- labels ---------------------------------------------------------------------------------
LABELS = {
    "start": ("beginn", "start", "anfang", "startzeit", "veranstaltungsbeginn", "begins", "starts", "start time"),
    "end": ("ende", "end", "ends", "veranstaltungsende", "end time", "schluss"),
    "when": ("wann", "datum", "termin", "termine", "zeitraum", "date", "dates", "when", "tag", "zeitpunkt",
             "veranstaltungsdatum", "datum und uhrzeit", "date and time", "wann und wo"),
    "time": ("uhrzeit", "zeit", "time", "beginn um", "öffnungszeiten", "dauer"),
    "place": ("ort", "wo", "veranstaltungsort", "location", "where", "venue", "adresse", "address", "treffpunkt",
              "ort der veranstaltung", "raum", "place", "anschrift"),
    "price": ("preis", "kosten", "eintritt", "gebühr", "gebühren", "teilnahmegebühr", "teilnahmepauschale",
              "teilnahmebeitrag", "kursgebühr", "entgelt", "beitrag", "price", "fee", "fees", "cost", "costs",
              "admission", "teilnahmekosten", "tickets", "ticket", "eintrittspreis", "kostenbeitrag"),
    "registration": ("anmeldung", "registrierung", "registration", "anmeldungen", "anmeldung und information",
                     "anmeldung und informationen", "tickets und anmeldung", "register", "rsvp"),
    "deadline": ("anmeldeschluss", "anmeldefrist", "anmeldung bis", "registration deadline", "deadline"),
    "contact": ("kontakt", "ansprechpartner", "ansprechpartnerin", "ansprechpartner*in", "ansprechperson",
                "ihre ansprechpartnerin", "ihr ansprechpartner", "ihre ansprechpartner", "contact",
                "kontakt und anmeldung", "information und anmeldung", "informationen und anmeldung",
                "weitere informationen", "rückfragen", "fragen", "info", "infos", "auskunft", "kontaktperson"),
    "organizer": ("veranstalter", "veranstalterin", "veranstaltende", "organizer", "organiser", "host",
                  "hosted by", "organisiert von", "eine veranstaltung von", "in kooperation mit"),
    "audience": ("zielgruppe", "audience", "für wen", "teilnehmende", "for whom"),
    "speaker": ("referent", "referentin", "referent*in", "referierende", "referenten", "speaker", "speakers",
                "leitung", "kursleitung", "moderation", "mit"),
    "email": ("e-mail", "email", "mail"),
    "phone": ("telefon", "tel", "tel.", "phone", "fon", "telephone", "mobil"),
    "program": ("programm", "ablauf", "tagesordnung", "agenda", "program", "programme", "schedule"),
    "modules": ("module", "module im überblick", "modules", "die module", "inhalte der module"),
    "title": ("titel", "title", "veranstaltungstitel", "thema", "topic", "name der veranstaltung"),
}
_LABEL_OF = {name: kind for kind, names in LABELS.items() for name in names}
LABEL_LINE = re.compile(r"^\s*[-•*·]?\s*(?P<label>[^\W\d_][\w*.\- ]{0,40}?)\s*[:?]\s*(?P<value>.*)$")
SHOUTED_LABEL = re.compile(r"^\s*(?P<label>[A-ZÄÖÜ]{3,}(?:\s(?:UND\s)?[A-ZÄÖÜ]{3,})?)\s+(?P<value>\S.*)$")


def label_of(line: str) -> tuple[str, str] | None:
    """A line "Beginn: 13.09.2021 10:00" or a header alone ("Kontakt", "Programm:") is labelled:
    the part before the colon, from the few words organizers use (LABELS), says what the value
    is; "WANN? 2. April 2019" and a shouted "EINTRITT frei" are labels too. Returns (kind,
    value); value may be "" when the content follows on the next lines."""
    for pattern in (LABEL_LINE, SHOUTED_LABEL):
        match = pattern.match(line)
        if match:
            kind = _LABEL_OF.get(match["label"].strip().casefold())
            if kind:
                return kind, match["value"].strip()
    bare = line.strip().rstrip(":").strip().casefold()
    kind = _LABEL_OF.get(bare)
    if kind and kind in ("contact", "program", "modules", "registration", "place", "when", "title"):
        return kind, ""
    return None


def split_piped(line: str) -> list[str]:
    """"EINTRITT frei | ANMELDUNG Bis zum 1. April 2019": a line of fields joined by "|" is one
    line per labelled field; unlabelled pieces ("Pariser Platz 6 | 10117 Berlin") stay with the
    field before them."""
    pieces = [p.strip() for p in line.split("|")]
    if len(pieces) < 2 or not any(label_of(p) for p in pieces):
        return [line]
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if out and not label_of(piece):
            out[-1] += ", " + piece
        else:
            out.append(piece)
    return out


# ---- noise ----------------------------------------------------------------------------------
NOISE_LINE = re.compile(
    r"^(zurück|zur übersicht|back|direkt zum inhalt|zum inhalt springen|skip to (main )?content|menü|menu|"
    r"navigation|suche|search|drucken|print|teilen|share|nach oben|drucken nach oben|top|home|startseite|"
    r"seite drucken|seite teilen|facebook|twitter|instagram|linkedin|whatsapp|mastodon|youtube|"
    r"cookie.*|.*cookies?\b.*(akzeptieren|zustimmen|einstellungen|accept|settings).*|alle akzeptieren|"
    r"akzeptieren|ablehnen|accept( all)?|reject( all)?|datenschutz(erklärung)?|impressum|barrierefreiheit|"
    r"sitemap|kontrast|leichte sprache|gebärdensprache|.*\blogo|bild:.*|foto:.*|©.*|\(c\).*|"
    r"flyer \(pdf.*|.*\(pdf[-, ].*\d+[,.]?\d* ?[km]b\)|download.*\.pdf|in den kalender eintragen|"
    r"zum kalender hinzufügen|add to calendar|ical|ics|merken|weitere informationen zu progamm.*|"
    r"eingeschränktes html|erlaubte html-tags:.*|zeilenumbrüche und absätze werden automatisch erzeugt\.?|"
    r"website- und e-mail-adressen werden automatisch in links umgewandelt\.?|"
    r"geben sie die zeichen ein, die im bild gezeigt werden\.?|autor\*?in:.*|"
    r".* bei (instagram|facebook|telegram).*)$", re.I)
CUT_LINE = re.compile(
    r"^(schreibe(n sie)? einen kommentar|neuen kommentar schreiben|kommentar schreiben|kommentare|"
    r"leave a (reply|comment)|mehr beiträge( aus .*)?|weitere beiträge|ähnliche beiträge|das könnte sie "
    r"auch interessieren|weitere veranstaltungen|weitere termine( in .*)?|related (posts|events)|"
    r"more events|you may also like|deine e-mail-adresse wird nicht veröffentlicht.*|[*_=~#-]{3,})\.?\s*$", re.I)
PUBLICATION = re.compile(r"\b(veröffentlicht|aktualisiert|erstellt|geändert|stand|published|updated|posted|"
                         r"last modified|zuletzt|pressemitteilung vom|nachricht vom|meldung vom)\b\s*(am|on)?\s*:?", re.I)


def is_noise(line: str) -> bool:
    """Web-page furniture people copy along with the text: navigation ("zurück", "Direkt zum
    Inhalt"), share and print buttons, cookie banners, logos, file links, a comment form's help."""
    return bool(NOISE_LINE.match(line.strip()))


def ends_announcement(line: str) -> bool:
    """A comment form ("Schreibe einen Kommentar"), a list of other posts ("Mehr Beiträge aus
    Events") or a rule line ("***") ends the announcement: what follows is about other things,
    with other dates, or the footer of a press office."""
    return bool(CUT_LINE.match(line.strip()))


def is_publication_line(line: str) -> bool:
    """"Veröffentlicht am: 22. Februar 2018", "Aktualisiert am …": the date of the page, not of
    the event."""
    return bool(PUBLICATION.search(line)) and len(line) < 80


# ---- title ----------------------------------------------------------------------------------
SECTION_WORDS = re.compile(r"^((das )?programm\b.*|informationen|details|beschreibung|inhalt|zielgruppe|seminarziel|"
                           r"aktueller stand|über uns|description|about|overview|veranstaltungen|events|"
                           r"termine|news|aktuelles|pressemitteilung|hier ein paar details:?)$", re.I)
DATED_HEADING = re.compile(r"^(?P<date>(?:[^\W\d_]{2,12}\.?,?\s+)?\d{1,2}\.?\s*[^\s\d]+\.?\s+\d{4})\s*[:|–—-]\s+"
                           r"(?P<title>(?!\d{1,2}([:.]\d\d)?\s*uhr)[^\W\d_]\S*.{3,200})$", re.I)


def looks_like_heading(line: str) -> bool:
    """A title is a short line (3-150 characters) that is no sentence (no final period unless an
    abbreviation), no label, no address, no section heading like "Programm", "Das Programm des
    …" or "Zielgruppe"."""
    text = line.strip()
    if not 3 <= len(text) <= 150 or len(text.split()) > 22:
        return False
    if text.endswith((".", ",", ";")) and not text.endswith(("e.V.", "e. V.", "u.a.", "usw.")):
        return False
    if SECTION_WORDS.match(text.rstrip(":")) or label_of(text) or "@" in text or "http" in text:
        return False
    return sum(ch.isalpha() for ch in text) >= 3


DATELINE = re.compile(r"^(?P<city>[A-ZÄÖÜ][a-zäöüß]+(?:[- ][A-ZÄÖÜ][a-zäöüß]+)?)(?:\s*\((?:red|dpa|epd|kna|pm)\))?"
                      r"(?:\.\s|\s[–-]\s|\s*\((?:red|dpa|epd|kna|pm)\)\.\s)(?=[A-ZÄÖÜ])")


def dateline_city(paragraph: str) -> str | None:
    """"Stuttgart. Kriege und …", "Kassel – Die Stadtbibliothek …", "Willebadessen (red).": a press
    text opens with the town it reports from."""
    match = DATELINE.match(paragraph)
    return match["city"] if match else None


def is_prose(line: str) -> bool:
    """Running text (a paragraph): many words, or a long line ending a sentence."""
    words = len(line.split())
    return words >= 14 or (words >= 8 and line.rstrip().endswith((".", "!", "?")))


