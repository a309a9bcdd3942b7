from services.events.models import OutboxMessage as EventsOutbox
from services.events.models import db as events_db
from services.events.seeds import seed_demo
from shared import contract
from tests.factories import deliver, pools, sign_up


def seed(events_live, app) -> dict:
    with events_live.app.app_context():
        created = {e.title: e.id for e in seed_demo()}
        payloads = [r.payload for r in events_db.session.query(EventsOutbox)
                    .filter(EventsOutbox.task_name == contract.EVENT_SNAPSHOT)]
        events_db.session.remove()
    for payload in payloads:
        assert deliver(app, payload)
    return created


def test_seed_events_on_the_public_pages(client, app, events_live):
    ids = seed(events_live, app)
    html = client.get("/").get_data(as_text=True)
    assert "Tiny Rathaus" in html and "Social Smart City" in html and "Ko-kreative Projektentwicklung" in html

    kiel = next(i for t, i in ids.items() if t.startswith("Tiny Rathaus"))
    page = client.get(f"/events/{kiel}").get_data(as_text=True)
    assert page.count('name="session_ids"') == 5  # the five mornings; open hours need no sign-up
    assert "Ohne Anmeldung" in page and "Anmeldeschluss" in page
    assert [p[1:] for p in pools(app, kiel)] == [(8, 0)] * 5

    fes = next(i for t, i in ids.items() if t.startswith("Social Smart City"))
    page = client.get(f"/events/{fes}").get_data(as_text=True)
    assert "40,00\xa0€" in page and "Teilnahmepauschale" in page and "Online" in page
    assert 'name="session_ids"' not in page  # one registration covers all three parts
    availability = client.get(f"/api/v1/events/{fes}/availability").json
    assert availability["capacity"] == 25 and availability["per_session"] is False

    leipzig = next(i for t, i in ids.items() if t.startswith("Ko-kreative"))
    page = client.get(f"/events/{leipzig}").get_data(as_text=True)
    assert "Amt / Dienststelle" in page
    assert sign_up(client, leipzig).json["errors"]["answers"] == {"amt": ["Please answer this question."]}


def test_metrics_count_sign_ups(client, app, events_live, token):
    from tests.registrations.conftest import make_event
    event = make_event(events_live, app, token)
    assert sign_up(client, event["id"]).status_code == 202
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'civic_signups_total{outcome="seat_held"}' in metrics
    assert "civic_seats_reserved_total" in metrics


def test_openapi_lists_the_public_contract(client, app):
    spec = client.get("/openapi.json").json
    paths = spec["paths"]
    for path in ("/api/v1/events/{event_id}/registrations", "/api/v1/events/{event_id}/availability",
                 "/api/v1/registrations/confirm", "/api/v1/registrations/cancel",
                 "/api/v1/registrations/{reg_id}/approve", "/api/v1/registrations/{reg_id}/check-in",
                 "/api/v1/people/{email}"):
        assert path in paths, path
    assert client.get("/healthz").json["status"] == "ok"
    assert client.get("/readyz").status_code == 200
