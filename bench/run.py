"""Benchmark of the whole stack: `make bench` (or `.venv/bin/python bench/run.py`).

Starts the stack as in production (gunicorn, PostgreSQL, Redis, one worker per queue) on
spare ports with throwaway databases, then measures: the framework floor, sign-up
throughput and latency at several concurrency levels (wrk) with the whole stack, with the
workers frozen, and of a bare yardstick (bench/bare_signup.py), the mail drain and sign-up →
mail latency at the SMTP server, 1,000 concurrent sign-ups for 50 seats (wrk), resident
PSS of every process, the notifications worker's CPU per mail, the drain of a mail backlog
to a slow SMTP server by one and by two workers (bench/drain.py), the embedded run's PSS
(bench/embedded.py), and SQL statements per sign-up. Writes bench/results/latest.json and
prints a table and the summary of issue 15 (README, "Benchmark").

Needs: PostgreSQL (BENCH_POSTGRES_URL, default the machine's), `wrk` (apt-get install wrk).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import drain as drain_part  # noqa: E402
from bench import embedded as embedded_part  # noqa: E402
from bench.footprint import cpu_seconds, pss_mb  # noqa: E402
from shared.embedded import free_port  # noqa: E402
from tests.stack import Stack  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.json"


class RecordingSink:
    """SMTP server that notes when each mail arrived, by recipient."""

    def __init__(self):
        self.arrivals: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.arrivals.setdefault(rcpt.lower(), []).append(now)
        return "250 OK"


def pg_databases(base_url: str, prefix: str) -> dict[str, str]:
    base = make_url(base_url)
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    urls = {}
    with engine.connect() as conn:
        for service in ("events", "registrations", "notifications"):
            name = f"{prefix}_{service}"
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            urls[service] = base.set(database=name).render_as_string(hide_password=False)
    engine.dispose()
    return urls


def drop_databases(base_url: str, urls: dict[str, str]) -> None:
    engine = create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for url in urls.values():
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def wrk(url: str, script: str, connections: int, seconds: int, threads: int = 2) -> dict:
    threads = min(threads, connections)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                          "--timeout", "10s", "-s", str(ROOT / "bench" / script), url, "--", uuid.uuid4().hex[:12]],
                         capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def memory(stack: Stack) -> dict:
    """PSS (MB) of each role's process tree, and their sum: what the stack takes together."""
    roles = {role: pss_mb(process.pid) for role, process in stack.processes.items()}
    return {**roles, "total": round(sum(roles.values()), 1)}


class CpuMeter:
    """CPU seconds of the stack's roles and of its PostgreSQL backends between two readings.
    Process CPU time, not wall time: it holds when other work shares the machine."""

    def __init__(self, stack: Stack, admin_url: str, databases: list[str]):
        self.stack = stack
        self.engine = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT", pool_size=1)
        self.databases = databases

    def _backends(self) -> dict[int, float]:
        with self.engine.connect() as conn:
            pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = ANY(:names)"),
                                {"names": self.databases}).scalars().all()
        return {pid: cpu_seconds(pid) for pid in pids}

    def read(self) -> dict:
        roles = {role: cpu_seconds(process.pid) for role, process in self.stack.processes.items()}
        return {"roles": roles, "postgres": self._backends()}

    @staticmethod
    def between(before: dict, after: dict) -> dict:
        """Seconds used per group (web, workers, postgres) from one reading to the next."""
        spent = {"web": 0.0, "workers": 0.0, "notifications_worker": 0.0, "registrations_worker": 0.0}
        for role, seconds in after["roles"].items():
            used = max(0.0, seconds - before["roles"].get(role, 0.0))
            spent["web" if role.endswith("-web") else "workers"] += used
            if role in ("notifications-worker", "registrations-worker"):
                spent[role.replace("-", "_")] = used
        # a backend that came and went between the readings is not counted (the pools keep theirs)
        spent["postgres"] = sum(max(0.0, seconds - before["postgres"].get(pid, 0.0))
                                for pid, seconds in after["postgres"].items())
        return spent

    def close(self) -> None:
        self.engine.dispose()


