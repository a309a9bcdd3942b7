"""A worker process SIGKILLed while it is sending a mail: the mail still arrives, once.

Real `celery worker` processes (prefork, with embedded beat for the sweeper) on a broker of
their own, a real SMTP server that holds the DATA without accepting it while the worker dies.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from sqlalchemy import select

from services.notifications.models import Message, db
from shared.contract import REGISTRATION_MAIL
from tests.factories import wait_until
from tests.notifications.conftest import registration_mail

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def other_db(url: str) -> str:
    base, _, number = url.rpartition("/")
    return f"{base}/{(int(number or 0) + 1) % 16}"


class WorkerProcess:
    def __init__(self, env: dict, log: Path):
        self.log = open(log, "ab")
        celery_bin = Path(sys.executable).with_name("celery")
        self.process = subprocess.Popen(
            [str(celery_bin), "-A", "services.notifications.worker", "worker", "-Q", "notifications",
             "-P", "prefork", "-c", "1", "-B", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def _children(pid: int) -> list[int]:
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return out


def sender_of_connection_to(parent: int, port: int) -> int:
    """The worker process holding a TCP connection to 127.0.0.1:port (found through /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[2].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for child in _children(parent):
        try:
            for fd in os.listdir(f"/proc/{child}/fd"):
                link = os.readlink(f"/proc/{child}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return child
        except OSError:
            continue
    raise AssertionError("no worker process is connected to the SMTP server")


@pytest.mark.parametrize("victim", ["whole_worker", "pool_child"])
def test_worker_killed_mid_send_mail_arrives_once(victim, app, sink, redis_url, tmp_path):
    broker = other_db(redis_url)
    redis.Redis.from_url(broker).flushdb()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CIVIC_ENV": "development",
        "CIVIC_VAR_DIR": str(tmp_path / "var"),
        "NOTIFICATIONS_DATABASE_URL": app.test_database_url,
        "REDIS_URL": broker,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(sink.port),
        "SMTP_SECURITY": "none",
        "SMTP_TIMEOUT_SECONDS": "30",  # the stalled send must not time out before the kill
        "DELIVERY_LEASE_SECONDS": "3",
        "SWEEP_SECONDS": "0.5",
        "SWEEP_GRACE_SECONDS": "0.5",
        "SWEEP_REDRIVE_SECONDS": "2",
        "CIVIC_CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat"),
    }
    sink.stalled = threading.Event()
    sink.stall_next = True
    payload = registration_mail("confirmed")
    sender = Celery("test-sender", broker=broker)
    first = WorkerProcess(env, tmp_path / "worker-1.log")
    second = None
    try:
        sender.send_task(REGISTRATION_MAIL, kwargs={"message": payload}, queue="notifications")
        assert sink.stalled.wait(90), (tmp_path / "worker-1.log").read_text()[-3000:]
        if victim == "whole_worker":
            first.kill()  # parent, pool child and embedded beat at once: a node or container lost
        else:
            # only the process talking SMTP (the OOM killer's pick); the parent gives the task back
            # (task_reject_on_worker_lost) and starts a new child
            child = sender_of_connection_to(first.process.pid, sink.port)
            assert child != first.process.pid
            os.kill(child, signal.SIGKILL)
        with app.app_context():
            row = db.session.execute(select(Message)).scalar_one()
            assert row.status == "queued" and row.attempts == 1 and row.lease_until is not None
            db.session.rollback()
        time.sleep(0.5)  # a redelivered task (pool_child) finds the lease and sends nothing
        assert sink.mails == []
        sink.release = True  # the server gives up on the dead connection; nothing was accepted

        if victim == "whole_worker":
            second = WorkerProcess(env, tmp_path / "worker-2.log")
        [mail] = sink.wait_for(1, timeout=90)
        assert mail.rcpt_tos == ["jana.petersen@example.org"]
        with app.app_context():
            def sent():
                db.session.rollback()
                row = db.session.execute(select(Message)).scalar_one()
                return row if row.status == "sent" else None
            row = wait_until(sent, timeout=20)
            assert row.attempts == 2
            assert mail.msg["Message-ID"] == row.rfc_message_id
        time.sleep(4)  # longer than the lease: nothing sends it again
        assert len(sink.mails) == 1
    finally:
        sender.close()
        first.stop()
        if second:
            second.stop()
        redis.Redis.from_url(broker).flushdb()
