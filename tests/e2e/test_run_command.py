"""The README's run command, exercised as a newcomer would: `make run`, sign up through the
public page's form, see the mails in the sink, Ctrl-C, and nothing is left running."""
from __future__ import annotations

import mailbox
import os
import re
import signal
import subprocess
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import requests

from shared.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def wait_until(check, timeout: float, what: str, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def processes_mentioning(marker: str) -> list[int]:
    """Processes whose command line or environment carries the run's private var directory."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            blob = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in blob:
            found.append(int(entry.name))
    return found


def mails_to(maildir: Path, address: str) -> list:
    if not (maildir / "new").exists():
        return []
    return [m for m in mailbox.Maildir(str(maildir), create=False)
            if address in (m.get("To") or "") or address in (m.get("X-Envelope-To") or "")]


def plain_text(mail) -> str:
    return "".join(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                   for part in mail.walk() if part.get_content_type() == "text/plain")


def test_make_run_serves_the_stack_and_a_signup_reaches_the_mailbox(tmp_path):
    var = tmp_path / "var"
    ports = {name: free_port() for name in ("events", "registrations", "notifications", "workspace", "smtp", "redis")}
    env = {k: v for k, v in os.environ.items()
           if not k.endswith(("_DATABASE_URL", "_URL")) and k not in ("SMTP_HOST", "SMTP_PORT", "MAILBOX_DIR")}
    env.update({
        "CIVIC_VAR_DIR": str(var), "EVENTS_PORT": str(ports["events"]),
        "REGISTRATIONS_PORT": str(ports["registrations"]), "NOTIFICATIONS_PORT": str(ports["notifications"]),
        "SMTP_PORT": str(ports["smtp"]), "EMBEDDED_REDIS_PORT": str(ports["redis"]), "WEB_WORKERS": "1",
        "SIGNUP_MIN_FILL_SECONDS": "0",  # this newcomer fills the form in milliseconds
        "WORKSPACE_PORT": str(ports["workspace"]),
    })
    base = {name: f"http://127.0.0.1:{ports[name]}" for name in ("events", "registrations", "notifications",
                                                                  "workspace")}
    log = open(tmp_path / "make-run.log", "wb")
    run = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        for name, url in base.items():
            wait_until(lambda: requests.get(url + "/readyz", timeout=2).status_code == 200, 180,
                       f"{name} to be ready (see {tmp_path}/make-run.log)")
        events = requests.get(base["events"] + "/api/v1/events", timeout=5).json()
        titles = [e["title"] for e in events]
        assert any("Tiny Rathaus" in t for t in titles), titles
        workshop = next(e for e in events if e["title"].startswith("2. Werkstatt"))

        # as soon as the public site answers it lists the seed events (make run opens it only once
        # their snapshots have reached registrations): what a newcomer sees first
        assert "Tiny Rathaus" in requests.get(base["registrations"] + "/", timeout=5).text
        assert "Demo events delivered to the public site." in (tmp_path / "make-run.log").read_text(errors="replace")

        session = requests.Session()
        page = session.get(f"{base['registrations']}/events/{workshop['id']}", timeout=5)
        assert page.status_code == 200
        assert "Brüderweg 22" in page.text  # the venue as announced
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        email = "newcomer@example.org"
        answer = session.post(f"{base['registrations']}/events/{workshop['id']}", timeout=10, data={
            "csrf_token": csrf, "name": "Nora Neuling", "email": email, "consent": "yes", "website": ""})
        assert answer.status_code == 200, answer.text[:500]
        assert "inbox" in answer.url or "Postfach" in answer.text

        maildir = var / "mailbox"
        confirm = wait_until(lambda: mails_to(maildir, email), 30, "the confirmation mail in the sink")
        assert len(confirm) == 1
        subject = str(make_header(decode_header(confirm[0]["Subject"])))
        assert "Werkstatt" in subject or "bestätigen" in subject.lower() or "confirm" in subject.lower(), subject
        # beside it, before anyone confirms: the event's contact person hears of the sign-up
        contact = wait_until(lambda: mails_to(maildir, "mona.wallraff@ils-forschung.de"), 30,
                             "the contact person's notification")
        assert len(contact) == 1
        assert "Nora Neuling" in plain_text(contact[0]) and "noch nicht bestätigt" in plain_text(contact[0])
        text = plain_text(confirm[0])
        link = re.search(re.escape(base["registrations"]) + r"/confirm/[A-Za-z0-9_.\-]+", text).group(0)
        confirmed = session.get(link, timeout=10)
        assert confirmed.status_code == 200, confirmed.text[:300]

        # double opt-in done: the registrant is told; the contact person gets no second mail
        wait_until(lambda: len(mails_to(maildir, email)) == 2, 30, "the 'you are registered' mail")
        time.sleep(1)
        assert len(mails_to(maildir, "mona.wallraff@ils-forschung.de")) == 1
        mailbox_page = requests.get(base["notifications"] + "/mailbox", timeout=5)
        assert mailbox_page.status_code == 200 and email in mailbox_page.text

        # the workspace: its address and the demo owner are printed; the owner signs in by the mail link
        owner = "demo-owner.kiel@example.org"
        printed = (tmp_path / "make-run.log").read_text(errors="replace")
        assert f"{base['workspace']}/" in printed and owner in printed
        staff = requests.Session()
        form = staff.get(base["workspace"] + "/sign-in", timeout=5)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
        asked = staff.post(base["workspace"] + "/sign-in", data={"csrf_token": csrf, "email": owner}, timeout=10)
        assert asked.status_code == 200, asked.text[:500]
        mail = wait_until(lambda: mails_to(maildir, owner), 30, "the sign-in mail in the sink")
        link = re.search(re.escape(base["workspace"]) + r"/sign-in/[A-Za-z0-9_\-]+", plain_text(mail[0])).group(0)
        button = staff.get(link, timeout=5)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', button.text).group(1)
        dashboard = staff.post(link, data={"csrf_token": csrf}, timeout=10)
        assert dashboard.status_code == 200 and dashboard.url == base["workspace"] + "/", dashboard.text[:500]
        assert "Tiny Rathaus" in dashboard.text
    finally:
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            run.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            raise AssertionError("make run did not stop within 60 s of Ctrl-C")
        log.close()

    wait_until(lambda: not processes_mentioning(str(var)), 20,
               f"every process of the run to exit (left: {processes_mentioning(str(var))})")
    for port in ports.values():
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