def create_event(stack: Stack, token: str, title: str, capacity: int, waitlist: bool = True) -> int:
    starts = datetime.now(timezone.utc) + timedelta(days=30)
    body = {"title": title, "language": "de", "timezone": "Europe/Berlin",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat(),
            "format": "in_person", "venue": {"name": "Rathaus", "street": "Markt 1", "postal_code": "24103",
                                              "city": "Kiel"},
            "contacts": [{"name": "Kontakt", "email": "kontakt@example.org"}],
            "registration": {"mode": "required", "capacity": capacity, "waitlist": waitlist}}
    headers = {"Authorization": f"Bearer {token}"}
    created = requests.post(stack.url("events") + "/api/v1/events", json=body, headers=headers, timeout=10)
    if created.status_code != 201:
        raise RuntimeError(f"creating the event failed: {created.status_code} {created.text[:500]}")
    event_id = created.json()["id"]
    requests.post(stack.url("events") + f"/api/v1/events/{event_id}/publish", headers=headers, timeout=10).raise_for_status()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the replica arrives by message (or is fetched on a miss)
        if requests.get(stack.url("registrations") + f"/api/v1/events/{event_id}/availability", timeout=5).ok:
            return event_id
        time.sleep(0.2)
    raise RuntimeError(f"event {event_id} never reached registrations")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def signup_to_mail(stack: Stack, sink: RecordingSink, event_id: int, rate: float, seconds: float) -> dict:
    url = stack.url("registrations") + f"/api/v1/events/{event_id}/registrations"
    sent: dict[str, float] = {}
    session = requests.Session()
    interval = 1 / rate
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < seconds:
        email = f"latency-{i}-{uuid.uuid4().hex[:6]}@example.org"
        response = session.post(url, json={"name": f"Latency {i}", "email": email, "consent": True}, timeout=10)
        if response.status_code == 202:
            sent[email] = time.time()
        i += 1
        time.sleep(max(0.0, start + i * interval - time.monotonic()))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(e not in sink.arrivals for e in sent):
        time.sleep(0.1)
    latencies = [(sink.arrivals[e][0] - t) * 1000 for e, t in sent.items() if e in sink.arrivals]
    return {"rate_per_s": rate, "signups": len(sent), "mails_arrived": len(latencies),
            "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
            "p99_ms": round(percentile(latencies, 99), 1)}


def wait_idle(stack: Stack, patience: float = 300.0) -> float:
    """Seconds until the queues of notifications and registrations are empty (acknowledgements
    included), so that a latency run does not measure the backlog of the run before."""
    started = time.monotonic()
    while time.monotonic() - started < patience:
        if stack.queue_depth("notifications") == 0 and stack.queue_depth("registrations") == 0:
            break
        time.sleep(0.5)
    return round(time.monotonic() - started, 1)


def drain(sink: RecordingSink, expected: int, patience: float = 600.0) -> dict:
    started = time.monotonic()

    def arrived() -> int:
        with sink.lock:
            return sum(len(times) for address, times in sink.arrivals.items() if address.startswith("bench-"))

    first = arrived()
    while arrived() < expected and time.monotonic() - started < patience:
        time.sleep(0.5)
    seconds = time.monotonic() - started
    count = arrived()
    with sink.lock:
        addresses = [a for a in sink.arrivals if a.startswith("bench-")]
        twice = sum(1 for a in addresses if len(sink.arrivals[a]) > 1)
    # wrk abandons the requests in flight when a run ends; the server still completes them, so
    # a few more sign-ups (and mails) exist than wrk counted: "addresses", not "arrived", is
    # the number of distinct people who got their mail, and "twice" must be 0
    return {"expected": expected, "arrived": count, "addresses": len(addresses), "twice": twice,
            "waited_s": round(seconds, 1),
            "mails_per_s_while_draining": round((count - first) / seconds, 1) if seconds > 0.5 else None}


