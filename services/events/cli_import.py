"""`flask --app services.events import-announcement FILE [--as-of YYYY-MM-DD] [--dry-run]
[--organizer "<name>"]`: an announcement file (text, saved web page or .ics) as a draft event,
printed as JSON (the event fields of API.md plus `import` and `missing`)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .importer import MAX_CHARACTERS, DraftInvalid, ImportRejected, import_announcement
from .imports import imported_view, preview, save_draft
from .models import Organizer, db

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def _read(path: Path) -> tuple[str, str]:
    """(body field, content): the kind by the file's name, undecodable bytes as a binary file."""
    raw = path.read_bytes()
    if len(raw) > 4 * max(MAX_CHARACTERS.values()):
        raise click.ClickException(f"{path}: too large for an announcement")
    field = "ics" if path.suffix.lower() == ".ics" else "html" if path.suffix.lower() in HTML_SUFFIXES else "text"
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return field, raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return field, raw.decode("utf-8", errors="replace")


def register_import_command(app) -> None:
    @app.cli.command("import-announcement")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="The day the announcement was published (a date without a year is read relative to it).")
    @click.option("--dry-run", is_flag=True, help="Print the draft; save nothing.")
    @click.option("--organizer", "organizer_name", default=None,
                  help='The organizer (as in create-organizer "<name>") the draft is saved for; '
                       "needed unless --dry-run.")
    def import_announcement_command(file, as_of, dry_run, organizer_name):
        """Import an announcement as a draft event and print it as JSON."""
        owner = None
        if organizer_name:
            owner = db.session.query(Organizer).filter_by(name=organizer_name.strip()).one_or_none()
            if owner is None:
                raise click.ClickException(f"no organizer named {organizer_name!r}")
        elif not dry_run:
            raise click.UsageError("--organizer is needed to save the draft (or use --dry-run)")
        field, content = _read(file)
        try:
            draft = import_announcement(**{field: content}, as_of=as_of.date() if as_of else None)
        except ImportRejected as exc:
            raise click.ClickException(f"{file}: {exc.message}") from exc
        except DraftInvalid as exc:
            raise click.ClickException(f"{file}: no valid event: {json.dumps(exc.errors, ensure_ascii=False)}") from exc
        if dry_run:
            body = preview(draft, {"id": owner.id, "name": owner.name} if owner else None)
        else:
            body = imported_view(save_draft(draft, owner.id))
            body["import"] = body.pop("import_", {})
        click.echo(json.dumps(body, ensure_ascii=False, indent=1, default=str))
