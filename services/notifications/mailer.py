"""Turning a message row into an RFC 5322 mail and handing it to SMTP (smtplib).

Errors are sorted into temporary (retry later) and permanent (give up now), as SMTP means
them: 4xx replies and network trouble are temporary, 5xx replies permanent.
"""
from __future__ import annotations

import atexit
import functools
import smtplib
import ssl
import threading
import time
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy

from . import mime


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


class MailPolicy(EmailPolicy):
    """The standard policy, except that the Subject is folded by the classic `email.header` folder.

    For mails handed in as EmailMessage objects; the service's own mails are written by
    `mime`, which folds the same way. The standard folder may break the line right before an
    encoded word, leaving a trailing space that reappears as a double space on unfolding
    ("Dietrichsdorf  – zweite"), or right after "Subject:", which some readers show as a
    leading space."""

    def fold(self, name, value):
        text = str(value)
        if name.lower() in mime.VERBATIM and text.isascii() and len(text) < 990:
            return f"{name}: {text}{self.linesep}"  # RFC 5322 allows 998 characters a line
        if name.lower() == "subject":
            charset = "us-ascii" if text.isascii() else "utf-8"
            return f"{name}: " + Header(text, charset, header_name=name).encode(linesep=self.linesep) + self.linesep
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() == "subject" or name.lower() in mime.VERBATIM:
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


POLICY = MailPolicy(linesep="\r\n")


def as_raw(mail: EmailMessage | mime.RawMail) -> mime.RawMail:
    if isinstance(mail, mime.RawMail):
        return mail
    return mime.RawMail(mail["To"].addresses[0].addr_spec, mail.as_bytes(policy=POLICY))


@functools.lru_cache(maxsize=8)
def _tls_context(cafile: str | None) -> ssl.SSLContext:
    """Certificates are verified; SMTP_CA_FILE adds a private CA (an internal relay). Built once
    per CA file: loading the system's CA store costs tens of milliseconds, every time."""
    return ssl.create_default_context(cafile=cafile)


def _connect(config) -> smtplib.SMTP:
    host, port = config["SMTP_HOST"], int(config["SMTP_PORT"])
    timeout = float(config["SMTP_TIMEOUT_SECONDS"])
    security = (config.get("SMTP_SECURITY") or "none").lower()
    context = _tls_context(config.get("SMTP_CA_FILE") or None) if security in ("ssl", "starttls") else None
    if security == "ssl":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            client.starttls(context=context)
    if config.get("SMTP_USER"):
        client.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    return client


def _classify(code: int | None, text) -> Exception:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    reason = f"{code} {text}".strip()[:900]
    if code is not None and 500 <= code < 600:
        return PermanentFailure(reason)
    return TemporaryFailure(reason)


class ChannelClosing(TemporaryFailure):
    """421: the server took nothing and is closing this connection (a per-connection limit,
    a shutdown)."""


# a kept connection is given up after this many mails or seconds since it was opened: some
# relays refuse more mails per connection (421/452), and DNS or certificate changes apply
MAX_MAILS_PER_CONNECTION = 100
MAX_CONNECTION_AGE_SECONDS = 300.0


class _Kept(threading.local):
    """The SMTP connection this worker thread used last, kept open for the next mail."""
    client: smtplib.SMTP | None = None
    key: tuple = ()
    last_used: float = 0.0
    opened_at: float = 0.0
    mails: int = 0


_kept = _Kept()


def _server_key(config) -> tuple:
    return (config["SMTP_HOST"], int(config["SMTP_PORT"]), (config.get("SMTP_SECURITY") or "none").lower(),
            config.get("SMTP_USER"), config.get("SMTP_CA_FILE"))


def _close(client: smtplib.SMTP | None, polite: bool = True) -> None:
    """polite: say QUIT first. Not for a connection that may be dead: a peer that vanished
    silently would keep us waiting for the reply until the SMTP timeout."""
    if client is None:
        return
    try:
        if polite:
            client.quit()
        else:
            client.close()
    except Exception:
        try:
            client.close()
        except Exception:
            pass


def _take_connection(config, *, fresh: bool = False) -> tuple[smtplib.SMTP, bool]:
    """(connection, reused): the connection kept from the last mail if it is recent, young
    enough and to the same server; else a new one. A kept connection saves the TCP (and TLS)
    handshake, EHLO, login and QUIT: the registrant's and the contact person's mail of one
    sign-up go out on one connection. One the server dropped meanwhile is found out at MAIL,
    before anything of the mail was sent (see _conversation)."""
    client, _kept.client = _kept.client, None
    if client is not None:
        now = time.monotonic()
        usable = (not fresh and _kept.key == _server_key(config)
                  and now - _kept.last_used < float(config.get("SMTP_REUSE_SECONDS") or 0)
                  and now - _kept.opened_at < MAX_CONNECTION_AGE_SECONDS and _kept.mails < MAX_MAILS_PER_CONNECTION)
        if usable and client.sock is not None:
            return client, True
        _close(client, polite=False)
    client = _connect(config)
    _kept.opened_at, _kept.mails = time.monotonic(), 0
    return client, False


