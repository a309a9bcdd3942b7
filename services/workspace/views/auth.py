"""Sign-in by a link in a mail (and optionally by the city's identity provider), sign-out.

POST /sign-in answers the same page for every address, known or not (no account enumeration);
the link's GET shows one button and only its POST signs in, because mail scanners open links."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from ..auth import _safe_next, end_session, sign_in_session
from ..clients.base import ApiError, ServiceUnavailable
from ..clients.events import EventsClient
from ..forms.auth import ConfirmSignInForm, SignInForm
from ..i18n import current_language, t
from ..ratelimit import address_limit, client_limit, limiter, requested_address

bp = Blueprint("auth", __name__)


def oidc_enabled() -> bool:
    return bool(current_app.extensions.get("workspace_oidc"))


@bp.get("/sign-in")
def sign_in():
    if session.get("member_token"):
        return redirect(_safe_next(request.args.get("next")) or "/")
    form = SignInForm(next=_safe_next(request.args.get("next")) or "")
    return render_template("auth/sign_in.html", form=form, oidc=oidc_enabled())


@bp.post("/sign-in")
@limiter.limit(client_limit, methods=["POST"])
@limiter.limit(address_limit, key_func=requested_address, methods=["POST"])
def request_link():
    form = SignInForm()
    if not form.validate():
        return render_template("auth/sign_in.html", form=form, oidc=oidc_enabled()), 422
    EventsClient().request_sign_in_link(form.email.data.strip(), current_language())
    # the same page whether or not the address belongs to a member
    return render_template("auth/check_inbox.html", email=form.email.data.strip())


@bp.get("/sign-in/<token>")
def confirm(token):
    form = ConfirmSignInForm(next=_safe_next(request.args.get("next")) or "")
    return render_template("auth/confirm.html", form=form, token=token)


@bp.post("/sign-in/<token>")
@limiter.limit(client_limit, methods=["POST"])
def redeem(token):
    form = ConfirmSignInForm()
    try:
        answer = EventsClient().redeem_sign_in_link(token)
    except ApiError as error:
        if error.status in (404, 410):
            return link_problem(error.code if error.status == 410 else "link_unknown", error.status)
        raise
    sign_in_session(answer)
    flash(t("Willkommen, {name}!", "Welcome, {name}!", name=answer["member"].get("name") or answer["member"]["email"]),
          "success")
    return redirect(_safe_next(form.next.data) or "/")


def link_problem(code: str, status: int):
    texts = {
        "link_expired": t("Dieser Anmeldelink ist abgelaufen (er gilt 15 Minuten).",
                          "This sign-in link has expired (it is valid for 15 minutes)."),
        "link_used": t("Dieser Anmeldelink wurde schon benutzt (jeder Link gilt nur einmal).",
                       "This sign-in link has been used already (each link works once)."),
    }
    text = texts.get(code, t("Diesen Anmeldelink kennen wir nicht.", "We do not know this sign-in link."))
    return render_template("auth/link_problem.html", text=text, form=SignInForm(), oidc=oidc_enabled()), status


@bp.post("/sign-out")
def sign_out():
    if session.get("member_token"):
        try:
            EventsClient(token=session["member_token"]).sign_out()
        except (ApiError, ServiceUnavailable):
            pass  # the token idles out at the service anyway; the session ends here now
    end_session()
    flash(t("Sie sind abgemeldet.", "You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))
