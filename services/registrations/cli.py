"""Commands of the registrations service (`flask --app services.registrations ...`)."""
from __future__ import annotations

import time

import click
from sqlalchemy import select

from .models import EventReplica, db


def register_commands(app) -> None:
    @app.cli.command("await-events")
    @click.argument("event_ids", nargs=-1, type=int, required=True)
    @click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait at most.")
    def await_events_command(event_ids, timeout):
        """Wait until the replica holds these events (their snapshots travel through the broker).

        `make run` waits on this before it opens the public site, so the demo events are on the
        first page a newcomer sees. Exits 1 when they have not arrived in time."""
        wanted = set(event_ids)
        deadline = time.monotonic() + timeout
        while True:
            present = set(db.session.scalars(select(EventReplica.id).where(EventReplica.id.in_(wanted))))
            db.session.rollback()  # a fresh snapshot of the database on the next look
            if present >= wanted:
                return
            if time.monotonic() > deadline:
                missing = ", ".join(str(i) for i in sorted(wanted - present))
                raise click.ClickException(f"events not in the replica after {timeout:.0f} s: {missing}")
            time.sleep(0.5)
