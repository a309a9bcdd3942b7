"""What the chaos scenarios share: an SMTP server that can go away, a steady stream of
sign-ups, and the end-state checks (every 202 has one row, every row one confirmation mail,
seats counted once, nothing left unacknowledged or unsent)."""
from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import requests
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, inspect, text

from shared.embedded import free_port, wait_for_port

CONFIRM_SUBJECT = "Please confirm your registration:"  # registration.confirm_email, English


# ---- SMTP ------------------------------------------------------------------------------------
@dataclass
class Mail:
    to: list[str]
    subject: str
    message_id: str
    at: float  # time.time() when the server accepted it


class MailSink:
    """A real SMTP server (aiosmtpd) on a spare port that keeps every accepted mail.

    `stop()` closes the port (connections are refused, as with a server that is down);
    `start()` listens on the same port again."""

    def __init__(self):
        self.port = free_port()
        self.mails: list[Mail] = []
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = message_from_bytes(raw, policy=policy.default)
        with self.lock:
            self.mails.append(Mail(to=[r.lower() for r in envelope.rcpt_tos], subject=str(msg["Subject"] or ""),
                                   message_id=str(msg["Message-ID"] or ""), at=time.time()))
        return "250 2.0.0 OK"

    def start(self) -> None:
        if self.controller is None:
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self.controller.start()
            wait_for_port(self.port)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def snapshot(self) -> list[Mail]:
        with self.lock:
            return list(self.mails)

    def confirmations(self) -> dict[str, list[Mail]]:
        """The confirmation mails that arrived, per recipient."""
        found: dict[str, list[Mail]] = {}
        for mail in self.snapshot():
            if mail.subject.startswith(CONFIRM_SUBJECT):
                for rcpt in mail.to:
                    found.setdefault(rcpt, []).append(mail)
        return found


# ---- the stream of sign-ups ------------------------------------------------------------------
class SignupStream(threading.Thread):
    """Posts sign-ups at a steady rate until stopped; remembers every 202 by its address."""

    def __init__(self, base_url: str, event_id: int, rate: float = 5.0, tag: str = "s", timeout: float = 10.0):
        super().__init__(daemon=True, name=f"signups-{tag}")
        self.url = f"{base_url}/api/v1/events/{event_id}/registrations"
        self.interval = 1.0 / rate
        self.tag = tag
        self.timeout = timeout
        self.accepted: dict[str, str] = {}  # email -> registration id from the 202
        self.failed: list[tuple[str, str]] = []  # (email, status or error)
        self.attempted = 0
        self._halt = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        i = 0
        while not self._halt.is_set():
            email = f"{self.tag}-{i:04d}-{uuid.uuid4().hex[:6]}@example.org"
            try:
                # a fresh connection each time: a keep-alive socket to a restarted server only adds noise
                response = requests.post(self.url, json={"name": f"Chaos {self.tag} {i}", "email": email,
                                                         "consent": True},
                                         headers={"Connection": "close"}, timeout=self.timeout)
                if response.status_code == 202:
                    self.accepted[email] = response.json()["id"]
                else:
                    self.failed.append((email, f"{response.status_code} {response.text[:200]}"))
            except requests.RequestException as exc:
                self.failed.append((email, f"{exc.__class__.__name__}: {exc}"[:200]))
            self.attempted += 1
            i += 1
            self._halt.wait(max(0.0, start + i * self.interval - time.monotonic()))

    def stop(self) -> None:
        self._halt.set()
        self.join(self.timeout + 5)
        assert not self.is_alive(), "the sign-up stream did not stop"


