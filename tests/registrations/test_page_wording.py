"""What the public pages say: the words a citizen reads on the form and the event page."""
import re

from tests.registrations.test_pages import csrf
from tests.registrations.conftest import make_event, sign_up


def test_an_empty_name_is_reported_as_missing_in_german_and_english(client, app, events_live, token):
    event = make_event(events_live, app, token)
    url = f"/events/{event['id']}"
    for lang, expected, wrong in (("de", "Bitte geben Sie Ihren Namen an.", "Höchstens 200 Zeichen"),
                                  ("en", "Please enter your name.", "between 1 and 200")):
        form = client.get(f"{url}?lang={lang}").get_data(as_text=True)
        answer = client.post(url, data={"csrf_token": csrf(form), "lang": lang, "name": "  ",
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
