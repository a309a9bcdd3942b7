"""Commands: `flask --app services.events create-organizer "<name>"` and `... seed-demo`."""
from __future__ import annotations

import secrets
from datetime import date

import click
from flask import current_app

from shared.auth import hash_token

from .models import ApiToken, Organizer, db


def new_token() -> str:
    return "ce_" + secrets.token_urlsafe(32)


def create_organizer(name: str, label: str | None = None) -> tuple[Organizer, str]:
    organizer = db.session.query(Organizer).filter_by(name=name).one_or_none()
    if organizer is None:
        organizer = Organizer(name=name)
        db.session.add(organizer)
        db.session.flush()
    token = new_token()
    db.session.add(ApiToken(organizer_id=organizer.id, token_hash=hash_token(token), label=label))
    db.session.commit()
    return organizer, token


def register_commands(app) -> None:
    @app.cli.command("create-organizer")
    @click.argument("name")
    @click.option("--label", default=None, help="What the token is for (kept with its hash).")
    def create_organizer_command(name, label):
        """Create an organizer (or a new token for an existing one); prints the token once."""
        name = name.strip()
        if not name:
            raise click.BadParameter("the name must not be empty")
        organizer, token = create_organizer(name, label)
        click.echo(f"Organizer {organizer.id}: {organizer.name}")
        click.echo("Keep this token; it is shown only once and only its hash is stored.")
        click.echo(token)

    @app.cli.command("revoke-tokens")
    @click.argument("name")
    def revoke_tokens_command(name):
        """Revoke every active token of an organizer (then create a new one with create-organizer).

        The other services remember a token check for up to 30 seconds."""
        from shared.db import utcnow
        organizer = db.session.query(Organizer).filter_by(name=name.strip()).one_or_none()
        if organizer is None:
            raise click.ClickException(f"no organizer named {name!r}")
        active = [t for t in organizer.tokens if t.revoked_at is None]
        for token in active:
            token.revoked_at = utcnow()
        db.session.commit()
        click.echo(f"Revoked {len(active)} token(s) of organizer {organizer.id}: {organizer.name}")

    @app.cli.command("seed-demo")
    @click.option("--as-published", is_flag=True,
                  help="Keep the original dates of the announcements (they lie in the past).")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Pretend today is this date when moving events forward.")
    def seed_demo_command(as_published, today):
        """Load the five seed events (moved forward by whole weeks unless --as-published)."""
        from .seeds import seed_demo
        created = seed_demo(as_published=as_published, today=today.date() if today else date.today())
        for event in created:
            click.echo(f"{event.id}\t{event.starts_at.isoformat()}\t{event.title}")
        if not created:
            click.echo("The seed events are already there; nothing to do.", err=True)
