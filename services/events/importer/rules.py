"""Our rules for reading announcements: what a line of an announcement means.

Everything a library does better lives elsewhere (month names: babel via dates.py; phone
numbers: phonenumbers; addresses in mail: email-validator). What is here is our own reading of
how German and English public bodies write announcements; each rule says so in its docstring,
and tests/events/test_import_rules.py has a test for each seed phrase a rule was made for.
"""
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
}
_LABEL_OF = {name: kind for kind, names in LABELS.items() for name in names}
LABEL_LINE = re.compile(r"^\s*[-•*·]?\s*(?P<label>[^\W\d_][\w*.\- ]{0,40}?)\s*:\s*(?P<value>.*)$")


def label_of(line: str) -> tuple[str, str] | None:
    """A line "Beginn: 13.09.2021 10:00" or a header alone ("Kontakt", "Programm:") is labelled:
    the part before the colon, from the few words organizers use (LABELS), says what the value
    is. Returns (kind, value); value may be "" when the content follows on the next lines."""
    match = LABEL_LINE.match(line)
    if match:
        kind = _LABEL_OF.get(match["label"].strip().casefold())
        if kind:
            return kind, match["value"].strip()
    bare = line.strip().rstrip(":").strip().casefold()
    kind = _LABEL_OF.get(bare)
    if kind and kind in ("contact", "program", "modules", "registration", "place", "when"):
        return kind, ""
    return None


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
    r"more events|you may also like|deine e-mail-adresse wird nicht veröffentlicht.*)\.?\s*$", re.I)
PUBLICATION = re.compile(r"\b(veröffentlicht|aktualisiert|erstellt|geändert|stand|published|updated|posted|"
                         r"last modified|zuletzt)\b\s*(am|on)?\s*:?", re.I)


def is_noise(line: str) -> bool:
    """Web-page furniture people copy along with the text: navigation ("zurück", "Direkt zum
    Inhalt"), share and print buttons, cookie banners, logos, file links, a comment form's help."""
    return bool(NOISE_LINE.match(line.strip()))


def ends_announcement(line: str) -> bool:
    """A comment form ("Schreibe einen Kommentar") or a list of other posts ("Mehr Beiträge aus
    Events") ends the announcement: what follows is about other things, with other dates."""
    return bool(CUT_LINE.match(line.strip()))


def is_publication_line(line: str) -> bool:
    """"Veröffentlicht am: 22. Februar 2018", "Aktualisiert am …": the date of the page, not of
    the event."""
    return bool(PUBLICATION.search(line)) and len(line) < 80


# ---- title ----------------------------------------------------------------------------------
SECTION_WORDS = re.compile(r"^(programm|informationen|details|beschreibung|inhalt|zielgruppe|seminarziel|"
                           r"aktueller stand|über uns|description|about|overview|veranstaltungen|events|"
                           r"termine|news|aktuelles|pressemitteilung|hier ein paar details:?)$", re.I)
DATED_HEADING = re.compile(r"^(?P<date>.{6,40}?\d{4})\s*[:|–—-]\s+(?P<title>\S.{3,200})$")


def looks_like_heading(line: str) -> bool:
    """A title is a short line (3-150 characters) that is no sentence (no final period unless an
    abbreviation), no label, no address, no section word like "Programm" or "Zielgruppe"."""
    text = line.strip()
    if not 3 <= len(text) <= 150 or len(text.split()) > 22:
        return False
    if text.endswith((".", ",", ";")) and not text.endswith(("e.V.", "e. V.", "u.a.", "usw.")):
        return False
    if SECTION_WORDS.match(text.rstrip(":")) or label_of(text) or "@" in text or "http" in text:
        return False
    return sum(ch.isalpha() for ch in text) >= 3


def is_prose(line: str) -> bool:
    """Running text (a paragraph): many words, or a long line ending a sentence."""
    words = len(line.split())
    return words >= 14 or (words >= 8 and line.rstrip().endswith((".", "!", "?")))


# ---- place ----------------------------------------------------------------------------------
ONLINE_PLACE = re.compile(r"^(online|digital|virtuell|virtual|im internet|webinar|zoom|webex|"
                          r"(ms |microsoft )?teams|bigbluebutton|jitsi|livestream|online[- ]\w+)\b", re.I)
