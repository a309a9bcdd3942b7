"""Which websites may embed an organizer's sign-up forms: the rule for one origin.

Registrations answers the embed page with `Content-Security-Policy: frame-ancestors` of
exactly the organizer's origins, so each must be a bare scheme://host[:port].
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

MAX_ORIGINS = 20
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class InvalidOrigin(ValueError):
    pass


def normalize_origin(value: str) -> str:
    """`https://www.Kiel.de/` → `https://www.kiel.de`; anything but scheme://host[:port] is refused,
    since a CSP source with a path, a wildcard or a keyword would allow more than the organizer named."""
    text = (value or "").strip()
    if not text or any(c.isspace() for c in text) or "*" in text or "'" in text or ";" in text or "," in text:
        raise InvalidOrigin("Give an origin like https://www.example.org (no spaces, wildcards or keywords).")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("https", "http"):
        raise InvalidOrigin("An origin starts with https:// (or http://).")
    if parts.username or parts.password or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise InvalidOrigin("Only scheme, host and port: leave out paths, queries and user names.")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise InvalidOrigin("The port is not valid.") from None
    if not host:
        raise InvalidOrigin("The host is missing.")
    try:
        host = str(ipaddress.ip_address(host))
        if ":" in host:
            host = f"[{host}]"
    except ValueError:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise InvalidOrigin("The host name is not valid.") from None
        if not all(_LABEL.match(label) for label in host.split(".")):
            raise InvalidOrigin("The host name is not valid.")
    scheme = parts.scheme.lower()
    default_port = {"https": 443, "http": 80}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port and port != default_port else "")
