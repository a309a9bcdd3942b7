"""/docs works offline and sends visitors nowhere else; the OpenAPI documents explain themselves."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from services.events import create_app as events_app
from services.notifications import create_app as notifications_app
from services.registrations import create_app as registrations_app

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