def _keep(client: smtplib.SMTP, config) -> None:
    if float(config.get("SMTP_REUSE_SECONDS") or 0) <= 0:
        _close(client)
        return
    _kept.client, _kept.key, _kept.last_used = client, _server_key(config), time.monotonic()
    _kept.mails += 1


@atexit.register
def _close_kept() -> None:
    client, _kept.client = _kept.client, None
    _close(client)


def _open(config, *, fresh: bool = False) -> tuple[smtplib.SMTP, bool]:
    try:
        return _take_connection(config, fresh=fresh)
    except smtplib.SMTPAuthenticationError as exc:
        # wrong credentials are our configuration, not the mail's fault: keep it for a fixed setting
        raise TemporaryFailure(f"SMTP login refused: {exc.smtp_code} {exc.smtp_error!r}"[:900]) from None
    except smtplib.SMTPResponseException as exc:
        raise _classify(exc.smtp_code if exc.smtp_code >= 400 else None, exc.smtp_error) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise TemporaryFailure(f"cannot reach SMTP server: {exc.__class__.__name__}: {exc}"[:900]) from None


def _refused(code: int, text) -> Exception:
    failure = _classify(code, text)
    return ChannelClosing(str(failure)) if code == 421 else failure


class _NothingSent(Exception):
    """A kept connection failed before the server was given any of the mail."""


def _conversation(client: smtplib.SMTP, mail: mime.RawMail, envelope_from: str, reused: bool) -> None:
    """MAIL, RCPT, DATA one by one (smtplib's sendmail, without its options and re-reads), so
    that a kept connection the server dropped meanwhile is found out at MAIL, before anything
    of the mail was sent: then it is sent once more on a new connection. This replaces a NOOP
    before each reuse (a round trip per mail, for both sides)."""
    try:
        client.ehlo_or_helo_if_needed()
        code, text = client.mail(envelope_from)
    except (OSError, smtplib.SMTPServerDisconnected):
        if reused:
            raise _NothingSent() from None
        raise
    if code != 250:
        if code == 421:
            client.close()
        else:
            client.rset()
        raise smtplib.SMTPSenderRefused(code, text, envelope_from)
    code, text = client.rcpt(mail.recipient)
    if code not in (250, 251):
        if code == 421:
            client.close()
        else:
            client.rset()
        raise smtplib.SMTPRecipientsRefused({mail.recipient: (code, text)})
    code, text = client.data(mail.data)
    if code != 250:
        if code == 421:
            client.close()
        else:
            client.rset()
        raise smtplib.SMTPDataError(code, text)


def _transmit(client: smtplib.SMTP, mail: mime.RawMail, envelope_from: str, reused: bool = False) -> None:
    """One mail on an open connection; on any failure the connection is closed."""
    try:
        _conversation(client, mail, envelope_from, reused)
    except _NothingSent:
        _close(client, polite=False)
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        _close(client)
        code, text = next(iter(exc.recipients.values()))
        raise _refused(code, text) from None
    except smtplib.SMTPResponseException as exc:  # sender refused, data refused, …
        _close(client)
        raise _refused(exc.smtp_code, exc.smtp_error) from None
    except (OSError, smtplib.SMTPException) as exc:
        _close(client, polite=False)
        raise TemporaryFailure(f"SMTP conversation broke off: {exc.__class__.__name__}: {exc}"[:900]) from None
    except BaseException:
        _close(client, polite=False)
        raise


def send(mail: EmailMessage | mime.RawMail, config) -> None:
    """Deliver one mail to its one recipient, or raise TemporaryFailure / PermanentFailure."""
    raw = as_raw(mail)
    envelope_from = mime.sender(config["MAIL_FROM"])[1]
    client, reused = _open(config)
    try:
        _transmit(client, raw, envelope_from, reused)
    except (ChannelClosing, _NothingSent) as exc:
        if not reused:
            raise
        # the server ended a connection we kept (an idle timeout, a restart, a per-connection
        # limit) and took nothing: once more on a new connection. Not after other 4xx replies
        # (greylisting wants time, not a second try now), nor after a conversation that broke
        # off later: the server may have taken the mail before the line went dead.
        del exc
        client, _ = _open(config, fresh=True)
        _transmit(client, raw, envelope_from)
    _keep(client, config)
