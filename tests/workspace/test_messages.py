"""Messages to an event's registrants from the workspace: the form and its errors, each
audience, the mails in the SMTP sink, the mailing list and the delivery log."""
from __future__ import annotations

import re
import time

from tests.workspace.conftest import csrf_token, text_of
from tests.workspace.registrants import email, published_event, sign_up


def send(client, event_id: int, **fields):
    form = client.get(f"/events/{event_id}/messages")
    assert form.status_code == 200
    send_key = re.search(r'name="send_key" type="hidden" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    data = {"csrf_token": csrf_token(form.data), "send_key": send_key,
            "audience": "all", "subject": "Bitte Laptop mitbringen", "body": "Liebe Teilnehmende,\n\nbis bald!"}
    data.update(fields)
    return client.post(f"/events/{event_id}/messages", data=data), data


def test_a_message_reaches_its_audience_and_the_log_shows_each_mail(workspace, org, owner):
    event = published_event(workspace, org, registration={"capacity": 1})
    erika, max_ = email("erika"), email("max")
    sign_up(workspace, event["id"], "Erika Mustermann", erika)
    sign_up(workspace, event["id"], "Max Muster", max_)  # the waiting list
    answer, data = send(owner, event["id"], audience="waitlisted", subject="Warteliste: Neuigkeiten")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 303, body[body.find("error-summary"):][:1500]
    mailing_id = re.search(r"mailing=([0-9a-f]+)", answer.headers["Location"]).group(1)
    workspace.mailbox.wait_for(max_, r"Liebe Teilnehmende,\s+bis bald!")
    [mail] = [m for m in workspace.mailbox.to(max_) if m["Subject"] == "Warteliste: Neuigkeiten"]
    assert "auf der Warteliste dieser Veranstaltung" in text_of(mail) and "/cancel/" in text_of(mail)
    assert not [m for m in workspace.mailbox.to(erika) if m["Subject"] == "Warteliste: Neuigkeiten"]
    # the same form sent again (a double click): no second mailing
    again = owner.post(f"/events/{event['id']}/messages", data=data)
    assert again.status_code == 303 and mailing_id in again.headers["Location"]

    deadline = time.monotonic() + 30
    while True:
        page = owner.get(f"/events/{event['id']}/messages?mailing={mailing_id}&lang=de").get_data(as_text=True)
        log = page[page.index('id="delivery-log"'):]
        if "zugestellt" in log or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert max_ in log and "Nachricht des Veranstalters" in log and "zugestellt" in log and erika not in log
    listed = page[page.index('id="mailings"'):page.index('id="log"')]
    assert "Warteliste: Neuigkeiten" in listed and "Nur die Warteliste" in listed
    assert listed.count("Warteliste: Neuigkeiten") == 2  # the subject and the log link's hidden name; once sent
    contact = event["contacts"][0]["email"]
    workspace.mailbox.wait_for(contact, r"Erika Mustermann")
    everything = owner.get(f"/events/{event['id']}/messages/log?opened={int(time.time())}").get_data(as_text=True)
    assert erika in everything  # her confirmation mails are in the event's log
    # the contacts' mails are named in words, not by their internal kind
    assert contact in everything and "Neue Anmeldung (an die Kontakte)" in everything
    assert "contact.new_registration" not in everything


def test_the_form_names_the_field_and_keeps_the_input(workspace, org, owner):
    event = published_event(workspace, org)
    nobody, _ = send(owner, event["id"], subject="Hallo", body="Noch niemand da?")
    assert nobody.status_code == 422
    html = nobody.get_data(as_text=True)
    assert 'id="audience-error"' in html and "Noch niemand da?" in html  # nobody registered yet
    empty, _ = send(owner, event["id"], subject="", body="")
    assert empty.status_code == 422
    html = empty.get_data(as_text=True)
    assert 'id="subject-error"' in html and 'id="body-error"' in html
    # an event without sessions offers no "one session" audience, and refuses it
    assert 'value="session"' not in empty.get_data(as_text=True)
    no_session, _ = send(owner, event["id"], audience="session")
    assert no_session.status_code == 422 and 'id="audience-error"' in no_session.get_data(as_text=True)


def test_the_log_refreshes_only_on_change_and_stops_when_done(workspace, org, owner):
    event = published_event(workspace, org)
    erika = email("erika")
    sign_up(workspace, event["id"], "Erika Mustermann", erika)
    workspace.mailbox.wait_for(erika, r"ist bestätigt")
    url = f"/events/{event['id']}/messages/log"
    page = owner.get(f"{url}?opened={int(time.time())}")
    assert page.status_code == 200 and erika in page.get_data(as_text=True)
    seen = re.search(r'id="log-seen" name="seen" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    deadline = time.monotonic() + 30
    while True:  # until both of her mails went out: the fingerprint settles
        again = owner.get(f"{url}?opened={int(time.time())}&seen={seen}")
        if again.status_code == 204 or time.monotonic() > deadline:
            break
        seen = re.search(r'id="log-seen" name="seen" value="([^"]+)"', again.get_data(as_text=True)).group(1)
        time.sleep(0.5)
    assert again.status_code == 204  # unchanged: nothing to swap
    done = owner.get(f"{url}?opened={int(time.time()) - 200}&seen={seen}")
    assert done.status_code == 286 and done.headers["HX-Reswap"] == "none"  # all sent: polling ends
    stale = workspace.client().get(f"{url}?opened={int(time.time()) - 3601}")
    assert stale.status_code == 286 and stale.get_data() == b""  # an old page: not even signed in needed
