"""Reading a plain-text announcement (German or English, as copied from a web page) into
Findings: labelled lines first, then the text's own shape (headings, date lines, addresses,
programme lines), then words anywhere in it."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from . import rules, schedule
from .contacts import contacts_of
from .dates import Scan, scan
from .findings import Findings
from .where import SENTENCE_END, next_lines, place_by_address, place_label

CONTACT_KINDS = ("contact", "email", "phone")
BLOCK_MAX_LINES = 7


@dataclass
class Line:
    no: int
    text: str
    label: tuple[str, str] | None
    scan: Scan
    skip: bool = False  # noise or a page's publication date: no event facts
    block: str | None = None
    prose: bool = False


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\t]", " ", text)
    return re.sub(r"[\u200b\u200c\u200d\ufeff\u00ad]", "", text)


def prepare(text: str, as_of: date) -> list[Line]:
    lines: list[Line] = []
    for raw in _piped(normalize(text).split("\n")):
        stripped = " ".join(raw.split())
        if rules.ends_announcement(stripped):
            break
        noise = rules.is_noise(stripped) if stripped else False
        line = Line(len(lines), "" if noise else stripped, None, Scan())
        if line.text:
            line.label = rules.label_of(line.text)
            line.scan = scan(line.text, as_of)
            line.skip = rules.is_publication_line(line.text)
            line.prose = rules.is_prose(line.text)
        lines.append(line)
    _mark_contact_blocks(lines)
    return lines


def _piped(raw_lines):
    for raw in raw_lines:
        yield from rules.split_piped(raw) if "|" in raw else (raw,)


def _mark_contact_blocks(lines: list[Line]) -> None:
    """A contact block runs from a "Kontakt" header to the first blank line after its content or
    the next label of another kind."""
    i = 0
    while i < len(lines):
        if lines[i].label and lines[i].label[0] == "contact":
            lines[i].block = "contact"
            j, seen = i + 1, bool(lines[i].label[1])
            while j < len(lines) and j - i <= BLOCK_MAX_LINES:
                line = lines[j]
                if not line.text:
                    if seen:
                        break
                elif line.label and line.label[0] not in CONTACT_KINDS:
                    break
                else:
                    line.block, seen = "contact", True
                j += 1
            i = j
        else:
            i += 1


def first_dated_day(text: str) -> date | None:
    """"Beginn: 13.09.2021 … Anmeldungen bis zum 10. September": with neither an as_of nor a
    publication line, a date without a year belongs to the year of the text's own first full
    date (not to the day of the import, which may be years later)."""
    for raw in normalize(text).split("\n")[:200]:
        for hit in scan(raw, date.today()).dates:
            if hit.has_year:
                return hit.start
    return None


def publication_date(text: str) -> date | None:
    """"Veröffentlicht am: 22. Februar 2018": when no as_of is given, years are read from it."""
    for raw in normalize(text).split("\n")[:80]:
        if rules.is_publication_line(raw):
            hits = scan(raw, date.today()).dates
            if hits and hits[0].has_year:
                return hits[0].start
    return None


def parse_text(text: str, as_of: date) -> Findings:
    lines = prepare(text, as_of)
    found = Findings()
    _labelled(lines, as_of, found)
    _title_and_date(lines, as_of, found)
    _programme(lines, as_of, found)
    _sessions(lines, as_of, found)
    _lone_time(lines, found)
    _words(lines, as_of, found)
    place_by_address(lines, found)
    contacts_of(lines, found, rules.language_of(text))
    _body(lines, found)
    return found


def _put_when(found: Findings, when: schedule.When, start_field="starts_at", end_field="ends_at") -> None:
    found.put(start_field, datetime.combine(when.day, when.start) if when.start else when.day,
              when.snippet, when.confidence if when.start else when.confidence - 0.2)
    if when.end_day or when.end:
        end_day = when.end_day or when.day
        end = datetime.combine(end_day, when.end) if when.end else end_day
        found.put(end_field, end, when.snippet, when.confidence if when.end else when.confidence - 0.2)


def _labelled(lines: list[Line], as_of: date, found: Findings) -> None:
    for line in lines:
        if not line.label or line.skip:
            continue
        kind, value = line.label
        if kind in ("start", "end", "when"):
            when = schedule.when_from(value, as_of, 0.95 if kind != "when" else 0.9)
            if when is None:
                if kind != "when" and line.scan.times:  # "Beginn: 19:30"
                    found.put("time.start" if kind == "start" else "time.end", line.scan.times[0].start, line.text, 0.85)
                continue
            when.snippet = line.text
            if kind == "end":
                found.put("ends_at", datetime.combine(when.day, when.start) if when.start else when.day, line.text,
                          0.95 if when.start else 0.75)
            else:
                _put_when(found, when)
        elif kind == "time" and line.scan.times:
            hit = line.scan.times[0]
            found.put("time.start", hit.start, line.text, 0.85)
            if hit.end:
                found.put("time.end", hit.end, line.text, 0.85)
        elif kind == "price":
            price = rules.price_of(value, labelled=True)
            if price:
                found.put("price", {"amount_cents": price[0], "currency": "EUR", "note": price[1]}, line.text, 0.95)
        elif kind in ("registration", "deadline"):
            mode = rules.registration_mode(line.text) or ("required" if value and kind == "deadline" else None)
            if mode is None and re.search(r"@|http|www\.|unter|bei|per|über|ja\b|yes\b", value, re.I):
                mode = "required"
            if mode:
                found.put("registration.mode", mode, line.text, 0.95)
            if line.scan.dates and (kind == "deadline" or rules.is_deadline_line(line.text)):
                hit = line.scan.dates[-1]
                times = [t for t in line.scan.times if t.span[0] >= hit.span[1]]
                found.put("registration.closes_at", datetime.combine(hit.end or hit.start,
                                                                     times[0].start if times else time(23, 59)),
                          line.text, 0.9)
        elif kind == "place":
            place_label(lines, line, value, found)
        elif kind == "title":
            text = value or " ".join(l.text for l in next_lines(lines, line.no, 1))
            found.put("title", schedule.clean_title(text)[:300], line.text + " " + text, 0.9)
        elif kind == "audience":
            text = value or " ".join(l.text for l in next_lines(lines, line.no, 3))
            found.put("audience", text[:2000], text, 0.8)


def _title_and_date(lines: list[Line], as_of: date, found: Findings) -> None:
    meetings = schedule.dated_headings(lines, as_of)
    if meetings:
        day, title, line = schedule.choose_meeting(meetings, as_of)
        confidence = 0.75 if len(meetings) > 1 else 0.8
        found.put("title", title[:300], line.text, confidence)
        when = schedule.when_from(line.text, as_of, confidence)
        if when:
            _put_when(found, when)
        if len(meetings) > 1:
            found.put("series", {"title": None, "planned_parts": len(meetings),
                                 "parts": [{"date": d, "title": t} for d, t, _ in sorted(meetings, key=lambda m: m[0])]},
                      " · ".join(m[2].text[:60] for m in meetings), 0.6)
    for line in lines if "title" not in found else []:
        if not line.text or line.skip or line.block:
            continue
        if rules.is_prose(line.text):
            sentences = [t for t in SENTENCE_END.split(line.text) if len(t.split()) > 2]
            found.put("title", (sentences or [line.text])[0][:150].rstrip(" .,"), line.text, 0.3)
            break
        if line.label or line.scan.dates and len(line.text) - (line.scan.dates[0].span[1] - line.scan.dates[0].span[0]) < 8:
            continue
        if rules.looks_like_heading(line.text) and not rules.is_street_line(line.text) \
                and not rules.POSTAL_CITY.search(line.text):
            found.put("title", schedule.clean_title(line.text)[:300], line.text, 0.85)
            break
    when = schedule.first_event_date(lines, as_of)
    if when:
        _put_when(found, when)


def _programme(lines: list[Line], as_of: date, found: Findings) -> None:
    items = schedule.agenda(lines)
    if items:
        found.put("agenda", [{"starts_at": i["start"], "ends_at": i["end"], "title": i["title"][:300],
                              "speakers": [s[:300] for s in i["speakers"] if s]} for i in items],
                  " · ".join(i["snippet"] for i in items), 0.8)
    modules = []
    for line in lines:
        if line.label and line.label[0] == "modules" or re.match(r"^(die )?module\b", line.text, re.I):
            for item_line in lines[line.no + 1:line.no + 20]:
                item = rules.list_item(item_line.text) if item_line.text else None
                if item:
                    modules.append(item)
                elif item_line.text and modules:
                    break
            break
    if modules:
        found.put("modules", modules, " · ".join(modules), 0.7)


def _sessions(lines: list[Line], as_of: date, found: Findings) -> None:
    each = schedule.each_time(lines)
    if each:
        found.put("time.start", each[0].start, each[1], 0.6)
        if each[0].end:
            found.put("time.end", each[0].end, each[1], 0.6)
    listed = schedule.dated_list(lines, as_of) or (schedule.dates_with_each_time(lines, as_of) if each else [])
    if listed:
        _listed_sessions(listed, found)
        return
    timed = schedule.dates_with_their_times(lines)
    if timed:
        title = found.value("title") or "Termin"
        found.put("starts_at", timed[0][0], timed[0][1], 0.75)
        found.put("ends_at", timed[-1][0] + timedelta(hours=2), timed[0][1], 0.4)
        found.put("sessions", [{"title": title[:300], "starts_at": at, "ends_at": at + timedelta(hours=2)}
                               for at, _ in timed], timed[0][1], 0.65)
        return
    first, last = found.value("starts_at"), found.value("ends_at") or found.value("starts_at")
    if first is None:
        return
    first_day = first.date() if isinstance(first, datetime) else first
    last_day = last.date() if isinstance(last, datetime) else last
    sessions = schedule.repeated_sessions(lines, first_day, max(first_day, last_day))
    if sessions:
        snippets = dict.fromkeys(s.pop("snippet") for s in sessions)
        found.put("sessions", sessions, " · ".join(snippets), 0.75)


def _lone_time(lines: list[Line], found: Findings) -> None:
    start = found.value("starts_at")
    if isinstance(start, datetime) or "time.start" in found or "agenda" in found or start is None:
        return
    lone = schedule.lone_time_range(lines)
    if lone:
        found.put("time.start", lone[0], lone[2], 0.4)
        found.put("time.end", lone[1], lone[2], 0.4)


def _listed_sessions(listed, found: Findings) -> None:
    """Each listed date a session, at the event's time (a label "Beginn: 19:30" or "jeweils …")."""
    clock = found.value("time.start")
    start = found.value("starts_at")
    if clock is None and isinstance(start, datetime):
        clock = start.time()
    snippet = " · ".join(item[2].text for item in listed)
    first_day, last_day = listed[0][0], listed[-1][0]
    found.put("starts_at", datetime.combine(first_day, clock) if clock else first_day, snippet, 0.75)
    if clock is None:
        found.put("ends_at", last_day, snippet, 0.6)
        return
    until = found.value("time.end") or min(time(23, 59), (datetime.combine(first_day, clock) + timedelta(hours=2)).time())
    found.put("ends_at", datetime.combine(last_day, until), snippet, 0.6)
    title_of = found.value("title") or "Termin"
    found.put("sessions", [{"title": (title or title_of)[:300], "starts_at": datetime.combine(day, clock),
                            "ends_at": datetime.combine(day, until)} for day, title, _ in listed], snippet, 0.7)


