"""Embedding the sign-up on the organizer's own website: the snippet to copy per event, and
the websites allowed to frame it (owners change them; editors see them).

GET, POST /embedding
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from ..auth import is_owner, member_required, owner_required
from ..clients.base import ApiError
from ..clients.embedding import EmbeddingClient
from ..clients.events import EventsClient
from ..forms import api_message
from ..forms.embedding import EmbedOriginsForm
from ..i18n import t

bp = Blueprint("embedding", __name__)


def _page(form: EmbedOriginsForm, origins: list[str], status: int = 200):
    # the address people's browsers reach (REGISTRATIONS_URL may be the one inside the cluster)
    public = (current_app.config.get("REGISTRATIONS_PUBLIC_URL") or current_app.config["REGISTRATIONS_URL"]).rstrip("/")
    events = [e for e in EventsClient().my_events() if e["status"] == "published"]
    events.sort(key=lambda e: e["starts_at"])
    return render_template("embedding/index.html", form=form, origins=origins, events=events, public=public,
                           can_edit=is_owner()), status


@bp.get("/embedding")
@member_required
def index():
    origins = EmbeddingClient().embed_origins()
    return _page(EmbedOriginsForm(origins="\n".join(origins)), origins)


@bp.post("/embedding")
@owner_required
def save():
    form = EmbedOriginsForm()
    client = EmbeddingClient()
    if not form.validate():
        return _page(form, client.embed_origins(), 422)
    lines = form.origin_lines()
    try:
        client.set_embed_origins(lines)
    except ApiError as error:
        if error.status != 422:
            raise
        bad = (error.errors or {}).get("embed_origins") or {}
        if isinstance(bad, dict):
            form.origins.errors = [t("Zeile {n} ({value}): {message}", "Line {n} ({value}): {message}",
                                     n=int(i) + 1, value=lines[int(i)], message=api_message(m[0] if m else ""))
                                   for i, m in sorted(bad.items(), key=lambda kv: int(kv[0]))]
        else:
            form.origins.errors = [api_message(m) for m in bad] or [api_message(error.message)]
        return _page(form, client.embed_origins(), 422)
    flash(t("Die erlaubten Websites sind gespeichert.", "The allowed websites are saved."), "success")
    return redirect(url_for("embedding.index"))
