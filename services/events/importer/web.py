"""A saved web page: schema.org Event data (JSON-LD or microdata, read with extruct) when the
page has it, and the page's main text for the rest. The page is parsed, never run: no script,
style or frame survives, and only text leaves this module."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import html_text
import lxml.html
from lxml import etree

from .findings import Findings
from .rules import split_address

DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "form",
             "nav", "header", "footer", "aside", "button", "select", "input", "textarea", "dialog")
DROP_HINTS = re.compile(r"(^|[\s_-])(cookie|consent|banner|breadcrumb|nav|navbar|menu|footer|header|sidebar|"
                        r"share|social|comment|comments|related|newsletter|skip|search|pagination)([\s_-]|$)", re.I)
MAIN_XPATH = ("//main", "//*[@role='main']", "//article", "//*[@id='content']", "//*[contains(@class,'content')]")
SCHEMA_CONFIDENCE = 0.95
ONLINE_MODES = {"OnlineEventAttendanceMode": "online", "MixedEventAttendanceMode": "hybrid",
                "OfflineEventAttendanceMode": "in_person"}


def extract_html(page: str) -> tuple[Findings, str]:
    """(Findings from schema.org data, the main text of the page)."""
    try:
        tree = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return Findings(), ""
    return _schema_org(page), _main_text(tree)


def _main_text(tree) -> str:
    for element in tree.xpath("|".join("//" + t for t in DROP_TAGS)):
        element.drop_tree()
    for element in tree.xpath("//*[@class or @id or @role or @aria-hidden or @hidden]"):
        hint = " ".join(filter(None, (element.get("class"), element.get("id"), element.get("role"))))
        if element.getparent() is not None and (DROP_HINTS.search(hint) or element.get("aria-hidden") == "true"
                                                or element.get("hidden") is not None) \
                and element.tag not in ("html", "body", "main", "article"):
            element.drop_tree()
    root = tree
    for xpath in MAIN_XPATH:
        found = tree.xpath(xpath)
        if found and len(found[0].text_content().strip()) > 200:
            root = found[0]
            break
    return html_text.extract_text(root, guess_layout=True)


def _items(page: str) -> list[dict]:
    import extruct  # imported here: it loads rdflib, which a plain-text import does not need
    try:
        data = extruct.extract(page, syntaxes=["json-ld", "microdata"], uniform=True, errors="ignore")
    except Exception:  # noqa: BLE001 - a broken block of metadata must not fail the import; the text remains
        return []
    items = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            kinds = node.get("@type") or []
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(str(k).endswith("Event") for k in kinds):
                items.append(node)
            for key in ("@graph", "subEvent", "event", "events", "itemListElement", "item"):
                if key in node:
                    walk(node[key])
    for syntax in ("json-ld", "microdata"):
        walk(data.get(syntax) or [])
    return items


def _text(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if value is None:
        return None
    text = lxml.html.fromstring(f"<div>{value}</div>").text_content() if "<" in str(value) else str(value)
    return " ".join(text.split()) or None


def _when(value) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not re.search(r"T\d", text):
        return parsed.date()
    return parsed.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None) if parsed.tzinfo else parsed


def _schema_org(page: str) -> Findings:
    found = Findings()
    items = _items(page)
    if not items:
        return found
    event = items[0]
    snippet = "schema.org " + str(event.get("@type"))
    put = lambda field, value: found.put(field, value, snippet, SCHEMA_CONFIDENCE)  # noqa: E731
    put("title", _text(event.get("name")))
    put("description", _text(event.get("description")))
    start, end = _when(event.get("startDate")), _when(event.get("endDate"))
    put("starts_at", start)
    put("ends_at", end)
    mode = _text(event.get("eventAttendanceMode")) or ""
    put("format", ONLINE_MODES.get(mode.rsplit("/", 1)[-1]))
    for location in event.get("location") if isinstance(event.get("location"), list) else [event.get("location")]:
        _location(location, put)
    offers = event.get("offers")
    offer = offers[0] if isinstance(offers, list) and offers else offers
    if isinstance(offer, dict) and offer.get("price") is not None:
        try:
            cents = round(float(str(offer["price"]).replace(",", ".")) * 100)
            put("price", {"amount_cents": cents, "currency": _text(offer.get("priceCurrency")) or "EUR", "note": None})
        except ValueError:
            pass
    if len(items) > 1 and all(isinstance(_when(i.get("startDate")), datetime) for i in items):
        put("sessions", [{"title": _text(i.get("name")) or "", "starts_at": _when(i.get("startDate")),
                          "ends_at": _when(i.get("endDate")) or _when(i.get("startDate"))} for i in items[:200]])
    return found


def _location(location, put) -> None:
    if isinstance(location, str):
        address = split_address(location)
        put("venue.name", location.split(",")[0][:300])
        if address:
            put("venue.street", address["street"])
            put("venue.postal_code", address["postal_code"])
            put("venue.city", address["city"])
        return
    if not isinstance(location, dict):
        return
    kinds = location.get("@type") or ""
    if "VirtualLocation" in str(kinds):
        url = _text(location.get("url"))
        if url and url.startswith(("https://", "http://")):
            put("online_url", url[:1000])
        put("format", "online") if not location.get("address") else None
        return
    put("venue.name", _text(location.get("name")))
    address = location.get("address")
    if isinstance(address, str):
        parts = split_address(address)
        if parts:
            put("venue.street", parts["street"])
            put("venue.postal_code", parts["postal_code"])
            put("venue.city", parts["city"])
    elif isinstance(address, dict):
        put("venue.street", _text(address.get("streetAddress")))
        put("venue.postal_code", _text(address.get("postalCode")))
        put("venue.city", _text(address.get("addressLocality")))
