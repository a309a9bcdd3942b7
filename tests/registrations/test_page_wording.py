"""What the public pages say: the words a citizen reads on the form and the event page."""
import re

from tests.factories import csrf_of, sign_up
from tests.registrations.conftest import make_event


def test_an_empty_name_is_reported_as_missing_in_german_and_english(client, app, events_live, token):
    event = make_event(events_live, app, token)
    url = f"/events/{event['id']}"
    for lang, expected, wrong in (("de", "Bitte geben Sie Ihren Namen an.", "Höchstens 200 Zeichen"),
                                  ("en", "Please enter your name.", "between 1 and 200")):
        form = client.get(f"{url}?lang={lang}").get_data(as_text=True)
        answer = client.post(url, data={"csrf_token": csrf_of(form), "lang": lang, "name": "  ",
                                        "email": "erika@example.org", "consent": "yes"})
        html = answer.get_data(as_text=True)
        assert answer.status_code == 422
        error = re.search(r'<p class="error" id="name-error">([^<]*)</p>', html).group(1)
        assert error == expected and wrong not in html


def test_the_api_names_an_empty_name_as_missing(client, app, events_live, token):
    event = make_event(events_live, app, token)
    answer = sign_up(client, event["id"], name="")
    assert answer.status_code == 422
    assert answer.json["errors"]["name"] == ["Please enter your name."]
    too_long = sign_up(client, event["id"], name="x" * 201)
    assert too_long.json["errors"]["name"] == ["At most 200 characters."]


def test_optional_registration_says_it_is_optional_and_what_it_is_for(client, app, events_live, token):
    event = make_event(events_live, app, token, registration={"mode": "optional"})
    html = client.get(f"/events/{event['id']}").get_data(as_text=True)
    assert "Anmeldung (freiwillig)" in html and "auch ohne Anmeldung kommen" in html and "Planung" in html
    assert "Verbindlich" not in html
    english = client.get(f"/events/{event['id']}?lang=en").get_data(as_text=True)
    assert "Signing up is optional" in english and "helps us plan" in english
    required = make_event(events_live, app, token)
    assert "Verbindlich anmelden" in client.get(f"/events/{required['id']}").get_data(as_text=True)


def test_a_free_event_is_kostenfrei_as_in_the_mails(client, app, events_live, token):
    from services.notifications.render import money
    event = make_event(events_live, app, token)
    html = client.get(f"/events/{event['id']}").get_data(as_text=True)
    assert f"<dd>{money(event['price'], 'de')}</dd>" in html
    assert "kostenlos" not in html


def test_addresses_in_a_description_become_links_and_nothing_else_becomes_markup(client, app, events_live, token):
    event = make_event(events_live, app, token, description=(
        "Diesmal wird es geräumiger – https://tinyoffice.dk/da/udlejningsvogne/tiny-office-oplagt/.\n\n"
        "<script>alert(1)</script> Anmeldung: https://example.org/form?a=1&b=2\"onmouseover=\"x"))
    html = client.get(f"/events/{event['id']}").get_data(as_text=True)
    assert ('<a href="https://tinyoffice.dk/da/udlejningsvogne/tiny-office-oplagt/" rel="noopener noreferrer '
            'nofollow">https://tinyoffice.dk/da/udlejningsvogne/tiny-office-oplagt/</a>.') in html
    assert '<a href="https://example.org/form?a=1&amp;b=2"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert 'onmouseover="x' not in html


def test_each_event_page_offers_its_calendar_entry(client, app, events_live, token):
    import icalendar
    event = make_event(events_live, app, token)
    html = client.get(f"/events/{event['id']}").get_data(as_text=True)
    link = f'href="/events/{event["id"]}.ics"'
    assert link in html and "In den Kalender übernehmen" in html
    ics = client.get(f"/events/{event['id']}.ics")
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    [vevent] = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event['id']}@civic-events"  # the UID of the mailed invitation
    assert str(vevent["URL"]).endswith(f"/events/{event['id']}")
    assert client.get("/events/999999.ics").status_code == 404


def test_a_cancelled_event_page_says_cancelled_not_fully_booked(client, app, events_live, token):
    from tests.registrations.conftest import change_event, kiel_sessions, sign_up_and_confirm
    whole = make_event(events_live, app, token, registration={"capacity": 1})
    sign_up_and_confirm(client, app, whole["id"], "erika@example.org")
    per_session = make_event(events_live, app, token, sessions=kiel_sessions(), registration={"capacity": None},
                             ends_at="2030-09-14T16:00:00")
    first = per_session["sessions"][0]["id"]
    for email in ("a@example.org", "b@example.org"):  # the first morning's two seats
        sign_up_and_confirm(client, app, per_session["id"], email, session_ids=[first])
    for event in (whole, per_session):
        assert "ausgebucht" in client.get(f"/events/{event['id']}").get_data(as_text=True)
        change_event(events_live, app, token, event["id"], action="cancel")
        html = client.get(f"/events/{event['id']}").get_data(as_text=True)
        assert "abgesagt" in html and "ausgebucht" not in html
