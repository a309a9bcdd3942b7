"""The embedded run's SMTP server: accepts every mail and keeps it in a Maildir for the dev
mailbox page (`GET /mailbox` on the notifications web app).

    python -m services.notifications.sink [--host 127.0.0.1] [--port 1025] [--dir var/mailbox]

Host, port and directory default to SMTP_SINK_HOST / SMTP_PORT / MAILBOX_DIR.
"""
from __future__ import annotations

import argparse
import logging
import mailbox
import os
import signal
import threading
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

from shared.config import VAR_DIR

log = logging.getLogger("civic.sink")


class MaildirHandler:
    """aiosmtpd handler: one Maildir file per mail, with the SMTP envelope kept as headers."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        self.maildir = mailbox.Maildir(str(self.directory), create=True)
        for sub in ("tmp", "new", "cur"):  # also when the directory existed, but empty
            (self.directory / sub).mkdir(exist_ok=True)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.original_content or envelope.content, policy=policy.compat32)
        mail["X-Envelope-From"] = envelope.mail_from or ""
        mail["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        try:
            with self._lock:
                key = self.maildir.add(mail)
        except OSError as exc:  # a full disk is temporary: the sender tries again later
            log.error("cannot store mail: %s", exc)
            return "451 4.3.0 Cannot store the message right now"
        log.info("stored mail %s for %s", key, ", ".join(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def start(host: str, port: int, directory) -> Controller:
    controller = Controller(MaildirHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="SMTP sink of the embedded civic-events stack")
    parser.add_argument("--host", default=os.environ.get("SMTP_SINK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SMTP_PORT") or 1025))
    parser.add_argument("--dir", default=os.environ.get("MAILBOX_DIR") or str(VAR_DIR / "mailbox"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sink %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    controller = start(args.host, args.port, args.dir)
    print(f"SMTP sink listening on {args.host}:{args.port}, keeping mails in {args.dir}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
