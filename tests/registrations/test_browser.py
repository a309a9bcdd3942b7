"""The public pages in headless Chromium: list → event → a form error → sign up → the
confirmation mail arrives at a real SMTP server (sent by the notifications service from our
outbox message) → its link → the confirmed page."""
from __future__ import annotations

import re
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from shared.embedded import free_port
from tests.registrations.conftest import make_event
from tests.servers import migrate, serve_app, start_celery_worker

CHROMIUM = "/usr/bin/chromium"


class Inbox:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def wait_for(self, address: str, pattern: str, timeout: float = 60.0) -> str:
        """The first match of `pattern` in the text of a mail to `address`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for rcpts, msg in list(self.mails):
                if address in rcpts:
                    found = re.search(pattern, _text_of(msg))
                    if found:
                        return found.group(0)
            time.sleep(0.2)
        seen = [(rcpts, msg["Subject"], _text_of(msg)[:2000]) for rcpts, msg in self.mails]
        raise AssertionError(f"no mail to {address} matching {pattern!r} within {timeout}s; got {seen}")


@pytest.fixture()
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture()
def notifications(databases, reg_redis_url, events_live, smtp, tmp_path):
    from services.notifications import create_app as create_notifications_app
    app = create_notifications_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": databases.url("reg_notifications"),
        "REDIS_URL": reg_redis_url, "EVENTS_URL": events_live.url,
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "MAILBOX_DIR": str(tmp_path / "mailbox"),
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat-notifications"),
    })
    migrate(app)
    with start_celery_worker(app.extensions["celery"], ["notifications"]):
        yield app
    from services.notifications.models import db as notifications_db
    with app.app_context():
        notifications_db.engine.dispose()  # a later test of the run drops and recreates this database


def _pipeline_state(registrations_app, notifications_app) -> str:
    """Where a mail that did not arrive got stuck: the outbox of registrations, the message
    rows of notifications."""
    from sqlalchemy import select
    from services.notifications.models import Message, db as notifications_db
    from services.registrations.models import OutboxMessage, db as registrations_db
    lines = []
    with registrations_app.app_context():
        for row in registrations_db.session.execute(select(OutboxMessage)).scalars():
            lines.append(f"outbox {row.task_name} {row.payload.get('kind')} published={row.published_at} "
                         f"acked={row.acked_at} attempts={row.attempts} error={row.last_error}")
        registrations_db.session.remove()
    with notifications_app.app_context():
        for row in notifications_db.session.execute(select(Message)).scalars():
            lines.append(f"message {row.kind} to {row.recipient} status={row.status} attempts={row.attempts} "
                         f"error={row.last_error}")
        notifications_db.session.remove()
    return "\n".join(lines) or "(no outbox rows, no message rows)"


def _text_of(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content()


@pytest.mark.browser
def test_sign_up_in_a_browser(app, events_live, token, smtp, notifications):
    playwright_api = pytest.importorskip("playwright.sync_api")
    import os
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    event = make_event(events_live, app, token, title="Ideenschmiede Tiny Rathaus",
                       price={"amount_cents": 4000, "currency": "EUR", "note": "Teilnahmepauschale"},
                       registration={"questions": [{"key": "amt", "label": "Amt / Dienststelle", "type": "text",
                                                    "required": True}]})
    with serve_app(app) as server:
        old_url = app.config["REGISTRATIONS_URL"]
        app.config["REGISTRATIONS_URL"] = server.url  # the links in the mail lead to this server
        try:
            with playwright_api.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                try:
                    page = browser.new_page()
                    page.goto(server.url + "/")
                    page.get_by_role("link", name="Ideenschmiede Tiny Rathaus").click()
                    page.wait_for_url(re.compile(rf"/events/{event['id']}"))
                    assert "40,00" in page.content()
                    page.get_by_label("Name").fill("Erika Mustermann")
                    page.get_by_label("E-Mail-Adresse").fill("erika.example.org")  # no @
                    page.get_by_label("Amt / Dienststelle").fill("Stadtplanungsamt")
                    page.get_by_label(re.compile("Ich bin einverstanden")).check()
                    page.get_by_role("button", name="Verbindlich anmelden").click()
                    error = page.locator("#email-error")
                    error.wait_for()
                    assert "gültige E-Mail-Adresse" in error.inner_text()
                    assert page.get_by_label("E-Mail-Adresse").get_attribute("aria-invalid") == "true"
                    assert page.get_by_label("Name").input_value() == "Erika Mustermann"
                    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
                    page.get_by_label(re.compile("Ich bin einverstanden")).check()
                    page.get_by_role("button", name="Verbindlich anmelden").click()
                    page.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse").wait_for()

                    try:
                        link = smtp.wait_for("erika@example.org", r"https?://\S+/confirm/\S+")
                    except AssertionError as exc:
                        raise AssertionError(f"{exc}\n{_pipeline_state(app, notifications)}") from None
                    assert link.startswith(server.url)
                    page.goto(link)
                    page.get_by_role("heading", name="Ihre Anmeldung ist bestätigt").wait_for()
                finally:
                    browser.close()
        finally:
            app.config["REGISTRATIONS_URL"] = old_url
