"""Profile the mail path in-process: `.venv/bin/python bench/profile_mail.py [-n 200] [--plain]`.

The notifications service's share of a sign-up: consume the "please confirm" message
(deduplicate, compose the mail, store its row, acknowledge), then deliver the row to a real
SMTP server (aiosmtpd in this process). Throwaway PostgreSQL database (BENCH_POSTGRES_URL)
and a real Redis (REDIS_URL, default the machine's database 14).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from shared.embedded import free_port  # noqa: E402


class CountingSink:
    received = 0

    async def handle_DATA(self, server, session, envelope):
        CountingSink.received += 1
        return "250 OK"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--plain", action="store_true", help="no profiler: wall and CPU time only")
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    pg = make_url(os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    name = "ce_profile_mail"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    port = free_port()
    controller = Controller(CountingSink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        from services.notifications import create_app
        from services.notifications.models import Message, db
        from services.notifications.tasks import consume
        from shared import contract
        from tests.conftest import migrate
        from tests.notifications.conftest import registration_mail

        app = create_app({"SQLALCHEMY_DATABASE_URI": pg.set(database=name).render_as_string(hide_password=False),
                          "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
                          "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": "none",
                          "SECRET_KEY": "profile-secret-" + "x" * 40})
        migrate(app)

        def one(i: int) -> None:
            with app.app_context():
                payload = registration_mail("confirm_email", email=f"p{i}@example.org", name=f"Person {i}")
                for row_id in consume(contract.REGISTRATION_MAIL, payload):  # consumes and sends
                    assert db.session.get(Message, row_id).status == "sent"

        for i in range(10):
            one(-i - 1)
        started, cpu = time.perf_counter(), time.process_time()
        if args.plain:
            for i in range(args.n):
                one(i)
        else:
            from pyinstrument import Profiler
            profiler = Profiler(interval=0.0005)
            with profiler:
                for i in range(args.n):
                    one(i)
            print(profiler.output_text(unicode=True, color=False))
        elapsed = time.perf_counter() - started
        print(f"{args.n} mails in {elapsed:.2f} s: {1000 * elapsed / args.n:.2f} ms each, "
              f"CPU {1000 * (time.process_time() - cpu) / args.n:.2f} ms (SMTP server included); "
              f"{CountingSink.received} received")
    finally:
        controller.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
