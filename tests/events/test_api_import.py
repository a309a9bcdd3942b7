"""POST /api/v1/events/import: an announcement becomes a draft event with its import report."""
import json
from pathlib import Path

from tests.factories import auth

SEEDS = Path(__file__).resolve().parent.parent / "import_cases" / "seeds"


def seed(name: str) -> tuple[str, str]:
    facts = json.loads((SEEDS / f"{name}.json").read_text())
    return (SEEDS / f"{name}.txt").read_text(), facts["as_of"]


def import_(client, token, **body):
    return client.post("/api/v1/events/import", json=body, headers=auth(token))


def test_import_saves_a_draft_with_what_it_read_and_where_it_read_it(client, organizer_token):
    text, as_of = seed("000")
    response = import_(client, organizer_token, text=text, as_of=as_of)
    assert response.status_code == 201, response.json
    event = response.json
    assert event["status"] == "draft" and isinstance(event["id"], int)
    assert event["starts_at"] == "2021-09-13T10:00:00+02:00"
    assert event["ends_at"] == "2021-09-17T16:00:00+02:00"
    assert event["venue"] == {"name": "Stadtteilbücherei Neumühlen-Dietrichsdorf", "street": "Langer Rehm 29",
                              "postal_code": "24149", "city": "Kiel"}
    assert event["registration"]["closes_at"] == "2021-09-10T09:00:00+02:00"
    assert len(event["sessions"]) == 10
    assert event["import"]["venue.city"] == {"value": "Kiel", "snippet": event["import"]["venue.city"]["snippet"],
                                             "confidence": event["import"]["venue.city"]["confidence"]}
    assert "24149 Kiel" in event["import"]["venue.city"]["snippet"]
    assert event["import"]["starts_at"]["value"] == "2021-09-13T10:00:00+02:00"
    assert "Beginn: 13.09.2021 10:00" in event["import"]["starts_at"]["snippet"]
    assert 0 < event["import"]["price"]["confidence"] <= 1
    assert event["missing"] == []


def test_the_organizer_sees_the_report_while_it_is_a_draft_and_the_public_never(client, organizer_token):
    text, as_of = seed("002")
    created = import_(client, organizer_token, text=text, as_of=as_of).json
    assert "ends_at" in created["missing"]
    mine = client.get(f"/api/v1/events/{created['id']}", headers=auth(organizer_token)).json
    assert mine["import"] == created["import"] and mine["missing"] == created["missing"]
    assert mine["format"] == "online" and mine["price"]["amount_cents"] == 4000
    assert client.get(f"/api/v1/events/{created['id']}").status_code == 404
    published = client.post(f"/api/v1/events/{created['id']}/publish", headers=auth(organizer_token))
    assert published.status_code == 200, published.json
    public = client.get(f"/api/v1/events/{created['id']}").json
    assert "import" not in public and "missing" not in public


def test_an_imported_draft_passes_the_event_validation_on_patch(client, organizer_token):
    text, as_of = seed("001")
    created = import_(client, organizer_token, text=text, as_of=as_of).json
    assert created["series"]["title"].startswith("Werkstattreihe") and created["series"]["planned_parts"] == 4
    assert created["series"]["position"] == 2
    patched = client.patch(f"/api/v1/events/{created['id']}", json={"summary": "Geprüft"},
                           headers=auth(organizer_token))
    assert patched.status_code == 200, patched.json
    assert [a["starts_at"][11:16] for a in patched.json["agenda"]][:2] == ["11:00", "11:15"]


def test_another_organizers_imported_draft_is_not_found(client, organizer_token, other_token):
    text, as_of = seed("003")
    created = import_(client, organizer_token, text=text, as_of=as_of).json
    assert client.get(f"/api/v1/events/{created['id']}", headers=auth(other_token)).status_code == 404


def test_import_needs_an_organizer_token(client):
    response = client.post("/api/v1/events/import", json={"text": "Lesung am 3. März 2030 um 19 Uhr"})
    assert response.status_code == 401
    response = client.post("/api/v1/events/import", json={"text": "x"}, headers=auth("ce_not-a-token"))
    assert response.status_code == 401


def test_a_text_without_any_date_gives_a_draft_that_lists_the_missing_fields(client, organizer_token):
    text, as_of = seed("004")
    response = import_(client, organizer_token, text=text, as_of=as_of)
    assert response.status_code == 201, response.json
    event = response.json
    assert event["title"] == "Ko-kreative Projektentwicklung zum Gemeinwohl"
    assert {"starts_at", "ends_at", "venue.name"} <= set(event["missing"])
    assert event["import"]["modules"]["value"][0] == "Freiheit im Denken"
    assert "Erlaubte HTML-Tags" not in (event["description"] or "")


def test_bad_input_is_a_422_naming_the_field(client, organizer_token):
    cases = [
        ({"text": ""}, "text"),
        ({"text": "   \n  "}, "text"),
        ({"html": "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj <</Type /Catalog>>"}, "html"),
        ({"text": "\u0001\u0002\u0003\u0004 binary \u0005\u0006\u0007\u0008\u000e\u000f"}, "text"),
        ({"text": "Lesung am 3. März 2030. " * 220_000}, "text"),
        ({"text": "Lesung", "html": "<p>Lesung</p>"}, "html"),
        ({}, "text"),
        ({"ics": "BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n"}, "ics"),
        ({"ics": "this is no calendar"}, "ics"),
        ({"text": "Lesung am 3. März 2030", "as_of": "gestern"}, "as_of"),
    ]
    for body, field in cases:
        response = import_(client, organizer_token, **body)
        assert response.status_code == 422, (body.keys(), response.status_code, response.json)
        assert field in response.json["errors"], (field, response.json)
        assert response.json["code"] == "validation_error"