ONLINE_WORDS = re.compile(r"\b(online[- ]?(seminar|veranstaltung|workshop|vortrag|lesung|format|event|meeting|"
                          r"treffen|talk|konferenz|tagung|sprechstunde|kurs|fortbildung|schulung|session)\w*|"
                          r"webinar\w*|videokonferenz\w*|per zoom|via zoom|über zoom|zoom-\w+|findet online statt|"
                          r"digital statt|online statt|online teilnehmen|livestream|live-stream|webex|"
                          r"held online|takes place online|virtual event)\b", re.I)
HYBRID_WORDS = re.compile(r"\b(hybrid\w*|vor ort (und|oder|sowie) (online|digital)|(online|digital) (und|oder) "
                          r"vor ort|in person and online|auch online|zusätzlich (im )?livestream)\b", re.I)
POSTAL_CITY = re.compile(
    r"(?<![\d/+\-])(?:D-\s?)?(?P<plz>\d{5})(?!\d)\s+(?P<city>[A-ZÄÖÜ][\wäöüß.\-]*(?:\s+(?:an der|am|im|in der|ob der|"
    r"bei|a\.\s?d\.|v\.\s?d\.\s?H\.)\s+[A-ZÄÖÜ][\wäöüß\-]*|\s*\((?:[A-ZÄÖÜ][\wäöüß. ]{1,25})\)|\s+[A-ZÄÖÜ][a-zäöüß]+"
    r"(?=\s*$))?)")
STREET = re.compile(r"(?P<street>(?:[A-ZÄÖÜ][\wäöüß.'\-]*\s?)(?:[\wäöüß.'\-]+\s){0,4}?\d{1,4}\s?[a-zA-Z]?"
                    r"(?:\s*[-–/]\s*\d{1,4}\s?[a-zA-Z]?)?)\s*(?:[,–\-]|$)")
VENUE_PREFIX = re.compile(r"^(vor|in|im|in der|in den|vor der|vor dem|auf dem|an der|am|bei|beim|at|at the|"
                          r"the|die|der|das)\s+", re.I)


def split_address(text: str) -> dict | None:
    """"Brüderweg 22 – 24, 44135 Dortmund", "Langer Rehm 29 – 24149 Kiel", "24149 Kiel": a German
    postal code of five digits before the city; the street with its house number (or range of
    numbers) before it. Returns the parts found and where the address starts in `text`."""
    postal = POSTAL_CITY.search(text)
    if not postal:
        return None
    before = text[:postal.start()].rstrip(" ,–-|")
    parts = {"postal_code": postal["plz"], "city": postal["city"].strip(), "street": None, "start": postal.start()}
    pieces = re.split(r"\s*[,|;]\s*|\s+[–—-]\s+(?=\D)", before)
    if pieces and pieces[-1]:
        street = STREET.fullmatch(pieces[-1].strip() + ",") or STREET.fullmatch(pieces[-1].strip())
        if street and re.search(r"\d", pieces[-1]):
            parts["street"] = street["street"].strip()
            parts["start"] = before.rfind(pieces[-1])
    return parts


def is_street_line(line: str) -> bool:
    """A line that is only a street and house number ("Langer Rehm 29")."""
    text = line.strip()
    return bool(re.fullmatch(r"[A-ZÄÖÜ][\wäöüß.'\- ]{2,50}\s\d{1,4}\s?[a-zA-Z]?(\s*[-–/]\s*\d{1,4}\s?[a-zA-Z]?)?",
                             text)) and len(text.split()) <= 6


def clean_venue(name: str) -> str:
    """"vor der Stadtteilbücherei Dietrichsdorf" -> "Stadtteilbücherei Dietrichsdorf"."""
    name = name.strip(" ,–-:|")
    while True:
        stripped = VENUE_PREFIX.sub("", name, count=1)
        if stripped == name or not stripped:
            return name
        name = stripped


