"""Where: a place label with the lines under it, or the first address of the text."""
from __future__ import annotations

import re

from . import rules, schedule
from .findings import Findings


def next_lines(lines, no: int, count: int) -> list:
    out = []
    for line in lines[no + 1:]:
        if not line.text:
            if out:
                break
            continue
        if line.label or len(out) >= count:
            break
        out.append(line)
    return out


def place_label(lines, line, value: str, found: Findings) -> None:
    """"Ort: Stadtteilbücherei …" with the street and "24149 Kiel" on the next lines;
    "Wo: vor der Stadtteilbücherei Dietrichsdorf, Langer Rehm 29 – 24149 Kiel"; "Wo: Online"."""
    if rules.ONLINE_PLACE.match(value):
        found.put("format", "online", line.text, 0.9)
        return
    following = next_lines(lines, line.no, 3)
    text = ", ".join([value] + [l.text for l in following if rules.is_street_line(l.text)
                                or rules.POSTAL_CITY.search(l.text)][:2]) if value else \
        ", ".join(l.text for l in following)
    if not text:
        return
    address = rules.split_address(text)
    if address is None and rules.street_in(text):
        street = rules.street_in(text)
        address = {"street": street, "postal_code": None, "city": None, "start": text.find(street)}
    name = text[:address["start"]] if address else text
    name = rules.clean_venue(name.split(",")[0] if address or "," in name else name)
    snippet = " ".join([line.text] + [l.text for l in following[:2]])
    if name and not rules.is_street_line(name):
        found.put("venue.name", name[:300], snippet, 0.9)
    if address:
        found.put("venue.street", address["street"], snippet, 0.9)
        if address["postal_code"]:
            found.put("venue.postal_code", address["postal_code"], snippet, 0.9)
            found.put("venue.city", address["city"], snippet, 0.9)
    if rules.HYBRID_WORDS.search(text):
        found.put("format", "hybrid", line.text, 0.85)
    elif name or address:
        found.put("format", "in_person", line.text, 0.8)


SENTENCE_END = re.compile(r"(?<=[^\d\s.][.!?])\s+(?=[A-ZÄÖÜ])")


def place_by_address(lines, found: Findings) -> None:
    """Without a place label: the first address outside contact blocks; the venue is the text
    before it on its line, or the line above when that is a short name. Without an address:
    the place named in a sentence that says when (rules.venue_phrase)."""
    if "venue.city" in found or "venue.name" in found:
        return
    if not _place_by_postal_code(lines, found):
        _place_by_phrase(lines, found)
    if "venue.city" not in found and ("venue.name" in found or "venue.street" in found):
        prose = next((l for l in lines if l.text and not l.skip and rules.is_prose(l.text)), None)
        city = rules.dateline_city(prose.text) if prose else None
        if city:
            found.put("venue.city", city, prose.text[:80], 0.45)


def _place_by_phrase(lines, found: Findings) -> None:
    """The venue of the sentences that say when; one named with its street is surer."""
    named = []
    for line in lines:
        if not line.text or line.skip or line.block == "contact":
            continue
        after_when = line.no > 0 and bool(lines[line.no - 1].scan.dates or lines[line.no - 1].scan.times)
        if not (line.scan.dates or line.scan.times or after_when):
            continue
        for sentence in SENTENCE_END.split(line.text):
            name = rules.venue_phrase(sentence)
            if name:
                named.append((name, rules.street_in(sentence), sentence))
    if not named:
        _place_line_after_when(lines, found)
        return
    name, street, sentence = next((n for n in named if n[1]), named[0])
    found.put("venue.name", name[:300], sentence, 0.6 if street else 0.5)
    found.put("venue.street", street, sentence, 0.6)
    if "format" not in found:
        found.put("format", "in_person", sentence, 0.5)


NAME_LINE = re.compile(r"[A-ZÄÖÜ][\wäöüß.\-']*(?:[ ,]+(?:[A-ZÄÖÜ0-9][\wäöüß.\-']*|der|des|am|im|an|in|und|de|von|zum|zur))*\.?")


def _place_line_after_when(lines, found: Findings) -> None:
    """"Dienstag, 11. November 2014" / "8.00 bis 12.00 Uhr" / "Stadtgemeindeamt, Dachgeschoß": in a
    block of short lines giving the date and time, the next short name line is the place."""
    for line in lines:
        if not line.scan.dates or line.skip or rules.is_prose(line.text):
            continue
        for after in lines[line.no + 1:line.no + 4]:
            if not after.text:
                break
            if after.scan.dates or after.scan.times or after.label:
                continue
            if len(after.text) <= 80 and NAME_LINE.fullmatch(after.text) and not rules.looks_like_heading(after.text) \
                    or len(after.text) <= 80 and "," in after.text and NAME_LINE.fullmatch(after.text):
                found.put("venue.name", after.text.rstrip(".")[:300], line.text + " " + after.text, 0.45)
                return
            break


def _place_by_postal_code(lines, found: Findings) -> bool:
    for line in lines:
        if not line.text or line.skip or line.block == "contact":
            continue
        address = rules.split_address(line.text)
        if not address or not address["street"] and not (line.no and rules.is_street_line(lines[line.no - 1].text)):
            continue
        street, name, snippet = address["street"], rules.clean_venue(line.text[:address["start"]]), line.text
        above = [l for l in lines[max(0, line.no - 2):line.no] if l.text]
        if not street and above:
            street = above[-1].text
            above = above[:-1]
        if not name and above:
            candidate = above[-1]
            if not candidate.scan.dates and not candidate.label and len(candidate.text) <= 120 \
                    and found.value("title") != candidate.text.strip(schedule.TITLE_JUNK):
                name, snippet = rules.clean_venue(candidate.text), candidate.text + " " + line.text
        if name:
            found.put("venue.name", name[:300], snippet, 0.7)
        found.put("venue.street", street, snippet, 0.75)
        found.put("venue.postal_code", address["postal_code"], snippet, 0.8)
        found.put("venue.city", address["city"], snippet, 0.8)
        if "format" not in found:
            found.put("format", "in_person", snippet, 0.6)
        return True
    return False
