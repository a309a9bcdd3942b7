"""Profile the sign-up path in-process: `.venv/bin/python bench/profile_signup.py [-n 300]`.

Builds the events and registrations apps on throwaway PostgreSQL databases (BENCH_POSTGRES_URL,
default the machine's) and a real Redis (REDIS_URL, default the machine's database 14), creates
one published event, then runs n sign-ups through the WSGI app under pyinstrument and prints
where the time went, plus the mean time per sign-up. Not a benchmark (no HTTP server, one
thread): it answers "what does one sign-up spend its time on".
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyinstrument import Profiler  # noqa: E402

from bench.run import drop_databases, pg_databases  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="sign-ups to profile")
    parser.add_argument("--plain", action="store_true", help="no profiler: wall and CPU time only")
    parser.add_argument("--cprofile", action="store_true", help="cProfile by own time instead of pyinstrument")
    args = parser.parse_args()
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    urls = pg_databases(pg, "ce_profile")
    secret = "profile-secret-" + "x" * 40
    try:
        from services.events import create_app as create_events_app
        from services.events.cli import create_organizer
        from services.events.models import db as events_db
        from services.registrations import create_app
        from tests.servers import migrate, serve_app

        events_app = create_events_app({"SQLALCHEMY_DATABASE_URI": urls["events"], "REDIS_URL": redis_url,
                                        "SECRET_KEY": secret})
        migrate(events_app)
        with events_app.app_context():
            _, token = create_organizer("Profiling")
            events_db.session.commit()
        with serve_app(events_app) as events_server:
            app = create_app({"SQLALCHEMY_DATABASE_URI": urls["registrations"], "REDIS_URL": redis_url,
                              "EVENTS_URL": events_server.url, "SECRET_KEY": secret, "RATELIMIT_ENABLED": False})
            migrate(app)
            events = events_app.test_client()
            headers = {"Authorization": f"Bearer {token}"}
            event_id = events.post("/api/v1/events", headers=headers, json={
                "title": "Profil", "language": "de", "timezone": "Europe/Berlin",
                "starts_at": "2031-09-13T10:00:00", "ends_at": "2031-09-13T16:00:00", "format": "online",
                "online_url": "https://meet.example.org/x",
                "contacts": [{"name": "Kontakt", "email": "kontakt@example.org"}],
                "registration": {"mode": "required", "capacity": 100000, "waitlist": True}}).json["id"]
            events.post(f"/api/v1/events/{event_id}/publish", headers=headers)
            client = app.test_client()
            url = f"/api/v1/events/{event_id}/registrations"
            for i in range(20):  # warm up: replica fetched, pools made, connections open
                client.post(url, json={"name": "W", "email": f"warm{i}@example.org", "consent": True})
            def run():
                for i in range(args.n):
                    response = client.post(url, json={"name": f"Person {i}", "email": f"p{i}@example.org",
                                                      "consent": True})
                    assert response.status_code == 202, response.json

            started, cpu = time.perf_counter(), time.process_time()
            if args.plain:
                run()
                elapsed = time.perf_counter() - started
                print(f"CPU {1000 * (time.process_time() - cpu) / args.n:.2f} ms per sign-up")
            elif args.cprofile:
                import cProfile
                import pstats
                profile = cProfile.Profile()
                profile.runcall(run)
                elapsed = time.perf_counter() - started
                stats = pstats.Stats(profile).sort_stats(os.environ.get("SORT", "tottime"))
                stats.print_stats(int(os.environ.get("ROWS", "40")))
                if os.environ.get("CALLEES"):
                    stats.print_callees(os.environ["CALLEES"])
                if os.environ.get("CALLERS"):
                    stats.print_callers(os.environ["CALLERS"])
            else:
                profiler = Profiler(interval=0.0005)
                with profiler:
                    run()
                elapsed = time.perf_counter() - started
                print(profiler.output_text(unicode=True, color=False, show_all=False))
            print(f"{args.n} sign-ups in {elapsed:.2f} s: {1000 * elapsed / args.n:.2f} ms each (in-process, one thread)")
    finally:
        drop_databases(pg, urls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
