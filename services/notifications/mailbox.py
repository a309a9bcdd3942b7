"""Dev mailbox (CIVIC_ENV=development only): the mails the embedded SMTP sink received.

GET /mailbox          newest first
GET /mailbox/<key>    one mail: headers, plain text, HTML (in a sandboxed frame), attachments

In German or English like the public site (?lang=, else the browser's languages); each mail's
own text is marked with the language it is written in.
"""
from __future__ import annotations

import mailbox
import re
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request

from .mailbox_text import page_language, translator

mailbox_bp = Blueprint("mailbox", __name__, template_folder="templates")

_KEY = re.compile(r"^[A-Za-z0-9._\\-]{1,200}$")  # Maildir keys (a hostname's "/" ":" become "\057" "\072")


def _box() -> mailbox.Maildir | None:
    directory = Path(current_app.config["MAILBOX_DIR"])
    if not (directory / "cur").is_dir():
        return None
    return mailbox.Maildir(str(directory), factory=None, create=False)


def _parse(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


def _summary(key: str, mail) -> dict:
    try:
        date = parsedate_to_datetime(mail["Date"]) if mail["Date"] else None
    except (TypeError, ValueError):
        date = None
    return {"key": key, "to": mail.get("X-Envelope-To") or str(mail["To"] or ""), "from": str(mail["From"] or ""),
            "subject": str(mail["Subject"] or ""), "date": date,
            "lang": str(mail["Content-Language"] or "").strip() or None}


def _render(template: str, **context):
    lang = page_language(request)
    config = current_app.config
    return render_template(template, lang=lang, t=translator(lang), sink=config["DEV_SMTP_SINK"],
                           smtp=f"{config['SMTP_HOST']}:{config['SMTP_PORT']}", **context)


@mailbox_bp.get("/mailbox")
def index():
    box = _box()
    mails = []
    if box is not None:
        for key in box.keys():
            try:
                mails.append(_summary(key, _parse(box.get_bytes(key))))
            except (KeyError, OSError):
                continue
    mails.sort(key=lambda m: (m["date"] is not None, m["date"]), reverse=True)
    return _render("mailbox/index.html", mails=mails[:500], total=len(mails))


@mailbox_bp.get("/mailbox/<key>")
def show(key: str):
    box = _box()
    if box is None or not _KEY.match(key):
        abort(404)
    try:
        mail = _parse(box.get_bytes(key))
    except (KeyError, OSError):
        abort(404)
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    attachments = [{"filename": part.get_filename() or part.get_content_type(), "type": part.get_content_type(),
                    "content": part.get_content() if part.get_content_maintype() == "text" else None}
                   for part in mail.iter_attachments()]
    headers = [(name, str(value)) for name, value in mail.items()]
    return _render("mailbox/show.html", mail=_summary(key, mail), headers=headers,
                           text=text.get_content() if text else "", html=html.get_content() if html else None,
                           attachments=attachments)
