from tests.factories import confirm_token, csrf_of, mails_to, pools, registration

csrf = csrf_of  # the name other test modules imported from here
from tests.registrations.conftest import kiel_sessions, make_event


def test_list_and_event_page_show_the_details(client, app, events_live, token):
    event = make_event(events_live, app, token, sessions=kiel_sessions(), registration={"capacity": None},
                       price={"amount_cents": 4000, "currency": "EUR", "note": "Teilnahmepauschale"},
                       agenda=[{"starts_at": "2030-09-13T10:00:00", "title": "Begrüßung",
                                "speakers": ["Anne Czichowski"]}], ends_at="2030-09-14T16:00:00")
    make_event(events_live, app, token, publish=False, title="Geheimer Entwurf")
    index = client.get("/")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert "Ideenschmiede Tiny Rathaus" in html and "Geheimer Entwurf" not in html
    page = client.get(f"/events/{event['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="de">' in html
    assert "Freitag, 13. September 2030" in html and "10:00" in html  # the event's zone, not UTC
    assert "40,00\xa0€" in html or "40,00 €" in html
    assert "Langer Rehm 29" in html and "anne.czichowski@kiel.de" in html
    assert "Anmeldeschluss" in html and "Begrüßung" in html
    assert "Open Hour" in html and "Ohne Anmeldung" in html
    assert '<label for="name">' in html and '<label for="email">' in html and 'name="website"' in html
    english = client.get(f"/events/{event['id']}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Friday, 13 September 2030" in english and "€40.00" in english


def test_form_errors_then_success(client, app, events_live, token):
    event = make_event(events_live, app, token)
    url = f"/events/{event['id']}"
    token_value = csrf_of(client.get(url).get_data(as_text=True))
    bad = client.post(url, data={"csrf_token": token_value, "name": "Erika", "email": "kaputt"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="email-error"' in html and "gültige E-Mail-Adresse" in html
    assert 'id="consent-error"' in html and 'aria-invalid="true"' in html
    assert 'value="Erika"' in html  # what was typed stays
    good = client.post(url, data={"csrf_token": csrf_of(html), "name": "Erika", "email": "erika@example.org",
                                  "consent": "yes", "companions": "1"})
    assert good.status_code == 302
    inbox = client.get(good.headers["Location"])
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in inbox.get_data(as_text=True)
    assert pools(app, event["id"]) == [(0, 5, 2)]
    mail = mails_to(app, "erika@example.org", "confirm_email")[0]
    assert mail["registrant"]["locale"] == "de"
    confirmed = client.get(f"/confirm/{confirm_token(app, 'erika@example.org')}")
    assert confirmed.status_code == 200 and "Ihre Anmeldung ist bestätigt" in confirmed.get_data(as_text=True)
    assert registration(app, mail["registration"]["id"]).status == "confirmed"


def test_csrf_and_honeypot(client, app, events_live, token):
    event = make_event(events_live, app, token)
    url = f"/events/{event['id']}"
    no_token = client.post(url, data={"name": "Erika", "email": "erika@example.org", "consent": "yes"})
    assert no_token.status_code == 400
    assert pools(app, event["id"]) == [(0, 5, 0)]
    bot = client.post(url, data={"csrf_token": csrf_of(client.get(url).get_data(as_text=True)), "name": "Bot",
                                 "email": "bot@example.org", "consent": "yes", "website": "http://spam"})
    assert bot.status_code == 302  # looks like success to the bot
    assert pools(app, event["id"]) == [(0, 5, 0)] and mails_to(app, "bot@example.org") == []


def test_cancel_page_asks_then_cancels(client, app, events_live, token):
    from tests.factories import cancel_token
    from tests.registrations.conftest import sign_up_and_confirm
    event = make_event(events_live, app, token)
    reg = sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    url = f"/cancel/{cancel_token(app, 'erika@example.org')}"
    ask = client.get(url)
    assert ask.status_code == 200 and "wirklich absagen" in ask.get_data(as_text=True)
    assert registration(app, reg["id"]).status == "confirmed"  # a GET (a mail scanner) changes nothing
    done = client.post(url, data={"csrf_token": csrf_of(ask.get_data(as_text=True))})
    assert done.status_code == 200 and "abgesagt" in done.get_data(as_text=True)
    assert registration(app, reg["id"]).status == "cancelled"
    assert client.get("/cancel/garbage-token-value").status_code == 400


def test_unknown_event_page_is_html_404(client, app):
    response = client.get("/events/99999")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_rate_limits_answer_429(client, app, events_live, token):
    event = make_event(events_live, app, token)
    app.config["RATELIMIT_SIGNUP"] = "2 per minute"
    url = f"/api/v1/events/{event['id']}/registrations"
    statuses = [client.post(url, json={"name": "A", "email": f"a{i}@example.org", "consent": True},
                            environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code for i in range(3)]
    assert statuses == [202, 202, 429]
    limited = client.post(url, json={}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert limited.status_code == 429 and limited.json["code"] == "rate_limited"
    page = client.post(f"/events/{event['id']}", data={}, environ_base={"REMOTE_ADDR": "10.9.8.6"})
    page = client.post(f"/events/{event['id']}", data={}, environ_base={"REMOTE_ADDR": "10.9.8.6"})
    page = client.post(f"/events/{event['id']}", data={}, environ_base={"REMOTE_ADDR": "10.9.8.6"})
    assert page.status_code == 429 and page.mimetype == "text/html"
    # another address is not affected
    assert client.post(url, json={"name": "B", "email": "b@example.org", "consent": True},
                       environ_base={"REMOTE_ADDR": "10.9.8.5"}).status_code == 202


def test_pages_send_protective_headers(client, app, events_live, token):
    event = make_event(events_live, app, token)
    response = client.get(f"/events/{event['id']}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_crash_on_a_page_is_an_html_500_without_internals(client, app, events_live, token, monkeypatch):
    from services.registrations.domain import seats
    event = make_event(events_live, app, token)

    def broken(row):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(seats, "availability", broken)
    response = client.get(f"/events/{event['id']}")
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "secret internals" not in response.get_data(as_text=True)
