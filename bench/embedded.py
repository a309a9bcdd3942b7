"""The embedded run's footprint: `.venv/bin/python bench/embedded.py [--signups 300]`.

Starts `deploy/local/run.py` (what `make run` starts) on spare ports with its own var/
directory, and sums the PSS of every process it started (bench/footprint.py) once it is
ready and at rest, then again after a load: sign-ups through the public API (each mailed to
the registrant and the contact person), the public pages, the dev mailbox, and the mails
drained. Ctrl-C (SIGINT) stops it as in a terminal.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.footprint import pss_by_process, pss_mb  # noqa: E402
from shared.embedded import free_port  # noqa: E402

WEB_APPS = ("events", "registrations", "notifications", "workspace")


def _wait(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the embedded run: {what} not reached in {timeout:.0f} s")


def _mail_count(maildir: Path) -> int:
    return len(os.listdir(maildir / "new")) if (maildir / "new").exists() else 0


def measure(signups: int = 300, settle_seconds: float = 10.0) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="civic-embedded-"))
    var = workdir / "var"
    ports = {name: free_port() for name in (*WEB_APPS, "smtp", "redis")}
    env = {k: v for k, v in os.environ.items()
           if not k.endswith("_URL") and k not in ("SMTP_HOST", "SMTP_PORT", "MAILBOX_DIR", "CIVIC_ENV")}
    env.update({f"{name.upper()}_PORT": str(ports[name]) for name in WEB_APPS})
    # as many sign-ups from one address as the load sends; limits are not what is measured here
    env["CIVIC_RATELIMIT_ENABLED"] = "false"
    env.update({"CIVIC_VAR_DIR": str(var), "SMTP_PORT": str(ports["smtp"]), "EMBEDDED_REDIS_PORT": str(ports["redis"])})
    base = {name: f"http://127.0.0.1:{ports[name]}" for name in WEB_APPS}
    log = open(workdir / "run.log", "wb")
    run = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "local" / "run.py")], cwd=ROOT, env=env,
                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    result: dict = {"command": "deploy/local/run.py (make run)"}
    try:
        for name in ("events", "registrations", "notifications"):
            _wait(lambda: requests.get(base[name] + "/readyz", timeout=2).ok, 240, f"{name} ready")
        if "workspace" in (ROOT / "deploy" / "local" / "run.py").read_text():  # once run.py starts it
            _wait(lambda: requests.get(base["workspace"] + "/healthz", timeout=2).status_code < 500, 120,
                  "workspace answering")
        events = requests.get(base["events"] + "/api/v1/events", timeout=10).json()
        open_events = [e for e in events if (e.get("registration") or {}).get("mode") == "required"]
        _wait(lambda: requests.get(f"{base['registrations']}/api/v1/events/{open_events[0]['id']}/availability",
                                   timeout=5).ok, 60, "the seed events in registrations")
        time.sleep(settle_seconds)
        result["at_rest_mb"] = pss_mb(run.pid)
        result["processes"] = len(pss_by_process(run.pid))

        maildir = var / "mailbox"
        before = _mail_count(maildir)
        tag = uuid.uuid4().hex[:8]

        def sign_up(i: int) -> int:
            event = open_events[i % len(open_events)]
            session = requests.Session()
            session.get(f"{base['registrations']}/events/{event['id']}", timeout=30)
            answer = session.post(f"{base['registrations']}/api/v1/events/{event['id']}/registrations", timeout=30,
                                  json={"name": f"Last {i}", "email": f"embedded-{tag}-{i}@example.org",
                                        "consent": True})
            session.close()
            return answer.status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(sign_up, range(signups)))
        accepted = sum(1 for s in statuses if s == 202)
        answers = {str(code): statuses.count(code) for code in sorted(set(statuses))}
        requests.get(base["notifications"] + "/mailbox", timeout=30)
        requests.get(base["registrations"] + "/", timeout=30)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and _mail_count(maildir) - before < accepted:
            time.sleep(1)
        time.sleep(settle_seconds)
        result.update({"signups": signups, "answers": answers, "accepted": accepted, "registrant_or_contact_mails": _mail_count(maildir) - before,
                       "after_load_mb": pss_mb(run.pid), "by_process": pss_by_process(run.pid)})
    finally:
        try:
            os.killpg(run.pid, signal.SIGINT)
            run.wait(60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(run.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signups", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps(measure(args.signups), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
