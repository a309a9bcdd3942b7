"""Our rules for the terms of an event: price, registration, format, series, language."""
from __future__ import annotations

import re

from .place import HYBRID_WORDS, ONLINE_WORDS


# ---- price ----------------------------------------------------------------------------------
FREE = re.compile(r"\b(kostenfrei|kostenlos|gebührenfrei|entgeltfrei|unentgeltlich|gratis|umsonst|"
                  r"eintritt( ist)? frei|freier eintritt|der eintritt ist frei|ohne (kosten|gebühr)|"
                  r"free( of charge| admission| entry)?|admission( is)? free|no charge)\b", re.I)
MONEY = re.compile(r"(?:(?P<cur1>€|EUR|Euro)\s*(?P<a1>\d{1,5}(?:[.,]\d{1,2})?)|(?P<a2>\d{1,5}(?:[.,]\d{1,2})?)"
                   r"\s*(?:,-|,–)?\s*(?P<cur2>€|EUR|Euro))", re.I)
SPELLED_MONEY = re.compile(r"\b(?P<word>ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)\s+(euro|€)", re.I)
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
    spelled = SPELLED_MONEY.search(value)
    if spelled and COST_WORDS.search(value):
        return NUMBER_WORDS[spelled["word"].casefold()] * 100, None
    money = list(MONEY.finditer(value))
    if money and (labelled or COST_WORDS.search(value)):
        first = money[0]
        amount = (first["a1"] or first["a2"]).replace(".", "").replace(",", ".") \
            if re.search(r"[.,]\d{1,2}$", first["a1"] or first["a2"]) else (first["a1"] or first["a2"]).replace(".", "")
        cents = round(float(amount.replace(",", ".")) * 100)
        return cents, (value[:300] if len(money) > 1 else None)
    if FREE.search(value):
        return 0, None
    bare = re.match(r"(\d{1,5})(?:[.,](\d{2})|,-|,–)?(?!\d)", value)
    if labelled and bare:  # "Eintritt: 12,- / 6,- / 1,-"
        cents = int(bare[1]) * 100 + int(bare[2] or 0)
        return cents, (value[:300] if re.search(r"\d.*[/,;].*\d", value[bare.end():]) else None)
    return None


# ---- registration ---------------------------------------------------------------------------
REG_NONE = re.compile(r"(ohne (vorherige )?(vor)?anmeldung|keine (vorherige )?(vor)?anmeldung|(vor)?anmeldung(en)? "
                      r"(ist |sind )?(nicht|nicht mehr) (erforderlich|notwendig|nötig)|nicht erforderlich|einfach vorbeikommen|"
                      r"no (prior )?(registration|sign-?up)( is)? (required|needed|necessary)|registration is not "
                      r"(required|necessary|needed)|without registration)", re.I)
REG_OPTIONAL = re.compile(r"(anmeldung (ist )?(erwünscht|empfohlen|willkommen)|wir bitten um anmeldung, |"
                          r"möglichst (vorher|vorab|im voraus)?\b.{0,80}\banmelden|"
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
NUMBER_WORDS = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
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