# ---- price ----------------------------------------------------------------------------------
FREE = re.compile(r"\b(kostenfrei|kostenlos|gebührenfrei|entgeltfrei|unentgeltlich|gratis|umsonst|"
                  r"eintritt( ist)? frei|freier eintritt|der eintritt ist frei|ohne (kosten|gebühr)|"
                  r"free( of charge| admission| entry)?|admission( is)? free|no charge)\b", re.I)
MONEY = re.compile(r"(?:(?P<cur1>€|EUR|Euro)\s*(?P<a1>\d{1,5}(?:[.,]\d{1,2})?)|(?P<a2>\d{1,5}(?:[.,]\d{1,2})?)"
                   r"\s*(?:,-|,–)?\s*(?P<cur2>€|EUR|Euro))", re.I)
COST_WORDS = re.compile(r"\b(kostet|kosten|gebühr|eintritt|preis|beitrag|entgelt|pauschale|ticket|fee|cost|"
                        r"price|admission|teilnahme|zahlen|ermäßigt)\w*", re.I)


def price_of(text: str, labelled: bool) -> tuple[int, str | None] | None:
    """Amount in cents and a note. "Preis: 0", "Teilnahmepauschale: 40,00 €", "kostenfrei",
    "Eintritt frei". A bare number counts only after a price label; elsewhere an amount needs a
    currency and a word about paying in the same sentence. Several amounts ("10 €, ermäßigt
    5 €"): the first is the price, the whole phrase its note."""
    value = text.strip()
    if labelled and re.fullmatch(r"0+([.,]0+)?\s*(€|eur|euro)?", value, re.I):
        return 0, None
    money = list(MONEY.finditer(value))
    if money and (labelled or COST_WORDS.search(value)):
        first = money[0]
        amount = (first["a1"] or first["a2"]).replace(".", "").replace(",", ".") \
            if re.search(r"[.,]\d{1,2}$", first["a1"] or first["a2"]) else (first["a1"] or first["a2"]).replace(".", "")
        cents = round(float(amount.replace(",", ".")) * 100)
        return cents, (value[:300] if len(money) > 1 else None)
    if FREE.search(value):
        return 0, None
    if labelled and re.fullmatch(r"\d{1,5}([.,]\d{1,2})?", value):
        return round(float(value.replace(",", ".")) * 100), None
    return None


# ---- registration ---------------------------------------------------------------------------
REG_NONE = re.compile(r"(ohne (vorherige )?anmeldung|keine (vorherige )?anmeldung|anmeldung (ist )?(nicht|nicht "
                      r"mehr) (erforderlich|notwendig|nötig)|nicht erforderlich|einfach vorbeikommen|"
                      r"no (prior )?(registration|sign-?up)( is)? (required|needed|necessary)|registration is not "
                      r"(required|necessary|needed)|without registration)", re.I)
REG_OPTIONAL = re.compile(r"(anmeldung (ist )?(erwünscht|empfohlen|willkommen)|wir bitten um anmeldung, |"
                          r"registration (is )?(recommended|appreciated|welcome))", re.I)
REG_REQUIRED = re.compile(r"(anmeldung( ist)?:?\s*(erforderlich|notwendig|nötig|obligatorisch|verpflichtend|"
                          r"unbedingt|ja\b)|anmeldung (unter|bei|bis|per|über|an|im|beim|online|telefonisch)\b|"
                          r"anmeldungen\b.{0,40}\bbis\b|um (vorherige )?anmeldung wird gebeten|bitte melden sie sich|"
                          r"melden sie sich .{0,40}an\b|anmeldeschluss|anmeldefrist|verbindliche anmeldung|"
                          r"registration (is )?required|please register|register (by|at|via|until|here|now|online)|"
                          r"sign up (by|at|here|now)|begrenzte teilnehmer(zahl|plätze)|teilnehmerzahl ist begrenzt|"
                          r"plätze sind begrenzt|anmelden unter|zur anmeldung|bitte anmelden)", re.I)
REG_CONTEXT = re.compile(r"(anmeld|registr|register|sign[- ]?up|melden sie sich|rsvp|tickets? (bis|by))", re.I)
DEADLINE_CUE = re.compile(r"\b(bis( zum| spätestens)?|spätestens( am| bis)?|by|until|before|deadline|"
                          r"anmeldeschluss|anmeldefrist|no later than)\b", re.I)