def _words(lines: list[Line], as_of: date, found: Findings) -> None:
    text_lines = [l for l in lines if l.text and not l.skip]
    for line in text_lines:
        if "registration.mode" not in found:
            mode = rules.registration_mode(line.text)
            if mode:
                found.put("registration.mode", mode, line.text, 0.75)
        if "price" not in found and line.block is None:
            price = rules.price_of(line.text, labelled=False)
            if price:
                found.put("price", {"amount_cents": price[0], "currency": "EUR", "note": price[1]}, line.text, 0.75)
        if "format" not in found:
            fmt = rules.format_from_words(line.text)
            if fmt:
                found.put("format", fmt[0], line.text, 0.7)
        series = rules.series_of(line.text)
        if series:
            known = found.value("series") or {}
            found.put("series", {"title": series["title"], "planned_parts": series["planned_parts"] or
                                 known.get("planned_parts"), "parts": known.get("parts")},
                      series["snippet"], 0.8 if series["planned_parts"] else 0.65)
    due = schedule.deadline(lines, as_of)
    if due:
        found.put("registration.closes_at", due[0], due[1], 0.8)
        found.put("registration.mode", "required", due[1], 0.7)


def _body(lines: list[Line], found: Findings) -> None:
    paragraphs = [l.text for l in lines if l.text and not l.skip]
    body = "\n".join(paragraphs)
    found.put("language", rules.language_of(body), body[:120], 0.7)
    prose = [l.text for l in lines if l.text and not l.skip and rules.is_prose(l.text)]
    if prose:
        summary = " ".join(re.split(r"(?<=[.!?])\s", prose[0])[:2])
        found.put("summary", summary[:500], prose[0], 0.5)
    description = "\n\n".join(_paragraphs(lines))
    found.put("description", description[:50_000], description[:120], 0.6)


def _paragraphs(lines: list[Line]) -> list[str]:
    out, current = [], []
    for line in lines:
        if line.text and not line.skip:
            current.append(line.text)
        elif current:
            out.append("\n".join(current))
            current = []
    if current:
        out.append("\n".join(current))
    return out
