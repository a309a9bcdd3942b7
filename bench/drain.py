"""`drain_by_workers`: does a second notifications worker drain a backlog twice as fast?

A backlog of registrant mails (contract messages published straight into the queue while no
notifications worker runs) goes to an SMTP server that answers each mail after a delay, as a
city's busy relay does. It is drained once by one worker, once by two (each as in
production: `--concurrency 2`, see deploy/k8s/notifications-worker.yaml). A mail worker
waiting on such a server uses little CPU while its queue grows: scaling on the queue's
length (KEDA) only helps if a second worker really takes half the work.
"""
from __future__ import annotations

import asyncio
import copy
import logging
import os
import signal
import subprocess
import threading
import time
import uuid

from aiosmtpd.controller import Controller

from bench.footprint import cpu_seconds
from shared.embedded import free_port
from tests.stack import ROOT

WORKER_CONCURRENCY = 2  # as deploy/k8s/notifications-worker.yaml


class SlowSink:
    """SMTP server that takes `delay` seconds before it accepts a mail (each session on its own)."""

    def __init__(self, delay: float):
        self.delay = delay
        self.arrivals: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        now = time.time()
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.arrivals.setdefault(rcpt.lower(), []).append(now)
        return "250 OK"

    def count(self, tag: str) -> int:
        with self.lock:
            return sum(len(times) for address, times in self.arrivals.items() if tag in address)


def publish_backlog(redis_url: str, count: int, tag: str) -> None:
    """`count` registrant mails ("please confirm"), as registrations sends them, one task each."""
    from celery import Celery
    from shared import contract
    from tests.notifications.conftest import kiel_event, registration_mail

    event = kiel_event(contact_notifications="none")
    sender = Celery("bench-drain", broker=redis_url, set_as_current=False)
    try:
        with sender.producer_or_acquire() as producer:
            for i in range(count):
                payload = registration_mail("confirm_email", event=copy.deepcopy(event), name=f"Drain {i}",
                                            email=f"drain-{tag}-{i}@example.org")
                sender.send_task(contract.REGISTRATION_MAIL, kwargs={"message": payload}, queue="notifications",
                                 producer=producer)
    finally:
        sender.close()


def _start_worker(stack, name: str, env: dict) -> subprocess.Popen:
    command = stack.command("notifications-worker")
    command[command.index("--concurrency") + 1] = str(WORKER_CONCURRENCY)
    command = [c for c in command if c != "--beat"]  # the stack's own worker keeps the one beat
    command[command.index("-n") + 1] = f"{name}@%h"
    log = open(stack.workdir / f"{name}.log", "ab")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return process


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def drain_once(stack, sink: SlowSink, workers: int, mails: int, patience: float = 600.0) -> dict:
    tag = uuid.uuid4().hex[:8]
    publish_backlog(stack.redis_url, mails, tag)
    env = {**stack.env, "SMTP_PORT": str(sink.port)}
    started = time.monotonic()
    processes = [_start_worker(stack, f"drain{i}-{tag}", env) for i in range(workers)]
    first = last = None
    try:
        while time.monotonic() - started < patience:
            arrived = sink.count(tag)
            if arrived and first is None:
                first = time.monotonic()
            if arrived >= mails:
                last = time.monotonic()
                break
            time.sleep(0.05)
        cpu = sum(cpu_seconds(p.pid) for p in processes)
    finally:
        for process in processes:
            _stop(process)
    with sink.lock:
        addresses = [a for a in sink.arrivals if tag in a]
        twice = sum(1 for a in addresses if len(sink.arrivals[a]) > 1)
    seconds = (last - first) if first and last else None
    return {"workers": workers, "concurrency_each": WORKER_CONCURRENCY, "mails": mails,
            "arrived": sink.count(tag), "twice": twice, "lost": mails - len(addresses),
            "seconds_first_to_last": round(seconds, 2) if seconds else None,
            "seconds_with_startup": round((last or time.monotonic()) - started, 2),
            "mails_per_s": round((mails - 1) / seconds, 1) if seconds else None,
            "worker_cpu_ms_per_mail": round(1000 * cpu / max(1, sink.count(tag)), 2)}


def drain_by_workers(stack, mails: int = 2000, delay: float = 0.05) -> dict:
    """Stops the stack's notifications worker for the measurement and starts it again."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = SlowSink(delay)
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    stack.stop("notifications-worker")
    try:
        one = drain_once(stack, sink, 1, mails)
        two = drain_once(stack, sink, 2, mails)
    finally:
        controller.stop()
        stack.start("notifications-worker")
    speedup = (one["seconds_first_to_last"] / two["seconds_first_to_last"]
               if one["seconds_first_to_last"] and two["seconds_first_to_last"] else None)
    return {"smtp_delay_ms": round(delay * 1000), "mails": mails, "one_worker": one, "two_workers": two,
            "speedup": round(speedup, 2) if speedup else None, "goal": 1.8}


if __name__ == "__main__":  # pragma: no cover - run through bench/run.py --only drain
    raise SystemExit("run: .venv/bin/python bench/run.py --only drain")
