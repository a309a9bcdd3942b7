"""The registrations page of the workspace against the real services: the table and its
filters, the counts htmx polls, decisions by a row's button (recorded with the member who
acted), cancelling with a note, promotion, CSV — and none of it for another organizer."""
from __future__ import annotations

import csv
import io
import time

from tests.workspace.conftest import csrf_token
from tests.workspace.registrants import email, published_event, registrations, sign_up


def post_action(client, page_html: str, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(page_html), **data})


def test_the_table_shows_registrations_and_filters_them(workspace, org, owner):
    event = published_event(workspace, org)
    erika, max_ = email("erika"), email("max")
    sign_up(workspace, event["id"], "Erika Mustermann", erika, answers={"amt": "Bürgeramt"})
    sign_up(workspace, event["id"], "Max Muster", max_, confirm=False)
    page = owner.get(f"/events/{event['id']}/registrations?lang=de")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Erika Mustermann" in html and erika in html and "Amt / Dienststelle: Bürgeramt" in html
    assert "Max Muster" in html and "E-Mail nicht bestätigt" in html
    assert '<strong id="active-count">2</strong>' in html
    english = owner.get(f"/events/{event['id']}/registrations?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Download as CSV" in english and "email not confirmed" in english
    assert "Answers" in english and "Check in" in english
    owner.get(f"/events/{event['id']}/registrations?lang=de")
    only = owner.get(f"/events/{event['id']}/registrations?status=confirmed").get_data(as_text=True)
    assert "Erika Mustermann" in only and "Max Muster" not in only
    exported = owner.get(f"/events/{event['id']}/registrations.csv?status=confirmed")
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(exported.get_data().decode("utf-8-sig")), delimiter=";"))
    assert [r[3] for r in rows[1:]] == [erika]


def test_the_counts_poll_answers_nothing_until_something_changes(workspace, org, owner):
    event = published_event(workspace, org)
    sign_up(workspace, event["id"], "Erika Mustermann", email("erika"))
    url = f"/events/{event['id']}/registrations/counts?opened={int(time.time())}"
    first = owner.get(url)
    assert first.status_code == 200 and "HX-Trigger" not in first.headers
    seen = csrf_free_value(first.get_data(as_text=True))
    one = owner.get(f"/events/{event['id']}/registrations?lang=de").get_data(as_text=True)
    assert '<strong id="active-count">1</strong> aktive Anmeldung:' in one  # singular for one
    assert owner.get(f"{url}&seen={seen}").status_code == 204  # nothing new: no swap
    sign_up(workspace, event["id"], "Max Muster", email("max"))
    changed = owner.get(f"{url}&seen={seen}")
    assert changed.status_code == 200 and changed.headers["HX-Trigger"] == "registrations-changed"
    assert '<strong id="active-count">2</strong> aktive Anmeldungen:' in changed.get_data(as_text=True)
    rows = owner.get(f"/events/{event['id']}/registrations/rows").get_data(as_text=True)
    assert rows.startswith("<tbody") and "Max Muster" in rows
    # a page open for more than an hour stops polling: its polls must not keep the session alive
    stale = owner.get(f"/events/{event['id']}/registrations/counts?opened={int(time.time()) - 3601}")
    assert stale.status_code == 286 and "Seite neu laden" in stale.get_data(as_text=True)


def csrf_free_value(html: str) -> str:
    import re
    return re.search(r'id="counts-seen" name="seen" value="([^"]+)"', html).group(1)


def test_check_in_approve_and_reject_record_the_member(workspace, org, owner):
    event = published_event(workspace, org, registration={"approval": True})
    erika, max_ = email("erika"), email("max")
    sign_up(workspace, event["id"], "Erika Mustermann", erika)
    sign_up(workspace, event["id"], "Max Muster", max_)
    people = registrations(workspace, org, event["id"])
    assert people[erika]["status"] == people[max_]["status"] == "pending_approval"
    base = f"/events/{event['id']}/registrations"
    page = owner.get(base).get_data(as_text=True)
    assert 'Freigeben<span class="visually-hidden">: Erika Mustermann' in page
    back = f"{base}?status=pending_approval"
    approved = post_action(owner, page, f"{base}/{people[erika]['id']}/approve", back=back)
    assert approved.status_code == 303 and approved.headers["Location"].endswith(back)
    post_action(owner, page, f"{base}/{people[max_]['id']}/reject")
    checked = post_action(owner, page, f"{base}/{people[erika]['id']}/check-in")
    assert checked.status_code == 303
    people = registrations(workspace, org, event["id"])
    assert people[erika]["status"] == "confirmed" and people[erika]["checked_in_at"]
    assert people[max_]["status"] == "rejected"
    owner_name = people[erika]["checked_in_by"]["name"]
    assert people[erika]["decided_by"]["name"] == owner_name and people[max_]["decided_by"]["name"] == owner_name
    html = owner.get(base).get_data(as_text=True)
    assert "eingecheckt" in html and "Erika Mustermann ist eingecheckt." in html
    workspace.mailbox.wait_for(max_, r"nicht berücksichtigt")
    # a decision that does not fit the status says so and changes nothing
    again = post_action(owner, html, f"{base}/{people[max_]['id']}/check-in")
    assert again.status_code == 303
    refused = owner.get(base + "?lang=de").get_data(as_text=True)
    assert "Nur bestätigte Anmeldungen können eingecheckt werden." in refused


