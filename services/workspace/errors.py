"""Error pages: what a person sees when something is missing, forbidden, or a service is down.

The web layer turns the clients' exceptions into pages here, so a view only handles what it
can answer better itself (a form's field errors)."""
from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .auth import end_session, sign_in_url
from .clients.base import ApiError, ServiceUnavailable, Unauthorized
from .i18n import t

log = logging.getLogger(__name__)

SERVICE_NAMES = {
    "events": ("Veranstaltungsdienst", "events service"),
    "registrations": ("Anmeldedienst", "registrations service"),
    "notifications": ("Benachrichtigungsdienst", "notifications service"),
}


def service_down_page(service: str):
    de, en = SERVICE_NAMES.get(service, (service, service))
    return render_template("errors/503.html", service=t(de, en)), 503, {"Retry-After": "30"}


def register_error_pages(app) -> None:
    @app.errorhandler(ServiceUnavailable)
    def _service_down(error):
        return service_down_page(error.service)

    @app.errorhandler(Unauthorized)
    def _signed_out(error):
        # the member was removed or the session idled out at the service: end ours too
        end_session()
        flash(t("Sie wurden abgemeldet. Bitte melden Sie sich erneut an.",
                "You have been signed out. Please sign in again."), "info")
        return redirect(sign_in_url(request.full_path.rstrip("?") if request.method == "GET" else None))

    @app.errorhandler(ApiError)
    def _api_error(error):
        # another organizer's event is 404 at the service, and so it is here
        if error.status in (404, 403, 410):
            return _page(error.status)
        log.warning("unhandled API error: %s", error)
        return _page(400 if error.status < 500 else 500)

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("errors/error.html", status=400,
                               title=t("Das Formular ist abgelaufen", "The form has expired"),
                               text=t("Bitte laden Sie die Seite neu und senden Sie das Formular erneut.",
                                      "Please reload the page and send the form again.")), 400

    @app.errorhandler(HTTPException)
    def _http(error):
        return _page(error.code or 500, error)

    @app.errorhandler(Exception)
    def _crash(error):
        if isinstance(error, HTTPException):
            return _page(error.code or 500, error)
        log.exception("unhandled error")
        return _page(500)


TEXTS = {
    400: (("Ungültige Anfrage", "Bad request"),
          ("Die Anfrage konnte nicht verarbeitet werden.", "The request could not be processed.")),
    403: (("Kein Zugriff", "Not allowed"),
          ("Diese Seite ist den Eigentümerinnen und Eigentümern des Veranstalters vorbehalten.",
           "This page is for the organizer's owners only.")),
    404: (("Seite nicht gefunden", "Page not found"),
          ("Diese Seite gibt es nicht, oder sie gehört nicht zu Ihrem Veranstalter.",
           "There is no such page, or it does not belong to your organizer.")),
    405: (("Nicht erlaubt", "Not allowed"), ("Diese Aktion ist hier nicht möglich.", "This action is not possible here.")),
    410: (("Nicht mehr verfügbar", "Gone"), ("Das gibt es nicht mehr.", "This is no longer available.")),
    413: (("Zu groß", "Too large"), ("Was Sie gesendet haben, ist zu groß.", "What you sent is too large.")),
    429: (("Zu viele Anfragen", "Too many requests"),
          ("Bitte warten Sie einen Moment und versuchen Sie es dann erneut.",
           "Please wait a moment and try again.")),
    500: (("Ein Fehler ist aufgetreten", "Something went wrong"),
          ("Bitte versuchen Sie es später noch einmal.", "Please try again later.")),
}


def _page(status: int, error: HTTPException | None = None):
    title, text = TEXTS.get(status, TEXTS[500 if status >= 500 else 400])
    headers = {}
    if status == 405 and error is not None and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return render_template("errors/error.html", status=status, title=t(*title), text=t(*text)), status, headers
