"""/docs works offline and sends visitors nowhere else; the OpenAPI documents explain themselves."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from services.events import create_app as events_app
from services.notifications import create_app as notifications_app
from services.registrations import create_app as registrations_app

METHODS = ("get", "post", "put", "patch", "delete")
FACTORIES = {"events": events_app, "registrations": registrations_app, "notifications": notifications_app}


@pytest.fixture(scope="module", params=sorted(FACTORIES))
def service(request, tmp_path_factory, redis_url):
    app = FACTORIES[request.param]({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": redis_url,
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / request.param)})
    return request.param, app.test_client()


class References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_swagger_ui_loads_only_from_its_own_service(service):
    _, client = service
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    parser = References()
    parser.feed(html)
    assert parser.urls, html
    for url in parser.urls:
        assert not urlsplit(url).netloc, url  # same host: no CDN
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.data) > 1000, url
    assert any(u.endswith("swagger-ui-bundle.js") for u in parser.urls)
    # Swagger UI's validator badge is an image from validator.swagger.io: switched off
    assert re.search(r'"validatorUrl":\s*null', html)
def test_every_operation_has_a_description_beyond_its_summary(service):
    name, client = service
    spec = client.get("/openapi.json").json
    missing = [f"{method.upper()} {path}" for path, operations in spec["paths"].items()
               for method, operation in operations.items() if method in METHODS
               if not (operation.get("description") or "").strip()
               or operation.get("description", "").strip() == operation.get("summary", "").strip()]
    # a method's docstring: first line the summary, the paragraphs after it the description
    assert not missing, f"{name}: operations without a description: {missing}"


MAIN_BODIES = {
    "events": [("post", "/api/v1/events"), ("patch", "/api/v1/events/{event_id}"), ("post", "/api/v1/series"),
               ("post", "/api/v1/events/{event_id}/cancel")],
    "registrations": [("post", "/api/v1/events/{event_id}/registrations"), ("post", "/api/v1/registrations/confirm"),
                      ("post", "/api/v1/registrations/cancel")],
    "notifications": [],
}


def test_the_main_request_bodies_carry_an_example(service):
    name, client = service
    spec = client.get("/openapi.json").json
    for method, path in MAIN_BODIES[name]:
        content = spec["paths"][path][method]["requestBody"]["content"]["application/json"]
        assert content.get("example"), f"{method.upper()} {path}"


def test_the_examples_are_valid_requests():
    from services.events import examples as event_examples
    from services.events.schemas import CancelSchema, EventCreateSchema, SeriesCreateSchema
    from services.registrations import examples as registration_examples
    from services.registrations.schemas import RegistrationCreateSchema, TokenSchema
    assert not EventCreateSchema().validate(event_examples.CREATE_EVENT)
    assert not EventCreateSchema().validate({**event_examples.CREATE_EVENT, **event_examples.PATCH_EVENT})
    assert not CancelSchema().validate(event_examples.CANCEL_EVENT)
    assert not SeriesCreateSchema().validate(event_examples.CREATE_SERIES)
    assert not RegistrationCreateSchema().validate(registration_examples.SIGN_UP)
    assert not TokenSchema().validate(registration_examples.LINK_TOKEN)