def test_a_saved_web_page_gives_its_schema_org_event_and_no_markup(client, organizer_token):
    page = """<!doctype html><html><head><title>Stadt Musterstadt</title>
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event",
      "name": "Lesung: Neue Stimmen", "startDate": "2030-03-14T19:00:00+01:00", "endDate": "2030-03-14T21:00",
      "location": {"@type": "Place", "name": "Stadtbibliothek",
                   "address": {"@type": "PostalAddress", "streetAddress": "Marktplatz 1", "postalCode": "12345",
                               "addressLocality": "Musterstadt"}},
      "offers": {"@type": "Offer", "price": "5.00", "priceCurrency": "EUR"}}</script>
    <script>document.write('<b>evil</b>')</script></head>
    <body><nav>Startseite Aktuelles Kontakt</nav><div class="cookie-banner">Wir nutzen Cookies. Akzeptieren</div>
    <main><h1>Lesung: Neue Stimmen</h1><p>Junge Autorinnen lesen aus ihren Büchern; danach ist Zeit für Fragen und
    Gespräche mit dem Publikum bei einem Glas Wein in der Bibliothek.</p>
    <p>Anmeldung erforderlich unter <a href="mailto:bibliothek@musterstadt.de">bibliothek@musterstadt.de</a></p>
    <img src="x" onerror="alert(1)"></main></body></html>"""
    response = import_(client, organizer_token, html=page)
    assert response.status_code == 201, response.json
    event = response.json
    assert event["title"] == "Lesung: Neue Stimmen"
    assert (event["starts_at"], event["ends_at"]) == ("2030-03-14T19:00:00+01:00", "2030-03-14T21:00:00+01:00")
    assert event["venue"] == {"name": "Stadtbibliothek", "street": "Marktplatz 1", "postal_code": "12345",
                              "city": "Musterstadt"}
    assert event["price"]["amount_cents"] == 500
    assert event["registration"]["mode"] == "required"
    assert event["contacts"][0]["email"] == "bibliothek@musterstadt.de"
    stored = json.dumps(event, ensure_ascii=False)
    for markup in ("<", "onerror", "alert(", "document.write", "Cookies", "Startseite"):
        assert markup not in stored, (markup, stored[max(0, stored.find(markup) - 80):stored.find(markup) + 40])


def test_an_icalendar_file_gives_its_events_as_sessions(client, organizer_token):
    ics = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Stadt//DE",
        "BEGIN:VEVENT", "UID:a@stadt.de", "DTSTAMP:20300101T000000Z", "SUMMARY:Repair-Café",
        "DTSTART;TZID=Europe/Berlin:20300302T140000", "DTEND;TZID=Europe/Berlin:20300302T170000",
        "LOCATION:Stadtteilzentrum Nord\\, Hauptstraße 5\\, 24103 Kiel",
        "DESCRIPTION:Kaputtes reparieren wir gemeinsam. Eintritt frei\\, ohne Anmeldung.",
        "ORGANIZER;CN=Repair-Team:mailto:repair@stadt.de", "END:VEVENT",
        "BEGIN:VEVENT", "UID:b@stadt.de", "DTSTAMP:20300101T000000Z", "SUMMARY:Repair-Café",
        "DTSTART;TZID=Europe/Berlin:20300406T140000", "DTEND;TZID=Europe/Berlin:20300406T170000", "END:VEVENT",
        "END:VCALENDAR", ""])
    response = import_(client, organizer_token, ics=ics)
    assert response.status_code == 201, response.json
    event = response.json
    assert event["title"] == "Repair-Café"
    assert (event["starts_at"], event["ends_at"]) == ("2030-03-02T14:00:00+01:00", "2030-04-06T17:00:00+02:00")
    assert [s["starts_at"] for s in event["sessions"]] == ["2030-03-02T14:00:00+01:00", "2030-04-06T14:00:00+02:00"]
    assert event["venue"] == {"name": "Stadtteilzentrum Nord", "street": "Hauptstraße 5", "postal_code": "24103",
                              "city": "Kiel"}
    assert event["price"]["amount_cents"] == 0 and event["registration"]["mode"] == "none"
    assert event["contacts"][0] == {"name": "Repair-Team", "role": None, "email": "repair@stadt.de", "phone": None}


def test_markup_in_a_pasted_text_is_neither_kept_nor_reported(client, organizer_token):
    text = ("Lesung <b>heute</b>\n<script>alert(1)</script>Am 3. März 2030 um 19 Uhr im Haus der Stadt.\n"
            "Eintritt frei <img src=x onerror=alert(1)>\n")
    response = import_(client, organizer_token, text=text, as_of="2030-01-01")
    assert response.status_code == 201, response.json
    stored = json.dumps(client.get(f"/api/v1/events/{response.json['id']}", headers=auth(organizer_token)).json)
    assert response.json["title"] == "Lesung heute"
    for markup in ("<b>", "<script", "alert(", "onerror", "<img"):
        assert markup not in stored, markup
