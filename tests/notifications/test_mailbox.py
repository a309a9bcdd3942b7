"""The dev mailbox speaks the visitor's language and says where mail goes."""
from __future__ import annotations

import mailbox
from email.message import EmailMessage

import pytest


@pytest.fixture()
def maildir(app, tmp_path):
    box = mailbox.Maildir(str(tmp_path / "mailbox"), create=True)
    mail = EmailMessage()
    mail["To"] = "jana.petersen@example.org"
    mail["From"] = "no-reply@civic-events.example"
    mail["Subject"] = "Anmeldebestätigung: Tiny Rathaus"
    mail.set_content("Guten Tag Jana Petersen,")
    mail["Content-Language"] = "de"  # after set_content, which drops Content-* headers
    box.add(mail)
    saved = app.config["MAILBOX_DIR"], app.config["DEV_SMTP_SINK"]
    app.config["MAILBOX_DIR"] = str(tmp_path / "mailbox")
    yield box
    app.config["MAILBOX_DIR"], app.config["DEV_SMTP_SINK"] = saved


def test_the_mailbox_speaks_the_language_of_the_page(app, maildir):
    client = app.test_client()
    german = client.get("/mailbox").get_data(as_text=True)
    assert '<html lang="de">' in german and "Entwickler-Postfach" in german and "Empfangen" in german
    assert "Dev mailbox" not in german
    english = client.get("/mailbox", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Dev mailbox" in english and "Received" in english
    assert client.get("/mailbox?lang=en").get_data(as_text=True).count('lang="en"') >= 1
    # the mail itself is German whatever the page's language: marked as such
    assert 'lang="de">Anmeldebestätigung: Tiny Rathaus</a>' in english
    key = english.split('href="/mailbox/', 1)[1].split('?', 1)[0]
    one = client.get(f"/mailbox/{key}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in one and "← all mails" in one and '<pre lang="de">' in one


def test_the_mailbox_says_when_mail_goes_to_another_server(app, maildir):
    client = app.test_client()
    assert "SMTP-Server" not in client.get("/mailbox").get_data(as_text=True)
    app.config["DEV_SMTP_SINK"] = False
    page = client.get("/mailbox").get_data(as_text=True)
    server = f"{app.config['SMTP_HOST']}:{app.config['SMTP_PORT']}"
    assert f"E-Mails landen nicht hier: Sie gehen an den SMTP-Server {server}." in page
    assert f"they go to the SMTP server {server}" in client.get("/mailbox?lang=en").get_data(as_text=True)
