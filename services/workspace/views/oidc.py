"""Single sign-on with the city's identity provider (OpenID Connect, Authlib), if configured.

The provider proves the address; the events service (trusting the workspace's service
secret) opens a session for the member with that address. Only a verified address counts:
a provider that says `email_verified: false` is not believed."""
from __future__ import annotations

import logging

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for

from ..auth import _safe_next, sign_in_session
from ..clients.base import ApiError
from ..clients.events import EventsClient
from ..i18n import t

log = logging.getLogger(__name__)

bp = Blueprint("oidc", __name__)


def init_oidc(app) -> None:
    config = app.config
    if not (config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID") and config.get("OIDC_CLIENT_SECRET")):
        return
    oauth = OAuth(app)  # one per app: tests build several apps in one process
    issuer = config["OIDC_ISSUER"].rstrip("/")
    oauth.register("city", client_id=config["OIDC_CLIENT_ID"], client_secret=config["OIDC_CLIENT_SECRET"],
                   server_metadata_url=f"{issuer}/.well-known/openid-configuration",
                   client_kwargs={"scope": "openid email profile",
                                  "timeout": config.get("HTTP_TIMEOUT_SECONDS", 5)})
    app.extensions["workspace_oidc"] = oauth


def _client():
    oauth = current_app.extensions.get("workspace_oidc")
    if oauth is None:
        abort(404)
    return oauth.create_client("city")


@bp.post("/sign-in/oidc")
def start():
    client = _client()
    session["oidc_next"] = _safe_next(request.form.get("next")) or "/"
    return client.authorize_redirect(url_for("oidc.callback", _external=True))


@bp.get("/sign-in/oidc/callback")
def callback():
    client = _client()
    try:
        token = client.authorize_access_token()
    except OAuthError as error:
        log.warning("OIDC sign-in refused: %s", error)
        return _refused(t("Die Anmeldung beim Konto der Verwaltung hat nicht geklappt.",
                          "Signing in with the administration account did not work."))
    claims = token.get("userinfo") or client.userinfo(token=token)
    email = (claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is False:
        return _refused(t("Ihr Konto nennt keine bestätigte E-Mail-Adresse.",
                          "Your account does not name a verified email address."))
    try:
        answer = EventsClient().sign_in_by_oidc(email, current_app.config["WORKSPACE_SERVICE_SECRET"])
    except ApiError as error:
        if error.status == 404:
            return _refused(t("Zu {email} gibt es kein Mitglied eines Veranstalters.",
                              "No member of an organizer has the address {email}.", email=email))
        raise
    next_path = session.pop("oidc_next", None)
    sign_in_session(answer)
    flash(t("Willkommen, {name}!", "Welcome, {name}!", name=answer["member"].get("name") or email), "success")
    return redirect(_safe_next(next_path) or "/")


def _refused(text: str):
    from ..forms.auth import SignInForm
    return render_template("auth/link_problem.html", text=text, form=SignInForm(), oidc=True), 403
