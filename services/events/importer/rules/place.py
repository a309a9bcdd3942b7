"""Our rules for where an event takes place: addresses, venues, online."""
from __future__ import annotations

import re

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
    return bool(re.fullmatch(r"[A-ZÄÖÜ][\wäöüß.'\- ]{2,50}\s\d{1,3}\s?[a-zA-Z]?(\s*[-–/]\s*\d{1,3}\s?[a-zA-Z]?)?",
                             text)) and len(text.split()) <= 6


def clean_venue(name: str) -> str:
    """"vor der Stadtteilbücherei Dietrichsdorf" -> "Stadtteilbücherei Dietrichsdorf"."""
    name = name.strip(" ,–-:|")
    while True:
        stripped = VENUE_PREFIX.sub("", name, count=1)
        if stripped == name or not stripped:
            return name
        name = stripped




STREET_SUFFIX = r"(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|markt|chaussee|steig|pfad|promenade|wall|graben|kai)"
STREET_NAMED = re.compile(
    r"(?<![\wäöüß])(?P<street>(?:[A-ZÄÖÜ][\wäöüß\-]*\s+){0,2}(?:[A-ZÄÖÜ][\wäöüß\-]*" + STREET_SUFFIX + "|"
    + STREET_SUFFIX.replace("(?:", "(?:", 1).title().replace("Str\\.", "Str\\.") + r")\s?\d{1,3}(?:\s?[a-z](?![\wäöüß]))?(?:\s*[-–/]\s*\d{1,3}(?:\s?[a-z](?![\wäöüß]))?)?)(?!\d)")
PLACE_NOUN = re.compile(r"(haus|halle|saal|säle|zentrum|center|centre|bibliothek|bücherei|forum|kirche|rathaus|schule|"
                        r"museum|hof|park|kloster|café|cafe|garten|keller|bühne|theater|stadion|raum|räume|räumen|aula|"
                        r"galerie|werkstatt|treff|heim|kino|arena|foyer|schloss|burg|villa|institut|akademie|"
                        r"universität|hochschule|gebäude|pavillon|scheune|mühle|bahnhof|atelier|studio|kapelle|"
                        r"lesecafé|gemeindehaus|turnhalle|sporthalle|stadtteilzentrum|quartier|laden|markt|"
                        r"platz|ufer|viertel|campus|messe|archiv)$", re.I)
_PLACE_PREP = r"(?i:im|in der|in den|ins|bei der|beim|auf dem|auf der|an der|vor dem|vor der|in)"
_NAME_WORD = r"(?:[A-ZÄÖÜ][\wäöüß\-.']*|der|des|dem|die|das|von|vom|am|an|im|in|de|zur|zum|und|bei|für|auf)"
PLACE_PHRASE = re.compile(r"(?<![\wäöüß])" + _PLACE_PREP + r"\s+(?P<name>[A-ZÄÖÜ][\wäöüß\-.']*(?:\s+" + _NAME_WORD
                          + r")*)(?P<paren>\s*\([^)]{1,40}\))?(?=[\s,.;:!?)]|$)")


def street_in(text: str) -> str | None:
    """"Büchsenstr. 33", "Obere Königsstraße 3-5", "in der Virchowstraße 29", "Berliner Straße
    13/14": a street with its house number, also without a postal code."""
    match = STREET_NAMED.search(text)
    return match["street"].strip() if match else None


def venue_phrase(text: str) -> str | None:
    """"… um 19 Uhr im Fritz-Treutel-Haus statt", "in der Turnhalle der Grundschule in Fischbach":
    in the sentence that says when, a place named after "im", "in der", "bei der" … whose words
    include a place noun (Haus, Halle, Bibliothek, Hof, Forum …) is the venue; of several, the one
    named with its street ("… in der Aula …, ab 19 Uhr im Ratssaal (Rathausplatz 2)")."""
    found = venue_phrases(text)
    if not found:
        return None
    street = STREET_NAMED.search(text)
    if street:
        near = [f for f in found if 0 <= street.start() - f[2] <= 6 or f[1] <= street.start() <= f[2] + 3]
        if near:
            return near[-1][0]
    return found[0][0]


def venue_phrases(text: str) -> list[tuple[str, int, int]]:
    """Every (place, start, end of its name) in the text, in order."""
    out = []
    for match in PLACE_PHRASE.finditer(text):
        name = match["name"]
        street = STREET_NAMED.search(name + " 1")
        if street:  # "Hans-Beutz-Haus in der Virchowstraße": the venue ends before its street
            name = re.sub(r"\s+(?:" + _PLACE_PREP + r"|,)?\s*$", "", name[:street.start()])
        words = name.split()
        while words and not re.match(r"[A-ZÄÖÜ]", words[-1]):
            words.pop()
        if not words or not any(PLACE_NOUN.search(w.strip(".,'")) for w in words):
            continue
        paren = match["paren"] or ""
        if street or STREET_NAMED.search(paren):
            paren = ""
        out.append(((" ".join(words).rstrip(".,;:") + paren).strip(), match.start(), match.end("name")))
    return out
