"""The chaos suite's stack: every service and worker as its own process (gunicorn, celery with
embedded beat) on spare ports, with its own Redis, its own SMTP server and throwaway databases
(PostgreSQL when TEST_POSTGRES_URL is set, else SQLite). Nothing here touches the machine's
shared Redis; of PostgreSQL it uses only databases it creates and drops."""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.stack import SERVICES, Stack

from .harness import Checker, MailSink, SignupStream, create_event

# Timers on a short leash, so that a fault heals within a test's patience. They shorten the
# waits; none of them changes what the system promises.
CHAOS_ENV = {
    "CIVIC_RATELIMIT_ENABLED": "false",  # the stream comes from one address
    # mail retries: 1 s, 2 s, 4 s, 4 s, … (an SMTP outage of 15 s spans several)
    "MAIL_RETRY_BASE_SECONDS": "1",
    "MAIL_RETRY_MAX_SECONDS": "4",
    "MAIL_MAX_ATTEMPTS": "60",
    "SMTP_TIMEOUT_SECONDS": "5",
    # a row claimed by a worker that was killed is re-driven after its lease
    "DELIVERY_LEASE_SECONDS": "15",
    "SWEEP_SECONDS": "2",
    "SWEEP_GRACE_SECONDS": "5",
    "SWEEP_REDRIVE_SECONDS": "5",
    "HTTP_TIMEOUT_SECONDS": "3",
}

# how long the stack may take to reach its end state after the fault was healed, and how long we
# then keep watching for late duplicates
HEAL_TIMEOUT = float(os.environ.get("CHAOS_HEAL_TIMEOUT", "150"))
QUIET_SECONDS = float(os.environ.get("CHAOS_QUIET_SECONDS", "8"))


@dataclass
class ChaosRun:
    stack: Stack
    sink: MailSink
    checker: Checker
    event_id: int
    token: str
    scenario: str

    def stream(self, rate: float = 5.0) -> SignupStream:
        stream = SignupStream(self.stack.url("registrations"), self.event_id, rate=rate, tag=self.scenario)
        stream.start()
        return stream

    def settle(self, stream: SignupStream):
        verdict = self.checker.settle(stream.accepted, timeout=HEAL_TIMEOUT, quiet=QUIET_SECONDS)
        print(f"\n[chaos {self.scenario}] attempted {stream.attempted}, 202 {len(stream.accepted)}, "
              f"failed {len(stream.failed)}; {verdict.figures}")
        return verdict

    def wait_ready(self, timeout: float = 60) -> None:
        self.stack.wait_ready(timeout)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.chaos_failed = report.failed
    return report


@pytest.fixture
def chaos(request, databases):
    scenario = request.node.name.removeprefix("test_").split("_")[0][:10]
    urls = {service: databases.url(f"chaos_{scenario}_{service}") for service in SERVICES}
    # logs outside pytest's rotating tmp dirs: kept when the test fails, removed when it passes
    workdir = Path(tempfile.mkdtemp(prefix=f"civic-chaos-{scenario}-"))
    sink = MailSink()
    sink.start()
    stack = Stack(workdir, urls, smtp_port=sink.port, env=CHAOS_ENV)
    checker = None
    try:
        stack.start_all()
        token = stack.flask("events", "create-organizer", f"Chaos {scenario}").strip().splitlines()[-1]
        event_id = create_event(stack, token, f"Chaos {scenario}", capacity=120)
        checker = Checker(stack, urls, sink, event_id, token)
        yield ChaosRun(stack, sink, checker, event_id, token, scenario)
    finally:
        if checker is not None:
            checker.close()
        stack.stop_all()
        sink.stop()
        # no process of ours may outlive the test
        deadline = time.monotonic() + 10
        while stack.alive_groups() and time.monotonic() < deadline:
            time.sleep(0.2)
        left = stack.alive_groups()
        for pgid in left:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if getattr(request.node, "chaos_failed", True):
            print(f"\n[chaos {scenario}] logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        assert not left, f"process groups still alive after the stack stopped: {left}"
