"""When: the event's dates and times, its agenda, repeated sessions, a list of dated meetings
and the registration deadline, from the scanned lines of a text (see text.Line)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from . import rules
from .dates import DateHit, TimeHit, scan

DAYPART = re.compile(r"^\s*[-•*·–]?\s*(?P<word>vormittags?|nachmittags?|abends?|morgens?|mittags?|täglich|jeweils|"
                     r"in the morning|in the afternoon|in the evening|mornings?|afternoons?|evenings?|daily|"
                     r"each day|(?:mon|diens|mitt|donners|frei|sams|sonn)tags?)\b[\s,:]*(?:von\s+|from\s+|ab\s+)?",
                     re.I)
AGENDA_LEAD = re.compile(r"^\s*[-•*·–]?\s*(?:ab|um|ca\.|gegen|from|at)?\s*$", re.I)
TITLE_JUNK = " \t-–—:|,;\"'„“”‚‘’«»()"


def clean_title(text: str) -> str:
    """Dashes and colons around a title go; quotes only when they enclose all of it."""
    text = text.strip(" \t-–—:|,;")
    if len(text) > 2 and text[0] in "\"'„“”‚‘«»" and text[-1] in "\"'„“”‚‘’«»":
        text = text[1:-1].strip()
    return text


@dataclass
class When:
    day: date
    end_day: date | None
    start: time | None
    end: time | None
    snippet: str
    confidence: float


def _times_after(line_scan, date_hit: DateHit | None) -> tuple[time | None, time | None]:
    times = [t for t in line_scan.times if date_hit is None or t.span[0] >= date_hit.span[0] - 40]
    if not times:
        return None, None
    first = times[0]
    if first.end:
        # "8.00 bis 12.00 Uhr und 13.00 bis 16.00 Uhr": from the first start to the last end
        ranges = [t for t in times if t.end]
        return first.start, ranges[-1].end
    if len(times) > 1 and times[1].end is None and times[1].start > first.start:
        return first.start, times[1].start
    return first.start, None


def when_from(text: str, as_of: date, confidence: float) -> When | None:
    """A labelled value ("13.09.2021 10:00", "29. October 2021", "Samstag, 14. Mai 2022 von 15:00
    bis 16:30 Uhr"): its first date (or range) and the times on it."""
    line_scan = scan(text, as_of)
    if not line_scan.dates:
        return None
    hit = line_scan.dates[0]
    start, end = _times_after(line_scan, hit)
    return When(hit.start, hit.end, start, end, text, confidence)


def dated_headings(lines, as_of: date) -> list[tuple[date, str, object]]:
    """"8. September 2025: Kreisverwaltungen und …", "6. März 2025: Künstliche Intelligenz …": a
    line that opens with a date and a colon names a meeting; several such lines are a list of
    the dated meetings of a series."""
    found = []
    for line in lines:
        match = rules.DATED_HEADING.match(line.text)
        if not match or line.skip:
            continue
        hits = scan(match["date"], as_of).dates
        if hits and hits[0].span[0] <= 12 and hits[0].span[1] >= len(match["date"]) - 1:
            found.append((hits[0].start, clean_title(match["title"]), line))
    return found


def choose_meeting(meetings, as_of: date):
    """Of a list of dated meetings the announced one is the next on or after the publication
    date; when all lie before it, the latest."""
    upcoming = sorted((m for m in meetings if m[0] >= as_of), key=lambda m: m[0])
    return upcoming[0] if upcoming else max(meetings, key=lambda m: m[0])


def first_event_date(lines, as_of: date) -> When | None:
    """Without a label, the event's date is the first date in a short line (a date line beats a
    date in running text) that is not before the publication date; publication dates,
    deadlines and contact blocks do not count."""
    candidates = []
    for line in lines:
        if line.skip or line.block == "contact" or rules.is_publication_line(line.text) \
                or rules.is_deadline_line(line.text):
            continue
        for hit in line.scan.dates:
            if hit.end is None and UNTIL.search(line.text[max(0, hit.span[0] - 20):hit.span[0]]):
                continue  # "ist bis zum 10. März zu sehen": an end, not the start
            candidates.append((line.prose, line, hit))
    if not candidates:
        return None
    ordered = sorted(candidates, key=lambda c: (c[0], c[1].no))
    prose, line, hit = next((c for c in ordered if (c[2].end or c[2].start) >= as_of), ordered[0])
    start, end = _times_after(line.scan, hit)
    snippet = line.text
    if start is None:
        start, end = _time_on_next_lines(lines, line.no)
    if start is None:
        start, end, more = _same_day_with_time(candidates, hit)
        snippet = (snippet + " … " + more) if more else snippet
    return When(hit.start, hit.end, start, end, snippet, 0.55 if prose else 0.7)


UNTIL = re.compile(r"\b(bis|until|till)(\s+(zum|spätestens|einschließlich))?\s*$", re.I)


def dates_with_their_times(lines) -> list[tuple[datetime, str]]:
    """"am Donnerstag, 9. September, um 19 Uhr und am Samstag, 25. September, um 16 Uhr": one
    sentence naming several dates, each with its own time, names the sessions of the event."""
    for line in lines:
        if line.skip or not line.text or line.block or len(line.scan.dates) < 2:
            continue
        for sentence_start, sentence in _sentences(line.text):
            hits = [d for d in line.scan.dates if sentence_start <= d.span[0] < sentence_start + len(sentence)
                    and d.end is None]
            if len(hits) < 2:
                continue
            items = []
            for i, hit in enumerate(hits):
                stop = hits[i + 1].span[0] if i + 1 < len(hits) else sentence_start + len(sentence)
                times = [t for t in line.scan.times if hit.span[1] <= t.span[0] < stop]
                if not times:
                    break
                items.append((datetime.combine(hit.start, times[0].start), sentence))
            if len(items) == len(hits):
                return items
    return []


def _sentences(text: str):
    start = 0
    for match in re.finditer(r"(?<=[^\d\s.][.!?])\s+(?=[A-ZÄÖÜ])", text):
        yield start, text[start:match.start()]
        start = match.end()
    yield start, text[start:]


def _same_day_with_time(candidates, hit: DateHit) -> tuple[time | None, time | None, str | None]:
    """"Debatte im Hospitalhof am 23. Februar" in the heading and "am Donnerstag, 23. Februar,
    um 19 Uhr" in the text: the same day named again with a time gives the time."""
    for _prose, line, other in candidates:
        if other.start == hit.start and other is not hit:
            start, end = _times_after(line.scan, other)
            if start is not None:
                return start, end, line.text
    return None, None, None


EACH_TIME = re.compile(r"\b(?:jeweils|immer)\b(?:[^.\n]{0,80}?\b(?:um|ab|von|zwischen))?\s*(?P<clock>[012]?\d(?:[:.][0-5]\d)?\s*(?:uhr|h)\b"
                       r"(?:\s*(?:-|–|bis)\s*[012]?\d(?:[:.][0-5]\d)?\s*(?:uhr|h)?)?)|\b(?:beginnen|starten|beginnt)\s+"
                       r"jeweils\s+(?:um|ab)\s+(?P<clock2>[012]?\d(?:[:.][0-5]\d)?\s*(?:uhr|h)\b)", re.I)


def each_time(lines) -> tuple[TimeHit, str] | None:
    """"Die Veranstaltungen beginnen jeweils um 20 Uhr", "jeweils ab 18.30 Uhr", "immer um 19.30
    Uhr", "Jeweils dienstags … zwischen 15 und 18 Uhr": the time of every date of the text that
    gives none itself."""
    for line in lines:
        if line.skip or not line.text:
            continue
        match = EACH_TIME.search(line.text)
        if match:
            hits = scan(match["clock"] or match["clock2"], date.today()).times
            if hits:
                return hits[0], line.text
    return None


def dates_with_each_time(lines, as_of: date) -> list[tuple[date, str, object]]:
    """"Jeden Montag im November … jeweils ab 18.30 Uhr … Am 4. November … am 11. November …":
    a text that gives one time for all its dates has a session on each of them."""
    seen: dict[date, tuple] = {}
    for line in lines:
        if line.skip or not line.text or line.block or rules.is_publication_line(line.text) \
                or rules.is_deadline_line(line.text):
            continue
        for hit in line.scan.dates:
            if hit.end is None and hit.start >= as_of:
                seen.setdefault(hit.start, (hit.start, "", line))
    return sorted(seen.values(), key=lambda item: item[0]) if len(seen) >= 2 else []


def dated_list(lines, as_of: date) -> list[tuple[date, str, object]]:
    """"Dienstag, 03. September Anne Weber: Bannmeilen" on line after line: short lines that open
    with a date (weekday allowed) and name what happens are the dates of one event, from the
    publication date on."""
    items = []
    for line in lines:
        if line.skip or not line.text or rules.is_prose(line.text) or not line.scan.dates or line.label:
            continue
        hit = line.scan.dates[0]
        lead = line.text[:hit.span[0]].strip(" -•*·–,")
        if lead and not re.fullmatch(r"[^\W\d_]{2,12}\.?,?", lead) or hit.end is not None:
            continue
        rest = line.text[hit.span[1]:].strip(TITLE_JUNK)
        if len(rest) >= 3 and hit.start >= as_of:
            items.append((hit.start, clean_title(rest), line))
    runs, current = [], []
    for item in items:
        if current and item[2].no - current[-1][2].no > 2:
            runs.append(current)
            current = []
        current.append(item)
    runs.append(current)
    best = max(runs, key=len)
    return best if len(best) >= 3 else []


def _time_on_next_lines(lines, no: int) -> tuple[time | None, time | None]:
    """"Wann: 29. October 2021" followed by "ab 18:00 Uhr": a time alone on the next line."""
    for line in lines[no + 1:no + 3]:
        if not line.text or not line.scan.times or line.scan.dates or len(line.text) > 60:
            continue
        rest = _agenda_title(line)
        if not rest or rules.label_of(rest) or (rest.isupper() and " " not in rest) or " und " in line.text:
            return _times_after(line.scan, None)
    return None, None


OPENING_HOURS = re.compile(r"\b(geöffnet|öffnungszeiten|sprechzeiten|bürozeiten|opening hours)\b", re.I)


def lone_time_range(lines) -> tuple[time, time, str] | None:
    """"In der Zeit von 10 - 16 Uhr können sich Interessierte …" and the date elsewhere: without a
    time of its own, the date takes the text's first time range (not a programme line, not
    opening hours)."""
    for line in lines:
        if line.skip or not line.text or line.block or OPENING_HOURS.search(line.text) or _agenda_time(line):
            continue
        for hit in line.scan.times:
            if hit.end:
                return hit.start, hit.end, line.text
    return None


def _agenda_time(line) -> TimeHit | None:
    if line.skip or line.scan.dates or not line.scan.times or line.block == "contact":
        return None
    hit = line.scan.times[0]
    if not AGENDA_LEAD.match(line.text[:hit.span[0]]) or DAYPART.match(line.text):
        return None
    return hit


def _agenda_title(line) -> str:
    hit = line.scan.times[0]
    rest = line.text[hit.span[1]:]
    rest = re.sub(r"^\s*(uhr|h)\b", "", rest, flags=re.I)
    return rest.strip(TITLE_JUNK)


def agenda(lines) -> list[dict]:
    """"11:00 Uhr" / "Begrüßung" / "Ralf Zimmer-Hegmann, ILS": lines that open with a time are a
    programme when there are at least two; the title follows the time on its line or stands on
    the next one, and the lines after it until the next time name the speakers."""
    items: list[dict] = []
    current = None
    for line in lines:
        hit = _agenda_time(line)
        if hit is not None:
            current = {"start": hit.start, "end": hit.end, "title": _agenda_title(line), "speakers": [],
                       "snippet": line.text}
            items.append(current)
            continue
        if current is None or not line.text or line.skip:
            continue
        if rules.is_prose(line.text) or len(line.text) > 200 or rules.label_of(line.text):
            current = None
            continue
        if not current["title"]:
            current["title"] = line.text.strip(TITLE_JUNK)
            current["snippet"] += " " + line.text
        elif len(current["speakers"]) < 6:
            current["speakers"].append(line.text.strip(TITLE_JUNK))
    items = [i for i in items if i["title"]]
    return items if len(items) >= 2 else []


def repeated_sessions(lines, first_day: date, last_day: date) -> list[dict]:
    """"Vormittags von 10-12:30 Uhr – „Ideenschmiede“" in an event of several days: that time on
    each day. Two such lines on a one-day event are two sessions of that day."""
    patterns = []
    for line in lines:
        if line.skip or line.scan.dates or not line.scan.times:
            continue
        lead = DAYPART.match(line.text)
        hit = line.scan.times[0]
        if not lead or hit.end is None or hit.span[0] > lead.end() + 2:
            continue
        title = line.text[hit.span[1]:]
        title = re.sub(r"^\s*(uhr|h)\b", "", title, flags=re.I).strip(TITLE_JUNK) or lead["word"].capitalize()
        patterns.append((hit.start, hit.end, title[:300], line.text))
    if not patterns or (first_day == last_day and len(patterns) < 2):
        return []
    sessions = []
    day = first_day
    while day <= last_day and len(sessions) < 200:
        for start, end, title, snippet in patterns:
            sessions.append({"title": title, "starts_at": datetime.combine(day, start),
                             "ends_at": datetime.combine(day, end), "snippet": snippet})
        day += timedelta(days=1)
    return sessions


def deadline(lines, as_of: date) -> tuple[datetime, str] | None:
    """"Anmeldungen hierfür bitte bis zum 10. September um 9 Uhr an …": the date in a
    registration sentence with "bis" is the deadline, at the time given there, else at the end
    of that day."""
    for line in lines:
        if line.skip or not line.scan.dates or not rules.is_deadline_line(line.text):
            continue
        hit = line.scan.dates[-1] if rules.label_of(line.text) else line.scan.dates[0]
        times = [t for t in line.scan.times if t.span[0] >= hit.span[1]]
        at = times[0].start if times else time(23, 59)
        return datetime.combine(hit.end or hit.start, at), line.text
    return None
