"""Profile the mail path in-process: `.venv/bin/python bench/profile_mail.py [-n 200] [--plain | --cprofile] [--kind confirmed]`.

The notifications service's share of a sign-up: consume the registrant's message (deduplicate,
compose the mail, store its row, acknowledge) and the contact person's, as the one batch task a
sign-up's commit publishes, then deliver each row to a real SMTP server. The SMTP server runs in a child process, so the CPU time printed is the
mail path's alone (process CPU time: it holds under a busy machine, wall time does not).
Throwaway PostgreSQL database (BENCH_POSTGRES_URL) and a real Redis (REDIS_URL, default the
machine's database 14).
"""
from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from shared.embedded import free_port, wait_for_port  # noqa: E402

SINK = """
import sys, threading, logging
from aiosmtpd.controller import Controller
logging.getLogger("mail.log").setLevel(logging.WARNING)
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1])).start()
threading.Event().wait()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="sign-ups (each: a registrant's and a contact's mail)")
    parser.add_argument("--kind", default="confirm_email", help="the registrant's mail (confirmed: with .ics)")
    parser.add_argument("--one-by-one", action="store_true",
                        help="each message in its own transaction (consume()), not the batch as the relay sends it")
    parser.add_argument("--plain", action="store_true", help="no profiler: CPU time only")
    parser.add_argument("--cprofile", action="store_true",
                        help="cProfile on process CPU time (not wall time: holds on a busy machine)")
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    logging.getLogger("services").setLevel(logging.WARNING)
    pg = make_url(os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    name = "ce_profile_mail"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)])
    try:
        wait_for_port(port, timeout=30)
        from services.notifications import create_app
        from services.notifications.models import Message, db
        from services.notifications.tasks import consume
        from shared import contract
        from shared.contract import batch_task
        from tests.notifications.conftest import contact_mail, registration_mail
        from tests.servers import migrate

        app = create_app({"SQLALCHEMY_DATABASE_URI": pg.set(database=name).render_as_string(hide_password=False),
                          "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
                          "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": "none",
                          "SECRET_KEY": "profile-secret-" + "x" * 40})
        migrate(app)
        logging.getLogger("services").setLevel(logging.WARNING)
        batch = app.extensions["celery"].tasks[batch_task("notifications")]

        def sent_mails() -> int:
            with app.app_context():
                return db.session.query(Message).filter(Message.status == "sent").count()

        def messages(i: int) -> tuple[dict, dict]:
            email, person = f"p{i}-{os.getpid()}@example.org", f"Person {i}"
            return registration_mail(args.kind, email=email, name=person), contact_mail(email=email, name=person)

        prepared = {i: messages(i) for i in range(-10, args.n)}  # made before, not profiled

        def one(i: int) -> None:
            registrant, contact = prepared[i]
            with app.app_context():
                if args.one_by_one:
                    consume(contract.REGISTRATION_MAIL, registrant)
                    consume(contract.CONTACT_MAIL, contact)
                    return
                # as a sign-up's commit publishes them: one batch task; apply() runs it as a
                # worker would (its acknowledgements gathered for a second, not sent at once)
                batch.apply(kwargs={"messages": [{"task": contract.REGISTRATION_MAIL, "message": registrant},
                                                 {"task": contract.CONTACT_MAIL, "message": contact}]}).get()

        for i in range(10):
            one(-i - 1)
        sent = sent_mails()
        started, cpu = time.perf_counter(), time.process_time()
        if args.plain:
            for i in range(args.n):
                one(i)
        elif args.cprofile:
            import cProfile
            import pstats
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for i in range(args.n):
                one(i)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
        else:
            from pyinstrument import Profiler
            profiler = Profiler(interval=0.0005)
            with profiler:
                for i in range(args.n):
                    one(i)
            print(profiler.output_text(unicode=True, color=False))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        sent = sent_mails() - sent
        print(f"{sent} mails ({args.n} × {args.kind} + contact mails) in {elapsed:.2f} s: "
              f"{1000 * elapsed / sent:.2f} ms each, CPU {1000 * cpu / sent:.2f} ms per mail (SMTP server not included)")
    finally:
        sink.terminate()
        sink.wait(10)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
