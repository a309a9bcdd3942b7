"""Swagger UI at /docs, served by each service from the swagger-ui-bundle package.

A public body may not send its visitors' addresses to another host, and /docs must work
offline: the page loads its script and styles from this service (/docs/assets/), and
Swagger UI's online validator badge (an image from validator.swagger.io) is switched off.
"""
from __future__ import annotations

import swagger_ui_bundle
from flask import Blueprint, Flask

ASSETS_PATH = "/docs/assets"

SETTINGS = {
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    "OPENAPI_SWAGGER_UI_URL": f"{ASSETS_PATH}/",
    "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
}


def init_api_docs(app: Flask) -> None:
    assets = Blueprint("swagger_ui_assets", __name__, static_folder=swagger_ui_bundle.swagger_ui_path,
                       static_url_path=ASSETS_PATH)
    app.register_blueprint(assets)
