"""SMTP_SECURITY starttls / ssl with login, against a real aiosmtpd server with a test certificate."""
from __future__ import annotations

import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from services.notifications import delivery
from services.notifications.models import Message, db
from shared.embedded import free_port
from tests.notifications.conftest import queued_row
from tests.servers import Sink


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"mailer" and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


@pytest.fixture()
def smtp_config(app):
    keys = ("SMTP_PORT", "SMTP_SECURITY", "SMTP_USER", "SMTP_PASSWORD", "SMTP_CA_FILE", "SHORT_RETRY_SECONDS")
    saved = {k: app.config.get(k) for k in keys}
    # these tests call deliver() by hand: a retry task queued for the suite's worker would race them
    app.config["SHORT_RETRY_SECONDS"] = 0
    yield app.config
    app.config.update(saved)


def server_context(certificate):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login(security, app, smtp_config, certificate):
    sink = Sink()
    sink.port = free_port()
    if security == "starttls":
        controller = Controller(sink, hostname="127.0.0.1", port=sink.port, tls_context=server_context(certificate),
                                require_starttls=True, authenticator=authenticator, auth_require_tls=True)
    else:
        controller = Controller(sink, hostname="127.0.0.1", port=sink.port, ssl_context=server_context(certificate),
                                authenticator=authenticator, auth_require_tls=False)
    controller.start()
    try:
        smtp_config.update(SMTP_PORT=sink.port, SMTP_SECURITY=security, SMTP_USER="mailer", SMTP_PASSWORD="wrong",
                           SMTP_CA_FILE=str(certificate[0]))
        row_id = queued_row(app)
        with app.app_context():
            assert delivery.deliver(row_id) == "retry"  # a refused login waits for a fixed setting
            row = db.session.execute(select(Message)).scalar_one()
            assert row.status == "queued" and "SMTP login refused: 535" in row.last_error
            smtp_config["SMTP_PASSWORD"] = "s3cret"
            db.session.execute(db.update(Message).values(next_attempt_at=row.created_at))
            db.session.commit()
            assert delivery.deliver(row_id) == "sent"
        [mail] = sink.wait_for(1)
        assert mail.rcpt_tos == ["jana.petersen@example.org"]

        smtp_config["SMTP_CA_FILE"] = None  # the test certificate is not trusted by the system
        second = queued_row(app)
        with app.app_context():
            assert delivery.deliver(second) == "retry"
            row = db.session.get(Message, second)
            assert "CERTIFICATE_VERIFY_FAILED" in row.last_error
    finally:
        controller.stop()
