"""No header injection: display names and subjects lose control characters, addresses must
validate (email-validator, no DNS lookups) before a mail row is ever queued."""
from __future__ import annotations

import re
import unicodedata

from shared.contract import UndeliverableAddress, mail_address

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class InvalidAddress(ValueError):
    pass


def clean_text(value: str | None, limit: int = 300) -> str:
    """One line of harmless text: CR, LF, TAB and other control characters become one space."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", str(value))
    value = _CONTROL.sub(" ", value)
    value = re.sub(r" {2,}", " ", value).strip()
    return value[:limit]


_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_paragraphs(value: str | None, limit: int = 20000) -> str:
    """Text of several lines (an organizer's message): line breaks kept, other control characters gone."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return _BODY_CONTROL.sub("", value).strip()[:limit]


def clean_address(value: str | None) -> str:
    """The normalized address, or InvalidAddress: the contract's one email rule (what the other
    services accept is what we deliver). Refuses anything with CR/LF or a second address."""
    try:
        return mail_address(value)
    except UndeliverableAddress as exc:
        raise InvalidAddress(f"not a valid email address: {value!r} ({exc})"[:300]) from None


def clean_url(value: str | None) -> str | None:
    """A link for a header (List-Unsubscribe): http(s), no whitespace or control characters."""
    if not value or _CONTROL.search(value) or " " in value or not value.startswith(("https://", "http://")):
        return None
    if any(c in value for c in "<>\"'"):
        return None
    return value
