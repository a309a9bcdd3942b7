"""Plain text an organizer wrote, shown as HTML: escaped, with its web addresses as links."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

# an address ends before whitespace, quotes and angle brackets; punctuation that closes a
# sentence ("… unter https://example.org.") is not part of it
URL_RE = re.compile(r"https?://[^\s<>\"']+")
TRAILING = ".,;:!?)]}"


def linkify(text: str | None) -> Markup:
    """Escape everything; wrap each http(s) address in a link that opens as a normal page."""
    if not text:
        return Markup("")
    parts, last = [], 0
    for match in URL_RE.finditer(text):
        url = match.group(0)
        kept = len(url.rstrip(TRAILING))
        if url[:kept].count("(") > url[:kept].count(")") and url[kept:kept + 1] == ")":
            kept += 1  # a Wikipedia-style address ends in its own closing bracket
        url, start = url[:kept], match.start()
        parts.append(escape(text[last:start]))
        parts.append(Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>').format(url))
        last = start + len(url)
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
