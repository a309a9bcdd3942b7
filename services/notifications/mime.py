"""A message row as the bytes of one RFC 5322 mail, written directly.

The standard `email` package builds a tree of objects, parses every header it is given back
into structured objects, encodes the bodies in pure Python and walks the tree again to write
it out: about two thirds of a worker's CPU per mail went there. The mails of this service
all have one shape (text + HTML, an optional .ics), so it is written out here with the C
codecs of `binascii`. What many mails share (the body of a contact mail sent to several
contact persons, the sender) is encoded once. The result is read by the same parsers as
before (tests/notifications parse every mail back with the `email` package).
"""
from __future__ import annotations

import binascii
import functools
import re
import uuid
from email.header import Header
from email.utils import format_datetime, parseaddr
from typing import NamedTuple

from shared.db import utcnow

from .safety import clean_address, clean_text

CRLF = "\r\n"
# RFC 2045 tspecials and RFC 5322 specials: a display name with one of them is quoted
_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')
# header values that are URLs in angle brackets: an encoded word there is no link any more
VERBATIM = ("list-unsubscribe", "list-unsubscribe-post")


class RawMail(NamedTuple):
    """A mail ready for SMTP: its one envelope recipient and its bytes (CRLF line ends)."""
    recipient: str
    data: bytes


# RFC 2047 "Q" encoding: these stand for themselves in an encoded word anywhere in a header
_Q_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")
_WORD_ROOM = 75 - len("=?utf-8?q??=")  # an encoded word is at most 75 characters long


def _q_words(text: str, first_room: int) -> list[str]:
    """`text` as encoded words, split between characters (never inside one)."""
    words, current, room = [], [], first_room
    for char in text:
        if char in _Q_PLAIN:
            piece = char
        elif char == " ":
            piece = "_"
        else:
            piece = "".join(f"={byte:02X}" for byte in char.encode("utf-8"))
        if current and sum(map(len, current)) + len(piece) > room:
            words.append("".join(current))
            current, room = [], _WORD_ROOM
        current.append(piece)
    if current:
        words.append("".join(current))
    return [f"=?utf-8?q?{word}?=" for word in words]


@functools.lru_cache(maxsize=512)
def _encoded_words(text: str, name: str) -> str:
    """A header value as RFC 5322 wants it: ASCII as it is (folded at spaces when long), other
    text as RFC 2047 encoded words, each line below 78 characters. Readers drop the folding
    between encoded words, so a space next to a fold is never doubled. Cached: every
    registrant of an event gets the same subject."""
    if text.isascii():
        if len(name) + 2 + len(text) <= 78:
            return text
        return Header(text, "us-ascii", header_name=name).encode(linesep=CRLF)
    # the first line also holds "Name: "
    return (CRLF + " ").join(_q_words(text, max(8, _WORD_ROOM - len(name) - 2)))


def mailbox(display_name: str, address: str, header: str) -> str:
    if not display_name:
        return address
    if not display_name.isascii():
        return f"{_encoded_words(display_name, header)} <{address}>"
    if _SPECIALS.search(display_name) or "=?" in display_name:
        quoted = display_name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{address}>'
    return f"{display_name} <{address}>"


@functools.lru_cache(maxsize=8)
def sender(mail_from: str) -> tuple[str, str]:
    """(From header value, envelope address) of MAIL_FROM."""
    name, addr = parseaddr(mail_from)
    addr = clean_address(addr)
    return mailbox(clean_text(name), addr, "From"), addr


@functools.lru_cache(maxsize=256)
def _quoted_printable(text: str) -> str:
    """Quoted-printable with CRLF line ends: 7-bit safe for every server, still readable raw.
    Cached: the mails of one contact message to several persons share their bodies."""
    normalized = text.replace("\r\n", "\n").replace("\n", CRLF)
    return binascii.b2a_qp(normalized.encode("utf-8"), istext=True).decode("ascii")


def _base64(data: bytes) -> str:
    lines = [binascii.b2a_base64(data[i:i + 57], newline=False).decode("ascii") for i in range(0, len(data), 57)]
    return CRLF.join(lines)


def _header(name: str, value: str) -> str:
    text = clean_text(value, 900)
    if name.lower() in VERBATIM and text.isascii():
        return f"{name}: {text}"  # RFC 5322 allows 998 characters a line
    return f"{name}: {_encoded_words(text, name)}"


def _text_part(subtype: str, text: str) -> str:
    return (f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}Content-Transfer-Encoding: quoted-printable'
            f"{CRLF}{CRLF}{_quoted_printable(text)}")


def build(row, config, recipient_checked: bool = False) -> RawMail:
    """The mail of a message row: text and HTML as alternatives, the .ics (if any) attached.
    `recipient_checked`: the row was just written with an address that passed clean_address."""
    from_header, _ = sender(config["MAIL_FROM"])
    to_addr = row.recipient if recipient_checked else clean_address(row.recipient)
    headers = [
        f"From: {from_header}",
        f"To: {mailbox(clean_text(row.recipient_name, 120), to_addr, 'To')}",
        f"Subject: {_encoded_words(clean_text(row.subject, 400), 'Subject')}",
        f"Date: {format_datetime(row.created_at or utcnow())}",
        f"Message-ID: {row.rfc_message_id}",
        "Auto-Submitted: auto-generated",
        "X-Auto-Response-Suppress: All",
    ]
    headers += [_header(clean_text(name, 60), value) for name, value in (row.headers or {}).items()]
    headers += ["MIME-Version: 1.0", f"Content-Language: {clean_text(row.locale, 10)}"]
    # "=_" never occurs in quoted-printable or base64 text, so the boundary cannot either
    boundary = f"=_{uuid.uuid4().hex}"
    parts = [_text_part("plain", row.body_text)]
    if row.body_html:
        parts.append(_text_part("html", row.body_html))
    if len(parts) > 1:
        body = _multipart("alternative", boundary + "a", parts)
    else:
        body = parts[0]
    if row.ics:
        method = clean_text(row.ics_method or "REQUEST", 10)
        filename = "cancel.ics" if method == "CANCEL" else "invite.ics"
        attachment = (f'Content-Type: text/calendar; method="{method}"; charset="utf-8"{CRLF}'
                      f'Content-Disposition: attachment; filename="{filename}"{CRLF}'
                      f"Content-Transfer-Encoding: base64{CRLF}{CRLF}{_base64(row.ics.encode('utf-8'))}")
        body = _multipart("mixed", boundary + "m", [body, attachment])
    return RawMail(to_addr, (CRLF.join(headers) + CRLF + body).encode("ascii"))


def _multipart(subtype: str, boundary: str, parts: list[str]) -> str:
    """A multipart entity: its Content-Type header line, a blank line, then the parts."""
    inner = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    return f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}{CRLF}{inner}--{boundary}--{CRLF}'