def contention(stack: Stack, token: str, workdir: Path, attempts: int = 1000, seats: int = 50) -> dict:
    """`attempts` sign-ups sent at once, one per connection (wrk, bench/contention.lua), for an
    event with `seats` seats and a waiting list: how long until the last is answered, and
    whether the database handed out exactly `seats` seats."""
    event_id = create_event(stack, token, "Contention", capacity=seats)
    url = stack.url("registrations") + f"/api/v1/events/{event_id}/registrations"
    threads = 2
    marker = workdir / "contention-done"
    # a connection per sign-up: wrk needs more file descriptors than the usual soft limit of 1,024
    raise_fd_limit = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))  # noqa: E731
    started = time.monotonic()
    process = subprocess.Popen(
        ["wrk", "-t", str(threads), "-c", str(attempts), "-d", "600s", "--timeout", "300s",
         "-s", str(ROOT / "bench" / "contention.lua"), url, "--", str(attempts // threads), str(marker)],
        stdout=subprocess.PIPE, text=True, preexec_fn=raise_fd_limit)
    finished = None
    while process.poll() is None and time.monotonic() - started < 600:
        if all((workdir / f"contention-done.{i}").exists() for i in range(1, threads + 1)):
            finished = time.monotonic()
            process.send_signal(signal.SIGINT)  # wrk would otherwise wait out its -d
            break
        time.sleep(0.01)
    out, _ = process.communicate(timeout=60)
    result = json.loads(next(l for l in out.splitlines() if l.startswith("RESULT "))[len("RESULT "):])
    availability = requests.get(stack.url("registrations") + f"/api/v1/events/{event_id}/availability", timeout=10).json()
    # an answer with "waitlist": true holds no seat: that person is on the waiting list once
    # they confirm their address (availability counts confirmed waiting people only)
    return {"attempts": attempts, "seats": seats,
            "seconds": round(finished - started, 2) if finished else None,
            "taken": availability.get("taken"), "seated": result["seated"], "waitlisted": result["waitlisted"],
            "answered": result["answered"], "server_errors": result["server_errors"],
            "other_answers": result["other"], "socket_errors": result["socket_errors"],
            "latency_p50_ms": result["p50_ms"], "latency_p99_ms": result["p99_ms"],
            "load_tool": "wrk, one connection per sign-up"}


def sql_per_signup(stack: Stack, event_id: int) -> dict:
    """Statements and round trips of one sign-up, counted with SQLAlchemy engine events in-process."""
    os.environ.update({k: v for k, v in stack.env.items() if k.endswith("_URL") or k in ("SECRET_KEY", "REDIS_URL")})
    from services.registrations import create_app
    app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    url = f"/api/v1/events/{event_id}/registrations"
    client.post(url, json={"name": "Warm Up", "email": "warm-up@example.org", "consent": True})
    statements: list[str] = []
    with app.app_context():
        from services.registrations.models import db
        engine = db.engine
    listener = lambda conn, cursor, statement, params, context, executemany: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.post(url, json={"name": "Counted", "email": "counted@example.org", "consent": True})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return {"status": response.status_code, "statements": len(statements),
            "kinds": [s.split()[0].upper() for s in statements]}


ALL_PARTS = {"floor", "signup", "mail", "contention", "drain", "embedded"}


def signup_runs(url: str, levels: list[int], seconds: int, floor_rps: float, meter: CpuMeter | None = None) -> dict:
    """wrk sign-ups at each concurrency level, with their ratio to the floor and (given a
    meter) the CPU each accepted sign-up cost the web services, the workers and PostgreSQL."""
    runs = {}
    for c in levels:
        before = meter.read() if meter else None
        run = wrk(url, "signup.lua", c, seconds)
        run["ratio_to_floor"] = round(run["rps"] / floor_rps, 3)
        if meter:
            spent = CpuMeter.between(before, meter.read())
            accepted = max(1, run["accepted"])
            run["cpu_ms_per_signup"] = {k: round(1000 * v / accepted, 2) for k, v in spent.items()}
        runs[str(c)] = run
    return runs


def run_signups(stack: Stack, token: str, results: dict, levels: list[int], seconds: int, meter: CpuMeter) -> None:
    event_id = create_event(stack, token, "Throughput", capacity=100_000, waitlist=False)
    results["signup_event_id"] = event_id
    signup_url = stack.url("registrations") + f"/api/v1/events/{event_id}/registrations"
    floor_rps = results["floor"]["rps"]
    levels_out = results["signup_levels"] = {}
    levels_out["whole_stack"] = signup_runs(signup_url, levels, seconds, floor_rps, meter)
    # The same with the Celery workers frozen (SIGSTOP): what the web tier does when the
    # workers run elsewhere, as they would in production. Their messages wait in Redis.
    workers = [role for role in stack.processes if role.endswith("-worker")]
    for role in workers:
        stack.signal(role, signal.SIGSTOP)
    try:
        levels_out["web_tier"] = signup_runs(signup_url, levels, seconds, floor_rps, meter)
        levels_out["bare"] = bare_signups(stack, event_id, levels, seconds, floor_rps)
    finally:
        for role in workers:
            stack.signal(role, signal.SIGCONT)
    key = "8" if "8" in levels_out["whole_stack"] else next(iter(levels_out["whole_stack"]))
    results["signup"] = {kind: {"concurrency": int(key), **runs[key]} for kind, runs in levels_out.items()}
    whole, web = results["signup"]["whole_stack"], results["signup"]["web_tier"]
    results["signup"]["whole_stack_ratio_vs_web_tier"] = round(whole["ratio_to_floor"] / web["ratio_to_floor"], 3)


def bare_signups(stack: Stack, event_id: int, levels: list[int], seconds: int, floor_rps: float) -> dict:
    """The yardstick (bench/bare_signup.py): the same durable work with nothing around it,
    on the same gunicorn settings and database, while the real web services sit idle."""
    port = free_port()
    env = {**stack.env, "BARE_DATABASE_URL": stack.env["REGISTRATIONS_DATABASE_URL"],
           "BARE_REDIS_URL": stack.redis_url}
    log_path = stack.workdir / "bare.log"
    with open(log_path, "w") as log:  # the child keeps its own descriptor
        process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c",
                                    str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
                                    "bench.bare_signup:create_app()"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the bare sign-up app did not start")
            time.sleep(0.2)
        runs = signup_runs(f"http://127.0.0.1:{port}/api/v1/events/{event_id}/registrations", levels, seconds,
                           floor_rps)
        if any(run["server_errors"] for run in runs.values()):
            print(log_path.read_text()[-3000:], file=sys.stderr)
        return runs
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def total_arrivals(sink: RecordingSink) -> int:
    with sink.lock:
        return sum(len(times) for times in sink.arrivals.values())


def _stop_cleanly(signum, frame):
    raise KeyboardInterrupt  # the stack's processes and the databases are removed on the way out


def main() -> int:
    # Ctrl-C and SIGTERM end the run through the finally blocks, also when started in the
    # background (where a shell leaves SIGINT ignored)
    signal.signal(signal.SIGINT, _stop_cleanly)
    signal.signal(signal.SIGTERM, _stop_cleanly)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--concurrency", default="1,8,32", help="wrk connection counts for sign-ups")
    parser.add_argument("--only", help=f"comma-separated parts to run ({','.join(sorted(ALL_PARTS))}); "
                                       "the default runs all and writes bench/results/latest.json")
    parser.add_argument("--drain-mails", type=int, default=2000, help="backlog of the drain_by_workers part")
    parser.add_argument("--embedded-signups", type=int, default=300, help="load on the embedded run")
    args = parser.parse_args()
    parts = set(args.only.split(",")) if args.only else ALL_PARTS
    if parts - ALL_PARTS:
        parser.error(f"--only: unknown parts {sorted(parts - ALL_PARTS)}")
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    # aiosmtpd logs every SMTP line at INFO: in this process that would eat the CPU being measured
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    cores = os.cpu_count() or 2
    results: dict = {"machine": {"cores": cores, "python": platform.python_version(),
                                 "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}}
    if parts - {"embedded"}:
        production_stack(pg, parts, args, results)
    if "embedded" in parts:
        # alone on the machine, after the production-like stack has stopped
        results["embedded"] = embedded_part.measure(args.embedded_signups)
    results["summary"] = summary(results)
    if parts == ALL_PARTS:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    return 0


def production_stack(pg: str, parts: set[str], args, results: dict) -> None:
    urls = pg_databases(pg, "ce_bench")
    smtp_port = free_port()
    sink = RecordingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    workdir = Path(tempfile.mkdtemp(prefix="civic-bench-"))
    # production settings (the stack's test defaults relay every second with a 5 s ack timeout,
    # which under a backlog of thousands would measure the relay, not the services)
    env = {"CIVIC_ENV": "production", "CIVIC_RATELIMIT_ENABLED": "false",
           "OUTBOX_RELAY_SECONDS": "5", "OUTBOX_ACK_TIMEOUT_SECONDS": "60"}
    meter = None
    try:
        with Stack(workdir, urls, smtp_port=smtp_port, worker_concurrency=results["machine"]["cores"], env=env,
                   production_gunicorn=True, ready_timeout=600) as stack:
            meter = CpuMeter(stack, pg, [make_url(u).database for u in urls.values()])
            token = stack.flask("events", "create-organizer", "Benchmark").strip().splitlines()[-1]
            time.sleep(2)
            results["memory_at_rest_mb"] = memory(stack)
            if "floor" in parts or "signup" in parts:
                results["floor"] = wrk(stack.url("registrations") + "/healthz", "floor.lua", 8, args.seconds)
            mails_before, cpu_before = total_arrivals(sink), meter.read()
            if "signup" in parts:
                run_signups(stack, token, results, [int(x) for x in args.concurrency.split(",")], args.seconds, meter)
            if "mail" in parts:
                if "signup" in parts:
                    # the runs left two mails per sign-up queued: measure how fast they drain (the
                    # mail pipeline's own throughput), then measure latency on an idle stack
                    accepted = sum(run["accepted"] for kind in ("whole_stack", "web_tier")
                                   for run in results["signup_levels"][kind].values())
                    results["mail_drain"] = drain(sink, accepted)
                    results["mail_drain"]["idle_after_s"] = wait_idle(stack)
                    # every mail of the sign-up runs has gone out: the workers' CPU over those mails
                    spent = CpuMeter.between(cpu_before, meter.read())
                    mails = total_arrivals(sink) - mails_before
                    results["mail_cpu"] = {
                        "mails": mails, "notifications_worker_cpu_s": round(spent["notifications_worker"], 2),
                        "mail_cpu_ms": round(1000 * spent["notifications_worker"] / max(1, mails), 2),
                        "registrations_worker_cpu_ms_per_mail": round(
                            1000 * spent["registrations_worker"] / max(1, mails), 2)}
                mail_event = create_event(stack, token, "Mail latency", capacity=100_000)
                results["signup_to_mail"] = {}
                for rate in (5, 10):
                    results["signup_to_mail"][str(rate)] = signup_to_mail(stack, sink, mail_event, rate=rate,
                                                                          seconds=args.seconds)
                    wait_idle(stack)
            if "contention" in parts:
                results["contention"] = contention(stack, token, workdir)
            results["memory_after_load_mb"] = memory(stack)
            if "drain" in parts:
                results["drain_by_workers"] = drain_part.drain_by_workers(stack, mails=args.drain_mails)
            if "signup" in parts:
                results["sql_per_signup"] = sql_per_signup(stack, results["signup_event_id"])
    finally:
        if meter is not None:
            meter.close()
        controller.stop()
        drop_databases(pg, urls)
        shutil.rmtree(workdir, ignore_errors=True)


def summary(r: dict) -> dict:
    """The figures issue 15 asks for, under the names it gives them."""
    out: dict = {}
    if "mail_cpu" in r:
        out["mail_cpu_ms"] = r["mail_cpu"]["mail_cpu_ms"]
    if "signup" in r:
        whole, web = r["signup"]["whole_stack"], r["signup"]["web_tier"]
        out["signup.whole_stack.ratio_to_floor"] = whole["ratio_to_floor"]
        out["signup.web_tier.ratio_to_floor"] = web["ratio_to_floor"]
        out["signup.whole_stack_vs_web_tier"] = r["signup"]["whole_stack_ratio_vs_web_tier"]
        out["signup.whole_stack.p99_ms"] = whole["p99_ms"]
        out["floor_rps"] = r["floor"]["rps"]
    if "embedded" in r:
        out["embedded_pss_mb"] = {"at_rest": r["embedded"]["at_rest_mb"], "after_load": r["embedded"]["after_load_mb"]}
    if "memory_at_rest_mb" in r:
        out["production_pss_mb"] = {"at_rest": r["memory_at_rest_mb"]["total"],
                                    "after_load": r.get("memory_after_load_mb", {}).get("total")}
    if "contention" in r:
        c = r["contention"]
        out["contention_1000"] = {"seconds": c["seconds"], "taken": c["taken"], "seats": c["seats"]}
    checks = {}
    if "mail_drain" in r:
        d = r["mail_drain"]
        checks["sign_up_runs"] = {"twice": d["twice"], "lost": max(0, d["expected"] - d["addresses"])}
    if "drain_by_workers" in r:
        for key in ("one_worker", "two_workers"):
            run = r["drain_by_workers"][key]
            checks[f"drain_{key}"] = {"twice": run["twice"], "lost": run["lost"]}
        out["drain_by_workers"] = {"speedup": r["drain_by_workers"]["speedup"],
                                   "one_worker_mails_per_s": r["drain_by_workers"]["one_worker"]["mails_per_s"],
                                   "two_workers_mails_per_s": r["drain_by_workers"]["two_workers"]["mails_per_s"]}
    if checks:
        out["exactly_once"] = {**checks, "ok": all(c["twice"] == 0 and c["lost"] == 0 for c in checks.values())}
    return out


def print_table(r: dict) -> None:
    print(f"\ncivic-events benchmark ({r['machine']['cores']} cores, Python {r['machine']['python']}, {r['machine']['when']})")
    if "floor" in r:
        f = r["floor"]
        print(f"{'framework floor (GET /healthz, c=8)':45} {f['rps']:8.0f} req/s  p50 {f['p50_ms']:.1f} ms  "
              f"p99 {f['p99_ms']:.1f} ms")
    labels = {"whole_stack": "sign-up POST", "web_tier": "sign-up POST, workers frozen",
              "bare": "yardstick: bare sign-up (bench/bare_signup.py)"}
    for kind, runs in r.get("signup_levels", {}).items():
        for c, s in runs.items():
            cpu = s.get("cpu_ms_per_signup")
            cpu_text = (f"  CPU/sign-up web {cpu['web']} workers {cpu['workers']} pg {cpu['postgres']} ms"
                        if cpu else "")
            print(f"{labels[kind] + ', c=' + c:45} {s['rps']:8.0f} req/s  p50 {s['p50_ms']:.1f}  p95 {s['p95_ms']:.1f}  "
                  f"p99 {s['p99_ms']:.1f} ms  ratio {s['ratio_to_floor']:.3f}  5xx {s['server_errors']}{cpu_text}")
    if "mail_drain" in r:
        d = r["mail_drain"]
        print(f"{'registrant mails queued by those runs':45} {d['arrived']}/{d['expected']} after {d['waited_s']} s "
              f"({d['mails_per_s_while_draining']}/s, as many to the contact person); queues empty after "
              f"{d['idle_after_s']} s more; addresses that got 2+ mails: {d['twice']}")
    if "mail_cpu" in r:
        m = r["mail_cpu"]
        print(f"{'notifications worker CPU per mail':45} {m['mail_cpu_ms']} ms over {m['mails']} mails "
              f"(registrations worker: {m['registrations_worker_cpu_ms_per_mail']} ms per mail)")
    for rate, m in r.get("signup_to_mail", {}).items():
        print(f"{'sign-up → mail at SMTP (' + rate + ' sign-ups/s)':45} p50 {m['p50_ms']} ms  p95 {m['p95_ms']} ms  "
              f"p99 {m['p99_ms']} ms  ({m['mails_arrived']}/{m['signups']} arrived)")
    if "contention" in r:
        c = r["contention"]
        print(f"{'1,000 concurrent sign-ups for 50 seats':45} {c['seconds']} s  taken {c['taken']}  "
              f"seated {c['seated']}  waitlisted {c['waitlisted']}  5xx {c['server_errors']}  "
              f"other {c['other_answers']}  socket errors {c['socket_errors']}")
    if "drain_by_workers" in r:
        d = r["drain_by_workers"]
        for key in ("one_worker", "two_workers"):
            run = d[key]
            print(f"{'drain ' + str(d['mails']) + ' mails, SMTP +' + str(d['smtp_delay_ms']) + ' ms, ' + key:45} "
                  f"{run['seconds_first_to_last']} s  {run['mails_per_s']} mails/s  twice {run['twice']}  "
                  f"lost {run['lost']}  CPU {run['worker_cpu_ms_per_mail']} ms/mail")
    if "sql_per_signup" in r:
        q = r["sql_per_signup"]
        print(f"{'SQL statements per sign-up':45} {q['statements']}  ({', '.join(q['kinds'])})")
    if "memory_at_rest_mb" in r:
        print("PSS (MB) of the production-like stack, at rest → after load:")
        for role, mb in r["memory_at_rest_mb"].items():
            print(f"  {role:28} {mb:7.1f} → {r.get('memory_after_load_mb', {}).get(role, float('nan')):7.1f}")
    if "embedded" in r:
        e = r["embedded"]
        print(f"{'embedded run (make run), PSS of all':45} {e['at_rest_mb']} MB at rest → {e['after_load_mb']} MB "
              f"after {e['accepted']} sign-ups ({e['processes']} processes)")
    print("summary (issue 15):")
    for key, value in r.get("summary", {}).items():
        print(f"  {key}: {json.dumps(value)}")


if __name__ == "__main__":
    sys.exit(main())