def test_cancel_with_a_note_and_promote_beyond_capacity(workspace, org, owner):
    event = published_event(workspace, org, registration={"capacity": 1})
    erika, max_, ole = email("erika"), email("max"), email("ole")
    sign_up(workspace, event["id"], "Erika Mustermann", erika)
    sign_up(workspace, event["id"], "Max Muster", max_)
    sign_up(workspace, event["id"], "Ole Hansen", ole)
    people = registrations(workspace, org, event["id"])
    assert people[max_]["status"] == people[ole]["status"] == "waitlisted"
    base = f"/events/{event['id']}/registrations"

    form = owner.get(f"{base}/{people[erika]['id']}/cancel")
    assert form.status_code == 200 and "Erika Mustermann" in form.get_data(as_text=True)
    too_long = owner.post(f"{base}/{people[erika]['id']}/cancel",
                          data={"csrf_token": csrf_token(form.data), "note": "x" * 2001})
    assert too_long.status_code == 422 and 'id="note-error"' in too_long.get_data(as_text=True)
    done = owner.post(f"{base}/{people[erika]['id']}/cancel",
                      data={"csrf_token": csrf_token(form.data), "note": "Der Raum ist leider kleiner."})
    assert done.status_code == 303
    workspace.mailbox.wait_for(erika, r"Der Raum ist leider kleiner\.")
    people = registrations(workspace, org, event["id"])
    assert people[erika]["status"] == "cancelled" and people[erika]["cancelled_by"]["name"]
    assert people[max_]["status"] == "confirmed"  # the freed seat went to the head of the list

    page = owner.get(base).get_data(as_text=True)
    full = post_action(owner, page, f"{base}/{people[ole]['id']}/promote")
    assert full.status_code == 409 and "Es ist kein Platz frei" in full.get_data(as_text=True)
    promoted = owner.post(f"{base}/{people[ole]['id']}/promote",
                          data={"csrf_token": csrf_token(full.data), "beyond_capacity": "y"})
    assert promoted.status_code == 303
    assert registrations(workspace, org, event["id"])[ole]["status"] == "confirmed"
    workspace.mailbox.wait_for(ole, r"Platz")


def test_another_organizers_member_reaches_none_of_it(workspace, org, owner):
    event = published_event(workspace, org)
    erika = email("erika")
    sign_up(workspace, event["id"], "Erika Mustermann", erika)
    reg_id = registrations(workspace, org, event["id"])[erika]["id"]
    other = workspace.organizer()
    stranger = workspace.sign_in(workspace.client(), workspace.add_member(other))
    base = f"/events/{event['id']}/registrations"
    now = int(time.time())
    for path in (base, f"{base}/counts?opened={now}", f"{base}/rows", f"/events/{event['id']}/registrations.csv",
                 f"{base}/{reg_id}/cancel", f"{base}/{reg_id}/promote", f"/events/{event['id']}/messages",
                 f"/events/{event['id']}/messages/log?opened={now}"):
        answer = stranger.get(path)
        assert answer.status_code == 404, path
        assert "Erika" not in answer.get_data(as_text=True)
    token = csrf_token(stranger.get("/").data)
    for action in ("check-in", "approve", "reject", "cancel", "promote"):
        assert stranger.post(f"{base}/{reg_id}/{action}", data={"csrf_token": token}).status_code == 404
    # their own event id with our registration: still nothing
    theirs = published_event(workspace, other)
    assert stranger.post(f"/events/{theirs['id']}/registrations/{reg_id}/check-in",
                         data={"csrf_token": token}).status_code == 404
    assert registrations(workspace, org, event["id"])[erika]["checked_in_at"] is None
