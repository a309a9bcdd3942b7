"""What every template may use: the language, texts, the signed-in member, form helpers."""
from __future__ import annotations

from flask import request
from flask_wtf.csrf import generate_csrf

from . import i18n
from .auth import current_member, current_organizer, is_owner


def init_templating(app) -> None:
    app.before_request(i18n.remember_language)

    @app.context_processor
    def _globals():
        return {
            "lang": i18n.current_language(),
            "member": current_member(),
            "organizer": current_organizer(),
            "is_owner": is_owner(),
        }

    from .forms import form_error_items
    # globals, not context: macros imported from _forms.html see them too
    app.jinja_env.globals.update(t=i18n.t, when=i18n.when, csrf_token=generate_csrf,
                                 switch_language_url=switch_language_url, form_error_items=form_error_items)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def switch_language_url(lang: str) -> str:
    """This page in another language (its other query parameters kept)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    from urllib.parse import urlencode
    return request.path + "?" + urlencode(args, doseq=True)
