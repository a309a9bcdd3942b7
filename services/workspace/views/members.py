"""Members of the organizer and its API tokens (owners only; an editor gets the 403 page).

GET, POST /members                    the members; add one
POST /members/<id>/role · /remove     change a role; remove (their sessions end at once)
GET, POST /tokens                     the API tokens; create one (shown this once)
POST /tokens/<id>/revoke
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ..auth import current_member, owner_required
from ..clients.base import ApiError
from ..clients.events import EventsClient
from ..forms import api_errors_to_form, api_message
from ..forms.members import AddMemberForm, ConfirmForm, RoleForm, TokenForm
from ..i18n import t

bp = Blueprint("members", __name__)


def _members_page(form: AddMemberForm, status: int = 200):
    members = EventsClient().members()
    role_forms = {m["id"]: RoleForm(prefix=f"m{m['id']}", role=m["role"]) for m in members}
    return render_template("members/index.html", members=members, form=form, role_forms=role_forms,
                           confirm=ConfirmForm(), me=current_member()), status


@bp.get("/members")
@owner_required
def index():
    return _members_page(AddMemberForm())


@bp.post("/members")
@owner_required
def add():
    form = AddMemberForm()
    if not form.validate():
        return _members_page(form, 422)
    try:
        member = EventsClient().add_member(form.name.data or "", form.email.data.strip(), form.role.data)
    except ApiError as error:
        if error.status in (409, 422):
            api_errors_to_form(form, error)
            return _members_page(form, 422)
        raise
    flash(t("{email} ist jetzt Mitglied.", "{email} is a member now.", email=member["email"]), "success")
    return redirect(url_for("members.index"))


@bp.post("/members/<int:member_id>/role")
@owner_required
def change_role(member_id):
    form = RoleForm(prefix=f"m{member_id}")
    if form.validate():
        try:
            EventsClient().change_member_role(member_id, form.role.data)
            flash(t("Die Rolle ist geändert.", "The role is changed."), "success")
        except ApiError as error:
            if error.status != 409:
                raise
            flash(api_message(error.message), "error")
    return redirect(url_for("members.index"))


@bp.post("/members/<int:member_id>/remove")
@owner_required
def remove(member_id):
    if ConfirmForm().validate():
        try:
            EventsClient().remove_member(member_id)
            flash(t("Das Mitglied ist entfernt.", "The member is removed."), "success")
        except ApiError as error:
            if error.status != 409:
                raise
            flash(api_message(error.message), "error")
    return redirect(url_for("members.index"))


def _tokens_page(form: TokenForm, status: int = 200, created: dict | None = None):
    return render_template("members/tokens.html", tokens=EventsClient().tokens(), form=form, created=created,
                           confirm=ConfirmForm()), status


@bp.get("/tokens")
@owner_required
def tokens():
    return _tokens_page(TokenForm())


@bp.post("/tokens")
@owner_required
def create_token():
    form = TokenForm()
    if not form.validate():
        return _tokens_page(form, 422)
    try:
        created = EventsClient().create_token(form.label.data.strip())
    except ApiError as error:
        if error.status != 422:
            raise
        api_errors_to_form(form, error)
        return _tokens_page(form, 422)
    # shown on this answer only: never stored in the session, never on a page that can be reloaded
    return _tokens_page(TokenForm(formdata=None), 201, created=created)


@bp.post("/tokens/<int:token_id>/revoke")
@owner_required
def revoke_token(token_id):
    if ConfirmForm().validate():
        EventsClient().revoke_token(token_id)
        flash(t("Der API-Schlüssel ist widerrufen.", "The API token is revoked."), "success")
    return redirect(url_for("members.tokens"))
