"""The importer on its other sources: schema.org microdata in a saved page, and English text."""
from datetime import date

from services.events.importer import import_announcement

MICRODATA_PAGE = """<html><body><nav>Start · Aktuelles</nav>
<div itemscope itemtype="https://schema.org/Event"><h1 itemprop="name">Stadtteilfest Nord</h1>
<meta itemprop="startDate" content="2030-06-01T14:00"><meta itemprop="endDate" content="2030-06-01T18:00">
<div itemprop="location" itemscope itemtype="https://schema.org/Place"><span itemprop="name">Bürgerpark</span>
<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress"><span itemprop="streetAddress">Parkweg 3</span>
<span itemprop="postalCode">28195</span> <span itemprop="addressLocality">Bremen</span></div></div>
<p>Eintritt frei, ohne Anmeldung.</p></div></body></html>"""


def test_microdata_of_a_saved_page():
    draft = import_announcement(html=MICRODATA_PAGE)
    assert draft.input["title"] == "Stadtteilfest Nord"
    assert (draft.input["starts_at"], draft.input["ends_at"]) == ("2030-06-01T14:00:00+02:00", "2030-06-01T18:00:00+02:00")
    assert draft.input["venue"] == {"name": "Bürgerpark", "street": "Parkweg 3", "postal_code": "28195", "city": "Bremen"}
    assert draft.input["registration"]["mode"] == "none"
    assert draft.report["title"]["snippet"].startswith("schema.org")


def test_an_english_announcement():
    text = ("Digital Skills Workshop for Seniors\n\nSaturday, 14 May 2022, 3 pm - 5:30 pm\n"
            "Venue: Central Library, Lindenstraße 12, 10969 Berlin\n\n"
            "Learn how to use your smartphone safely. The workshop is free of charge.\n"
            "Registration required by 10 May 2022 at library(at)example.org or phone +49 30 1234567.\n")
    draft = import_announcement(text=text, as_of=date(2022, 5, 1))
    assert draft.input["language"] == "en"
    assert (draft.input["starts_at"], draft.input["ends_at"]) == ("2022-05-14T15:00:00+02:00", "2022-05-14T17:30:00+02:00")
    assert draft.input["venue"]["name"] == "Central Library" and draft.input["venue"]["city"] == "Berlin"
    assert draft.input["registration"] == {"mode": "required", "closes_at": "2022-05-10T23:59:00+02:00"}
    assert {c["email"] for c in draft.input["contacts"]} >= {"library@example.org"}
    assert any(c["phone"] == "+49 30 1234567" for c in draft.input["contacts"])