# ---- the stack's setup steps -----------------------------------------------------------------
def create_event(stack, token: str, title: str, capacity: int) -> int:
    starts = datetime.now(timezone.utc) + timedelta(days=30)
    body = {"title": title, "language": "en", "timezone": "Europe/Berlin",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat(),
            "format": "in_person",
            "venue": {"name": "Town hall", "street": "Markt 1", "postal_code": "24103", "city": "Kiel"},
            "contacts": [{"name": "Contact", "email": "contact@example.org"}],
            "registration": {"mode": "required", "capacity": capacity, "waitlist": True}}
    headers = {"Authorization": f"Bearer {token}"}
    response = requests.post(stack.url("events") + "/api/v1/events", json=body, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    event_id = response.json()["id"]
    response = requests.post(stack.url("events") + f"/api/v1/events/{event_id}/publish", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the replica arrives by message (or is fetched on a miss)
        if requests.get(stack.url("registrations") + f"/api/v1/events/{event_id}/availability", timeout=5).ok:
            return event_id
        time.sleep(0.2)
    raise AssertionError(f"event {event_id} never reached registrations; see {stack.workdir}")


# ---- the end state -------------------------------------------------------------------------
@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    fatal: list[str] = field(default_factory=list)  # cannot heal by waiting (a duplicate, an overbooking)
    figures: dict = field(default_factory=dict)

    def add(self, what: str, items, fatal: bool = False) -> None:
        items = list(items)
        if items:
            shown = ", ".join(map(str, items[:8])) + (f" … ({len(items)} in all)" if len(items) > 8 else "")
            self.problems.append(f"{what}: {shown}")
            if fatal:
                self.fatal.append(f"{what}: {shown}")


# A mail whose sending worker was SIGKILLed after the SMTP server's 250 but before the worker
# committed "sent" is sent again after its lease, with the same Message-ID (services/notifications/
# delivery.py, "The window we accept": SMTP cannot close it from the client side). Such a resend is
# tolerated only when the first copy arrived within this window around one of *our* SIGKILLs; any
# other duplicate fails, and a duplicate with a different Message-ID (a second mail row) always does.
# CHAOS_STRICT_ONCE=1 tolerates none.
KILL_WINDOW_BEFORE = 0.5
KILL_WINDOW_AFTER = 0.25
STRICT_ONCE = os.environ.get("CHAOS_STRICT_ONCE", "") not in ("", "0")


class Checker:
    """Reads every service's database directly (SQLAlchemy) and the SMTP server's mails."""

    def __init__(self, stack, database_urls: dict[str, str], sink: MailSink, event_id: int, token: str):
        self.stack = stack
        self.sink = sink
        self.event_id = event_id
        self.token = token
        self.engines = {name: create_engine(url) for name, url in database_urls.items()}
        self.kills: list[float] = []  # time.time() of every SIGKILL the scenario sent

    def killed(self) -> None:
        self.kills.append(time.time())

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()

    def _resend_at_a_kill(self, mails: list) -> str | None:
        """The one duplicate tolerated (none with CHAOS_STRICT_ONCE=1): two copies of a mail whose
        first copy reached the server just around a SIGKILL of its sender (SMTP had accepted it,
        the worker died before writing "sent"). A description of it, else None."""
        if STRICT_ONCE or len(mails) != 2:
            return None
        first = mails[0].at
        if not any(k - KILL_WINDOW_BEFORE <= first <= k + KILL_WINDOW_AFTER for k in self.kills):
            return None
        nearest = min(self.kills, key=lambda k: abs(k - first))
        return f"{mails[0].message_id}, first copy {first:.3f}, kill at {nearest:.3f}"

    def redriven(self) -> dict:
        """Evidence that the fault bit: outbox rows published more than once, mails tried more than once."""
        figures = {}
        for service in ("events", "registrations"):
            with self.engines[service].connect() as conn:
                figures[f"{service}_outbox_republished"] = conn.execute(text(
                    "SELECT COUNT(*) FROM outbox_messages WHERE attempts > 1")).scalar_one()
        with self.engines["notifications"].connect() as conn:
            figures["mails_retried"] = conn.execute(text("SELECT COUNT(*) FROM messages WHERE attempts > 1")).scalar_one()
        return figures

    def _has_table(self, service: str, table: str) -> bool:
        return inspect(self.engines[service]).has_table(table)

    def verdict(self, accepted: dict[str, str]) -> Verdict:
        v = Verdict()
        with self.engines["registrations"].connect() as conn:
            rows = conn.execute(text(
                "SELECT id, email, status, companions, held_pool_ids FROM registrations WHERE event_id = :e"),
                {"e": self.event_id}).all()
            pool_taken = conn.execute(text("SELECT COALESCE(SUM(taken), 0) FROM seat_pools WHERE event_id = :e"),
                                      {"e": self.event_id}).scalar_one()
        def held(value) -> list:
            return json.loads(value) if isinstance(value, str) else (value or [])

        per_email = Counter(r.email for r in rows)
        by_id = {r.id: r for r in rows}
        # every 202: exactly one row, the one the answer named
        v.add("202 without a registration row", [e for e in accepted if per_email[e] == 0])
        v.add("202 with more than one registration row", [f"{e}×{per_email[e]}" for e in accepted if per_email[e] > 1],
              fatal=True)
        v.add("202 naming a row that is not there", [f"{e}:{rid}" for e, rid in accepted.items() if rid not in by_id])
        v.add("address with several rows", [f"{e}×{n}" for e, n in per_email.items() if n > 1], fatal=True)

        # every row: exactly one confirmation mail (a row without a 202 came from a request whose
        # answer was lost; it must still be mailed, once)
        confirmations = self.sink.confirmations()
        emails = set(per_email)
        v.add("confirmation mail missing", sorted(e for e in emails if not confirmations.get(e)))
        twice, resent = [], []
        for email, mails in confirmations.items():
            if len(mails) < 2:
                continue
            if len({m.message_id for m in mails}) > 1:
                twice.append(f"{email}: {len(mails)} different mails {[m.message_id for m in mails]}")
            elif (resend := self._resend_at_a_kill(mails)) is not None:
                resent.append(f"{email} ({resend})")
            else:
                twice.append(f"{email}: the same mail {len(mails)} times ({mails[0].message_id}, at "
                             f"{', '.join(f'{m.at:.3f}' for m in mails)}; kills at {[round(k, 3) for k in self.kills]})")
        v.add("confirmation mail arrived more than once", twice, fatal=True)
        v.add("confirmation mail to an address without a registration", sorted(set(confirmations) - emails),
              fatal=True)
        # the same rule for every other mail (contact notifications, confirmed, …): a second copy
        # only when its first copy reached the server just around a SIGKILL of the sender
        others: dict = {}
        for m in self.sink.snapshot():
            if not m.subject.startswith(CONFIRM_SUBJECT):
                others.setdefault(m.message_id, []).append(m)
        again = []
        for message_id, mails in others.items():
            if len(mails) < 2:
                continue
            if (resend := self._resend_at_a_kill(mails)) is not None:
                resent.append(resend)
            else:
                again.append(f"{message_id}×{len(mails)} at {', '.join(f'{m.at:.3f}' for m in mails)}; "
                             f"kills at {[round(k, 3) for k in self.kills]}")
        v.add("another mail (same Message-ID) arrived more than once", again, fatal=True)
        with self.engines["notifications"].connect() as conn:
            rows_per_registration = Counter(conn.execute(text(
                "SELECT registration_id FROM messages WHERE kind = 'registration.confirm_email' AND event_id = :e"),
                {"e": self.event_id}).scalars())
        v.add("registration with more than one confirmation mail row",
              sorted(f"{r}×{n}" for r, n in rows_per_registration.items() if n > 1), fatal=True)
        v.add("registration without a confirmation mail row", sorted(set(by_id) - set(rows_per_registration)))

        # seats: counted once
        seats_held = sum(1 + (r.companions or 0) for r in rows if held(r.held_pool_ids))
        waitlisted = sum(1 for r in rows if r.status == "waitlisted")
        availability = requests.get(self.stack.url("registrations") + f"/api/v1/events/{self.event_id}/availability",
                                    timeout=10)
        if availability.status_code != 200:
            v.problems.append(f"availability answered {availability.status_code}")
        else:
            a = availability.json()
            if a["taken"] != seats_held:
                v.problems.append(f"availability says taken={a['taken']}, registrations hold {seats_held} seat(s)")
            if a["waitlist"] != waitlisted:
                v.problems.append(f"availability says waitlist={a['waitlist']}, {waitlisted} row(s) are waitlisted")
            if a["capacity"] is not None and a["taken"] > a["capacity"]:
                v.add("overbooked", [f"taken {a['taken']} > capacity {a['capacity']}"], fatal=True)
        if pool_taken != seats_held:
            v.problems.append(f"seat_pools.taken={pool_taken}, registrations hold {seats_held} seat(s)")

        # the organizer's view agrees with the database
        listed = requests.get(self.stack.url("registrations") + f"/api/v1/events/{self.event_id}/registrations",
                              headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
        if listed.status_code != 200:
            v.problems.append(f"organizer list answered {listed.status_code}")
        elif sorted(r["id"] for r in listed.json()) != sorted(by_id):
            v.problems.append(f"organizer list has {len(listed.json())} registration(s), the database {len(by_id)}")

        # nothing stuck: every outbox row acknowledged, every mail row sent
        for service in ("events", "registrations", "notifications"):
            if not self._has_table(service, "outbox_messages"):
                continue
            with self.engines[service].connect() as conn:
                stuck = conn.execute(text(
                    "SELECT id, task_name, attempts FROM outbox_messages WHERE acked_at IS NULL")).all()
            v.add(f"{service} outbox rows not acknowledged", [f"{r.task_name}:{r.id[:8]}(attempts {r.attempts})"
                                                            for r in stuck])
        with self.engines["notifications"].connect() as conn:
            unsent = conn.execute(text(
                "SELECT id, kind, recipient, status, attempts FROM messages WHERE status <> 'sent'")).all()
        v.add("notification messages not sent", [f"{r.kind}->{r.recipient} {r.status}(attempts {r.attempts})"
                                                for r in unsent])
        v.figures = {**self.redriven(), "registrations": len(rows), "accepted_202": len(accepted), "seats_held": seats_held,
                     "waitlisted": waitlisted, "mails": len(self.sink.snapshot()),
                     "confirmations": sum(len(m) for m in confirmations.values())}
        if resent:
            v.figures["resent_after_kill"] = resent
        return v

    def settle(self, accepted: dict[str, str], timeout: float, quiet: float) -> Verdict:
        """Wait (bounded) until every check holds, then keep watching for `quiet` seconds so a
        late duplicate (a re-sent message, a re-driven mail) is seen too."""
        deadline = time.monotonic() + timeout
        started = time.monotonic()
        while True:
            verdict = self.verdict(accepted)
            if not verdict.problems:
                break
            if verdict.fatal:
                raise AssertionError(f"({verdict.figures}); logs in {self.stack.workdir}:\n  - "
                                     + "\n  - ".join(verdict.fatal))
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the stack did not heal within {timeout:.0f}s after the fault "
                    f"({verdict.figures}); logs in {self.stack.workdir}:\n  - " + "\n  - ".join(verdict.problems))
            time.sleep(1.0)
        healed_after = time.monotonic() - started
        time.sleep(quiet)
        verdict = self.verdict(accepted)
        verdict.figures["healed_after_s"] = round(healed_after, 1)
        assert not verdict.problems, (
            f"healed after {healed_after:.1f}s, then broke again within {quiet:.0f}s ({verdict.figures}); "
            f"logs in {self.stack.workdir}:\n  - " + "\n  - ".join(verdict.problems))
        return verdict
