"""Contact people, mail addresses and phone numbers.

Mail addresses are checked with email-validator, phone numbers found with phonenumbers (kept as
written, so people recognise them). Which lines belong to one person is our rule: a contact
block starts at a "Kontakt" / "Ansprechpartnerin" header and ends at a blank line or the next
label.
"""
from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from .rules import REG_CONTEXT

OBFUSCATED_AT = re.compile(r"\s*(?:\(at\)|\[at\]|\{at\}|\(ät\)|\s\[?at\]?\s|\(@\)|\[@\])\s*", re.I)
OBFUSCATED_DOT = re.compile(r"\s*(?:\(dot\)|\[dot\]|\(punkt\)|\[punkt\]|\{dot\})\s*", re.I)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+")
PHONE_CUE = re.compile(r"\b(tel|telefon|telefonisch|fon|phone|mobil|handy|fax|ruf|call|hotline)\b|☎|📞|"
                       r"(?:^|[\s|(])T\.?\s+(?=[(+0]\d)|\bunter\s+(?=[(+]?0\d)", re.I)
FAX = re.compile(r"\bfax\b", re.I)
PERSON = re.compile(r"^(?:(?:frau|herr|mrs?\.?|ms\.?|dr\.|prof\.|dipl\.-\w+\.?)\s+)*"
                    r"[A-ZÄÖÜ][a-zäöüßéèáó]+(?:[- ][A-ZÄÖÜ][a-zäöüßéèáó]+){1,3}$")
REGISTRATION_ROLE = {"de": "Anmeldung", "en": "Registration"}
BULLET = re.compile(r"^[-•*·–—]\s*")


def deobfuscate(text: str) -> str:
    """"info(at)example.de", "info [at] example [dot] de" -> "info@example.de"."""
    text = OBFUSCATED_AT.sub("@", text)
    return OBFUSCATED_DOT.sub(".", text)


def emails_in(line: str) -> list[str]:
    found = []
    for match in EMAIL.finditer(deobfuscate(line)):
        candidate = match.group(0).rstrip(".")
        try:
            address = validate_email(candidate, check_deliverability=False).normalized
        except EmailNotValidError:
            continue
        if address.rsplit("@", 1)[0].isascii():
            found.append(address)
    return found


def phones_in(line: str) -> list[str]:
    """Numbers only where the line says it is a phone (a fax is no contact)."""
    if not PHONE_CUE.search(line) or (FAX.search(line) and not re.search(r"\b(tel|telefon|phone)\b", line, re.I)):
        return []
    text = re.split(r"\bfax\b", line, flags=re.I)[0].replace("–", "-").replace("—", "-")
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "DE"):
        raw = " ".join(match.raw_string.split())
        if re.fullmatch(r"[0-9+()/.\- ]{3,40}", raw):
            found.append(raw)
    return found


def person_in(line: str) -> tuple[str | None, str | None]:
    """"LH Kiel, Referat Kreative Stadt, Anne Czichowski" -> ("Anne Czichowski", "LH Kiel,
    Referat Kreative Stadt"); "- Mona Wallraff" -> ("Mona Wallraff", None)."""
    text = BULLET.sub("", line.strip()).strip()
    parts = [p.strip() for p in text.split(",") if p.strip()]
    for i in range(len(parts) - 1, -1, -1):
        if PERSON.match(parts[i]):
            rest = ", ".join(parts[:i] + parts[i + 1:]) or None
            return parts[i], rest
    return None, None


def contact_from_block(lines: list[str]) -> dict | None:
    """One person from the lines of a contact block: the first line that is a name, the other
    text lines its role, the first mail address and phone number in the block."""
    name = role = email = phone = None
    roles = []
    for line in lines:
        mails, phones = emails_in(line), phones_in(line)
        email = email or (mails[0] if mails else None)
        phone = phone or (phones[0] if phones else None)
        if mails or phones or PHONE_CUE.search(line) or "@" in line or "http" in line or "www." in line:
            continue
        person, rest = person_in(line)
        if person and name is None:
            name = person
            if rest:
                roles.append(rest)
        elif len(line) <= 120:
            roles.append(BULLET.sub("", line).strip())
    if not (name or email or phone):
        return None
    role = "; ".join(r for r in roles if r)[:200] or None
    if name is None:
        name, role = (roles[0][:200], "; ".join(roles[1:])[:200] or None) if roles else (email or phone, None)
    return {"name": name[:200], "role": role, "email": email, "phone": phone}


def contacts_of(lines, found, language: str = "de") -> None:
    contacts, snippets, seen_mail, seen_phone = [], [], set(), set()
    i = 0
    while i < len(lines):
        if lines[i].block == "contact":
            block = []
            while i < len(lines) and lines[i].block == "contact":
                if lines[i].text and not lines[i].skip:
                    value = lines[i].label[1] if lines[i].label and lines[i].label[0] == "contact" else lines[i].text
                    if value:
                        block.append(value if lines[i].label and lines[i].label[0] == "contact" else lines[i].text)
                i += 1
            person = contact_from_block(block)
            if person:
                contacts.append(person)
                snippets.append(" / ".join(block))
                seen_mail.add(person["email"])
                seen_phone.add(person["phone"])
            continue
        i += 1
    for line in lines:
        if not line.text or line.skip or line.block == "contact":
            continue
        for mail in emails_in(line.text):
            if mail not in seen_mail:
                name, _ = person_in(line.text.split(":")[0])
                role = REGISTRATION_ROLE[language] if REG_CONTEXT.search(line.text) else None
                contacts.append({"name": name or mail, "role": role, "email": mail, "phone": None})
                snippets.append(line.text)
                seen_mail.add(mail)
        for phone in phones_in(line.text):
            if phone not in seen_phone:
                contacts.append({"name": phone, "role": None, "email": None, "phone": phone})
                snippets.append(line.text)
                seen_phone.add(phone)
    if contacts:
        found.put("contacts", contacts[:10], " · ".join(snippets), 0.8)