def registration_mode(text: str) -> str | None:
    """"Anmeldung: erforderlich", "Anmeldungen … bitte bis zum …" -> required; "Eintritt frei,
    ohne Anmeldung" -> none; "Anmeldung erwünscht" -> optional. Negations are read first."""
    if REG_NONE.search(text):
        return "none"
    if REG_OPTIONAL.search(text):
        return "optional"
    if REG_REQUIRED.search(text):
        return "required"
    return None


def is_deadline_line(line: str) -> bool:
    """A date is a registration deadline when the same sentence speaks of registering and of
    "bis (zum)", "spätestens", "Anmeldeschluss": "Anmeldungen hierfür bitte bis zum 10. September
    um 9 Uhr an …"."""
    return bool(REG_CONTEXT.search(line) and DEADLINE_CUE.search(line))


# ---- format ---------------------------------------------------------------------------------
def format_from_words(text: str) -> tuple[str, str] | None:
    """"Online-Seminar", "Webinar", "per Zoom" -> online; "hybrid", "vor Ort und online" -> hybrid.
    "Online-Anmeldung" says how to register, not where the event is, and is not counted."""
    hybrid = HYBRID_WORDS.search(text)
    if hybrid:
        return "hybrid", hybrid.group(0)
    online = ONLINE_WORDS.search(text)
    if online:
        return "online", online.group(0)
    return None


# ---- series and modules ---------------------------------------------------------------------
NUMBER_WORDS = {"zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
                "zehn": 10, "elf": 11, "zwölf": 12, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
SERIES = re.compile(r"\b(?:teil|part|bestandteil|auftakt)\s+(?:einer|der|unserer|of an?|of the)\s+"
                    r"(?:(?P<n>\d{1,2}|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|two|three|four|five|"
                    r"six)[- ]?(?:teilig|part|session)\w*\s+)?(?P<title>[\wäöüß\-]*(?:reihe|serie|series)\b[^.!?\n]{0,80})",
                    re.I)
POSITION = re.compile(r"^(?P<n>\d{1,2})\.\s*(?P<kind>werkstatt|teil|termin|modul|treffen|sitzung|abend|"
                      r"veranstaltung|workshop|forum|dialog|runde|session)\b|\b(?:teil|part|modul|module)\s+"
                      r"(?P<n2>\d{1,2})\b", re.I)


def series_of(text: str) -> dict | None:
    """"Die Werkstatt ist Teil einer vierteiligen Werkstattreihe zum Thema …": the event is part
    of a series with that title and (when said) that many planned parts."""
    match = SERIES.search(text)
    if not match:
        return None
    n = match["n"]
    parts = (int(n) if n.isdigit() else NUMBER_WORDS[n.casefold()]) if n else None
    title = match["title"].strip(" ,;:–-")
    return {"title": title[:1].upper() + title[1:], "planned_parts": parts, "snippet": match.group(0)}


def position_in_series(title: str) -> int | None:
    """"2. Werkstatt: …", "Teil 3": the event's place in its series."""
    match = POSITION.search(title)
    if not match:
        return None
    return int(match["n"] or match["n2"])


NUMBERED_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-•*·–])\s+(?P<item>\S.{1,200})$")


def list_item(line: str) -> str | None:
    """"  1. Freiheit im Denken", "- Ideenschmiede": one item of a list (modules, topics)."""
    match = NUMBERED_ITEM.match(line)
    return match["item"].strip() if match else None


# ---- language -------------------------------------------------------------------------------
_DE = re.compile(r"\b(und|der|die|das|mit|für|ist|wird|sie|eine?|auf|zum|zur|von|nicht|uhr)\b", re.I)
_EN = re.compile(r"\b(and|the|with|for|is|will|you|an?|on|to|of|not|from|at)\b", re.I)


def language_of(text: str) -> str:
    """German unless English function words clearly outnumber German ones."""
    sample = text[:5000]
    return "en" if len(_EN.findall(sample)) > 1.5 * len(_DE.findall(sample)) else "de"
