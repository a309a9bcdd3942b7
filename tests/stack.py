"""The real stack in subprocesses, one process per role, on spare ports.

Used by the chaos suite and the benchmark: unlike `make run` (its supervisor stops everything
when one process dies), this lets a test SIGKILL the notifications worker, restart Redis
or the registrations web service, and bring each back.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from shared.embedded import free_port, start_redis, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVICES = ("events", "registrations", "notifications")


def _killpg(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


class Stack:
    def __init__(self, workdir: Path, database_urls: dict[str, str], *, smtp_port: int,
                 web_workers: int = 1, worker_concurrency: int = 1, env: dict | None = None,
                 redis_url: str | None = None, production_gunicorn: bool = False, ready_timeout: float = 60):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in SERVICES}
        self.own_redis = redis_url is None
        self.redis_port = free_port() if self.own_redis else None
        self.redis_url = redis_url or f"redis://127.0.0.1:{self.redis_port}/0"
        self.smtp_port = smtp_port
        self.web_workers = web_workers
        # deploy/gunicorn.conf.py as operators run it (workers from the CPU count, sync workers)
        self.production_gunicorn = production_gunicorn
        self.worker_concurrency = worker_concurrency
        # how long the web services may take to answer /readyz (more on a loaded machine)
        self.ready_timeout = ready_timeout
        self.redis_process: subprocess.Popen | None = None
        self.processes: dict[str, subprocess.Popen] = {}
        self.groups: list[int] = []  # every process group started, to prove none outlives the stack
        self.env = dict(os.environ)
        self.env.update({
            "CIVIC_ENV": "development",
            "CIVIC_VAR_DIR": str(self.workdir),
            "SECRET_KEY": "stack-test-secret-key-0123456789abcdef0123456789",
            "REDIS_URL": self.redis_url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "MAILBOX_DIR": str(self.workdir / "mailbox"),
            "PYTHONUNBUFFERED": "1",
            # sweepers and relays on a short leash so faults heal within a test's patience
            "OUTBOX_RELAY_SECONDS": "1",
            "OUTBOX_ACK_TIMEOUT_SECONDS": "5",
        })
        for name in SERVICES:
            self.env[f"{name.upper()}_URL"] = self.url(name)
            self.env[f"{name.upper()}_DATABASE_URL"] = database_urls[name]
        self.env.update(env or {})

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def command(self, role: str) -> list[str]:
        service, kind = role.rsplit("-", 1)
        if kind == "web" and self.production_gunicorn:
            return [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                    "--bind", f"127.0.0.1:{self.ports[service]}", f"services.{service}:create_app()"]
        if kind == "web":
            return [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.ports[service]}",
                    "--workers", str(self.web_workers), "--threads", "4", "--no-control-socket",
                    "--timeout", "30", "--graceful-timeout", "5", f"services.{service}:create_app()"]
        if kind == "worker":
            return [str(BIN / "celery"), "-A", f"services.{service}.worker", "worker", "-Q", service,
                    "--concurrency", str(self.worker_concurrency), "--beat",
                    "--schedule", str(self.workdir / f"celerybeat-{service}"), "--loglevel", "INFO",
                    "-n", f"{service}@%h"]
        raise ValueError(role)

    @property
    def roles(self) -> list[str]:
        return [f"{s}-{kind}" for s in SERVICES for kind in ("web", "worker")]

    # ---- lifecycle ---------------------------------------------------------------------
    def migrate(self) -> None:
        """`flask db upgrade` for every service, side by side (each has its own database)."""
        runs = {service: subprocess.Popen([str(BIN / "flask"), "--app", f"services.{service}", "db", "upgrade"],
                                          cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                for service in SERVICES}
        failed = {}
        for service, run in runs.items():
            out, _ = run.communicate(timeout=120)
            if run.returncode:
                failed[service] = out.decode(errors="replace")[-2000:]
        if failed:
            raise RuntimeError(f"migrations failed: {failed}")

    def flask(self, service: str, *args: str) -> str:
        out = subprocess.run([str(BIN / "flask"), "--app", f"services.{service}", *args],
                             cwd=ROOT, env=self.env, check=True, capture_output=True, text=True)
        return out.stdout

    def start_redis(self) -> None:
        if self.own_redis:
            self.redis_process = start_redis(self.redis_port, self.workdir / "redis",
                                             logfile=str(self.workdir / "redis.log"))

    def stop_redis(self) -> None:
        if self.redis_process is not None:
            self.redis_process.terminate()
            try:
                self.redis_process.wait(10)
            except subprocess.TimeoutExpired:
                self.redis_process.kill()
                self.redis_process.wait(10)
            self.redis_process = None

    def start(self, role: str) -> None:
        log = open(self.workdir / f"{role}.log", "ab")
        self.processes[role] = subprocess.Popen(self.command(role), cwd=ROOT, env=self.env, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)
        log.close()  # the child has its own copy
        self.groups.append(self.processes[role].pid)

    def stop(self, role: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        process = self.processes.pop(role, None)
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                _killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        # whatever outlived its leader (a pool child, an embedded beat) goes too
        _killpg(process.pid, signal.SIGKILL)

    def worker_pool_pids(self, role: str, timeout: float = 5.0) -> list[int]:
        """The pool children of a Celery worker (the processes that run tasks), as the worker
        itself reports them (remote control `stats`). Its embedded beat is a child too, a fork
        with the same command line, so the process tree alone cannot tell them apart."""
        from celery import Celery
        service = role.rsplit("-", 1)[0]
        node = f"{service}@{socket.gethostname()}"
        app = Celery(f"stack-probe-{service}", broker=self.redis_url, set_as_current=False)
        try:
            for _ in range(3):
                replies = app.control.inspect(destination=[node], timeout=timeout).stats() or {}
                if node in replies:
                    return [int(pid) for pid in replies[node].get("pool", {}).get("processes", [])]
            raise TimeoutError(f"{node} did not answer `inspect stats`; see {self.workdir}/{role}.log")
        finally:
            app.close()

    def kill_worker_child(self, role: str) -> int:
        """SIGKILL the pool children of a Celery worker (the processes that run tasks), not its
        embedded beat; the worker forks new ones. Returns how many were killed."""
        parent = self.processes[role].pid
        children = {int(p) for p in subprocess.run(["pgrep", "-P", str(parent)], capture_output=True,
                                                   text=True).stdout.split()}
        pool = [pid for pid in self.worker_pool_pids(role) if pid in children]
        for pid in pool:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(pool)

    def signal(self, role: str, sig: int) -> None:
        """Send a signal to a role's whole process group (SIGSTOP/SIGCONT freeze and thaw it)."""
        os.killpg(self.processes[role].pid, sig)

    def queue_depth(self, queue: str) -> int:
        """Messages waiting in a queue of this stack's Redis (not counting those a worker reserved)."""
        import redis
        client = redis.Redis.from_url(self.redis_url, socket_timeout=2)
        try:
            return int(client.llen(queue))
        finally:
            client.close()

    def alive_groups(self) -> dict[int, list[int]]:
        """Process groups this stack started that still have a live member (zombies waiting to
        be reaped do not count): {group: [pids]}."""
        groups = set(self.groups)
        alive: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state ppid pgrp ...
            state, pgrp = fields[0], int(fields[2])
            if pgrp in groups and state not in ("Z", "X"):
                alive.setdefault(pgrp, []).append(int(entry))
        return alive

    def start_all(self) -> None:
        self.start_redis()
        self.migrate()
        for role in self.roles:
            self.start(role)
        self.wait_ready(self.ready_timeout)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for service in SERVICES:
            wait_for_port(self.ports[service], timeout=max(1.0, deadline - time.monotonic()))
            while True:
                try:
                    if requests.get(self.url(service) + "/readyz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{service} not ready; see {self.workdir}/{service}-web.log")
                time.sleep(0.2)

    def stop_all(self) -> None:
        # ask every process to stop at once, then wait for each (a warm shutdown each in turn adds up)
        for process in self.processes.values():
            if process.poll() is None:
                _killpg(process.pid, signal.SIGTERM)
        for role in list(self.processes):
            self.stop(role)
        self.stop_redis()

    def __enter__(self):
        try:
            self.start_all()
        except Exception:
            self.stop_all()
            raise
        return self

    def __exit__(self, *exc):
        self.stop_all()
