"""Commands: `flask --app services.events create-organizer "<name>" [--email <addr>]`,
`add-member "<organizer name>" <email> [--role owner|editor] [--name "..."]`, `seed-demo`."""
from __future__ import annotations

import secrets
from datetime import date

import click
from flask import current_app

from shared.auth import hash_token

from . import members
from .models import MEMBER_ROLES, ApiToken, Organizer, db


def new_token() -> str:
    return "ce_" + secrets.token_urlsafe(32)


def create_organizer(name: str, label: str | None = None, email: str | None = None,
                     member_name: str | None = None) -> tuple[Organizer, str]:
    """The organizer (made if new) and a new API token; with `email`, that address becomes an
    owner (unless it is a member already)."""
    organizer = db.session.query(Organizer).filter_by(name=name).one_or_none()
    if organizer is None:
        organizer = Organizer(name=name)
        db.session.add(organizer)
        db.session.flush()
    token = new_token()
    db.session.add(ApiToken(organizer_id=organizer.id, token_hash=hash_token(token), label=label))
    if email and not any(m.email == members.normalize_email(email) for m in members.active_members(organizer.id)):
        members.add(organizer.id, email, name=member_name, role="owner")
    db.session.commit()
    return organizer, token


def add_member(organizer_name: str, email: str, role: str = "editor", name: str | None = None):
    organizer = db.session.query(Organizer).filter_by(name=organizer_name.strip()).one_or_none()
    if organizer is None:
        raise members.MemberError(404, "not_found", f"no organizer named {organizer_name!r}")
    member = members.add(organizer.id, email, name=name, role=role)
    db.session.commit()
    return member


def register_commands(app) -> None:
    @app.cli.command("create-organizer")
    @click.argument("name")
    @click.option("--label", default=None, help="What the token is for (kept with its hash).")
    @click.option("--email", default=None, help="The first owner's address (signs in to the workspace).")
    @click.option("--member-name", default=None, help="The first owner's name.")
    def create_organizer_command(name, label, email, member_name):
        """Create an organizer (or a new token for an existing one); prints the token once."""
        name = name.strip()
        if not name:
            raise click.BadParameter("the name must not be empty")
        if email is not None and "@" not in email:
            raise click.BadParameter("not an email address", param_hint="--email")
        organizer, token = create_organizer(name, label, email=email, member_name=member_name)
        click.echo(f"Organizer {organizer.id}: {organizer.name}")
        if email:
            click.echo(f"Owner: {members.normalize_email(email)}")
        click.echo("Keep this token; it is shown only once and only its hash is stored.")
        click.echo(token)

    @app.cli.command("add-member")
    @click.argument("organizer_name")
    @click.argument("email")
    @click.option("--role", type=click.Choice(MEMBER_ROLES), default="editor", show_default=True)
    @click.option("--name", default=None, help="The member's name (default: the part before the @).")
    def add_member_command(organizer_name, email, role, name):
        """Add a member to an organizer; they sign in to the workspace by a mailed link."""
        if "@" not in email:
            raise click.BadParameter("not an email address", param_hint="EMAIL")
        try:
            member = add_member(organizer_name, email, role=role, name=name)
        except members.MemberError as error:
            raise click.ClickException(error.message) from None
        click.echo(f"Member {member.id}: {member.name} <{member.email}>, {member.role} of {organizer_name.strip()}")

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
        """Load the five seed events (moved forward by whole weeks unless --as-published) and the
        made-up owner of the Kiel organizer (demo-owner.kiel@example.org)."""
        from .seeds import seed_demo
        created = seed_demo(as_published=as_published, today=today.date() if today else date.today())
        from .demo_members import ensure_demo_owner
        ensure_demo_owner()  # the workspace's demo sign-in (an example.org address)
        for event in created:
            click.echo(f"{event.id}\t{event.starts_at.isoformat()}\t{event.title}")
        if not created:
            click.echo("The seed events are already there; nothing to do.", err=True)
