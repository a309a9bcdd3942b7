"""A notifications worker keeps its SMTP connection for the next mail: fewer handshakes, and a
connection the server dropped meanwhile costs no mail (checked with NOOP before anything of
the mail is sent). Real aiosmtpd servers; mailer.send as the delivery code calls it."""
from __future__ import annotations

import threading
import time
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from services.notifications import mailer
from shared.embedded import free_port


class CountingServer:
    """An SMTP server that counts sessions (EHLO) and QUITs and keeps what it accepted."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.sessions = 0
        self.quits = 0
        self.recipients: list[str] = []
        self.mails_per_connection = 0  # 0: no limit
        self.lock = threading.Lock()
        self.controller = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_QUIT(self, server, session, envelope):
        with self.lock:
            self.quits += 1
        return "221 Bye"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # a relay that takes only so many mails per connection
        session.mails = getattr(session, "mails", 0) + 1
        if self.mails_per_connection and session.mails > self.mails_per_connection:
            return "421 4.7.0 too many mails on this connection"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("unknown"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("later"):
            return "450 4.2.1 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 2.0.0 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()  # closes the open sessions too
            self.controller = None


@pytest.fixture()
def server():
    started = CountingServer().start()
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def no_kept_connection():
    mailer._close_kept()
    yield
    mailer._close_kept()


def config_for(server: CountingServer, reuse: float = 10) -> dict:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port, "SMTP_SECURITY": "none", "SMTP_TIMEOUT_SECONDS": 5,
            "SMTP_REUSE_SECONDS": reuse, "MAIL_FROM": "civic-events <no-reply@civic-events.example>"}


def mail_to(address: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "no-reply@civic-events.example"
    mail["To"] = address
    mail["Subject"] = "Bitte bestätigen Sie Ihre Anmeldung"
    mail.set_content("Hallo")
    return mail


def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_mails_of_one_sign_up_share_one_smtp_connection(server):
    config = config_for(server)
    mailer.send(mail_to("jana.petersen@example.org"), config)
    mailer.send(mail_to("kontakt@kiel.example"), config)
    assert server.recipients == ["jana.petersen@example.org", "kontakt@kiel.example"]
    assert server.sessions == 1
    mailer._close_kept()  # the worker ends: the kept connection says goodbye
    wait_for(lambda: server.quits == 1)


def test_a_connection_the_server_dropped_costs_no_mail(server):
    config = config_for(server)
    mailer.send(mail_to("jana.petersen@example.org"), config)
    server.stop()  # a relay restart (or its idle timeout) closes the kept connection
    server.start()
    mailer.send(mail_to("kontakt@kiel.example"), config)
    assert server.recipients == ["jana.petersen@example.org", "kontakt@kiel.example"]  # each exactly once
    assert server.sessions == 2


def test_a_connection_kept_longer_than_allowed_is_not_used(server):
    config = config_for(server, reuse=0.2)
    mailer.send(mail_to("jana.petersen@example.org"), config)
    expired = mailer._kept.client
    time.sleep(0.3)
    mailer.send(mail_to("kontakt@kiel.example"), config)
    assert server.sessions == 2
    assert server.recipients == ["jana.petersen@example.org", "kontakt@kiel.example"]
    assert expired.sock is None  # closed, not left open
    assert mailer._kept.client is not expired


def test_reuse_off_opens_and_closes_a_connection_per_mail(server):
    config = config_for(server, reuse=0)
    mailer.send(mail_to("jana.petersen@example.org"), config)
    mailer.send(mail_to("kontakt@kiel.example"), config)
    assert server.sessions == 2
    wait_for(lambda: server.quits == 2)


def test_another_server_gets_its_own_connection(server):
    other = CountingServer().start()
    try:
        mailer.send(mail_to("jana.petersen@example.org"), config_for(server))
        first = mailer._kept.client
        mailer.send(mail_to("kontakt@kiel.example"), config_for(other))
        assert (server.recipients, other.recipients) == (["jana.petersen@example.org"], ["kontakt@kiel.example"])
        assert (server.sessions, other.sessions) == (1, 1)
        assert first.sock is None  # the first server's connection was closed, not left behind
    finally:
        other.stop()


def test_a_refused_mail_does_not_leave_its_connection_for_the_next(server):
    config = config_for(server)
    with pytest.raises(mailer.PermanentFailure):
        mailer.send(mail_to("unknown@kiel.example"), config)
    mailer.send(mail_to("kontakt@kiel.example"), config)
    assert server.recipients == ["kontakt@kiel.example"]
    assert server.sessions == 2


def test_a_per_connection_limit_of_the_relay_costs_no_mail(server):
    server.mails_per_connection = 2
    config = config_for(server)
    for n in range(5):
        mailer.send(mail_to(f"person{n}@example.org"), config)
    assert server.recipients == [f"person{n}@example.org" for n in range(5)]
    assert server.sessions == 3  # 2 + 2 + 1: each refusal (421) was retried once on a new connection


def test_other_temporary_refusals_are_reported_not_retried_at_once(server):
    """Greylisting and the like want time: the delivery's retry schedule gives it."""
    config = config_for(server)
    mailer.send(mail_to("jana.petersen@example.org"), config)
    with pytest.raises(mailer.TemporaryFailure, match="450"):
        mailer.send(mail_to("later@kiel.example"), config)  # on the kept connection
    assert server.sessions == 1
    assert server.recipients == ["jana.petersen@example.org"]


def test_a_kept_connection_is_given_up_after_so_many_mails(server, monkeypatch):
    monkeypatch.setattr(mailer, "MAX_MAILS_PER_CONNECTION", 3)
    config = config_for(server)
    for n in range(7):
        mailer.send(mail_to(f"person{n}@example.org"), config)
    assert server.sessions == 3  # 3 + 3 + 1
    assert len(server.recipients) == 7
