"""The import page: what cannot be an announcement is refused at its field (nothing is sent to
the API, nothing saved); an announcement becomes a draft that opens in the editor with each
imported field's snippet and the fields it did not find marked in words."""
from __future__ import annotations

import io
import re
from pathlib import Path

from tests.workspace.conftest import csrf_token
from tests.workspace.test_event_editor import field_error, my_events

TINY_RATHAUS = (Path(__file__).parent / "data" / "announcement_000_tiny_rathaus.txt").read_text(encoding="utf-8")


def post_import(client, **data):
    page = client.get("/import")
    assert page.status_code == 200
    return client.post("/import", data={"csrf_token": csrf_token(page.data), "submit": "1", **data},
                       content_type="multipart/form-data")


def test_nothing_to_import_is_refused_at_the_text_field(workspace, org, owner):
    response = post_import(owner, text="   ")
    assert response.status_code == 422
    assert field_error(response.data.decode(), "text")
    assert my_events(workspace, org) == []


def test_a_binary_file_a_wrong_kind_and_a_too_large_file_are_refused_at_the_upload(workspace, org, owner):
    cases = [(b"%PDF-1.4\x00\x01\x02", "flyer.txt"), (b"%PDF-1.4", "flyer.pdf"),
             (b"a" * (1024 * 1024 + 10), "huge.txt")]
    for content, name in cases:
        response = post_import(owner, upload=(io.BytesIO(content), name))
        assert response.status_code == 422, name
        assert field_error(response.data.decode(), "upload"), name
    assert my_events(workspace, org) == []


def test_a_text_longer_than_the_import_reads_is_refused_at_its_field(workspace, org, owner):
    pasted = post_import(owner, text="Lesung am 3. Mai 2030 um 19 Uhr. " * 4000)
    assert pasted.status_code == 422 and field_error(pasted.data.decode(), "text")
    uploaded = post_import(owner, upload=(io.BytesIO(("Lesung am 3. Mai 2030. " * 6000).encode()), "lang.txt"))
    assert uploaded.status_code == 422 and field_error(uploaded.data.decode(), "upload")
    assert my_events(workspace, org) == []


def test_the_tiny_rathaus_text_becomes_a_draft_with_its_snippets(workspace, org, owner):
    response = post_import(owner, text=TINY_RATHAUS, as_of="2021-08-20")
    assert response.status_code == 302, response.data[:2000]
    event_id = int(re.search(r"/events/(\d+)$", response.headers["Location"]).group(1))
    draft = workspace.api(org.token).get("events", f"/api/v1/events/{event_id}").json()
    assert draft["status"] == "draft" and draft["starts_at"].startswith("2021-09-13T10:00")
    html = owner.get(response.headers["Location"]).data.decode()
    assert "Aus einer Ankündigung importiert" in html
    assert "Aus der Ankündigung:" in html and "Langer Rehm 29" in html
    if draft.get("missing"):
        assert "Nicht in der Ankündigung gefunden" in html


def test_an_uploaded_calendar_file_becomes_a_draft(workspace, org, owner):
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1@example.org\r\n"
           "DTSTART;TZID=Europe/Berlin:20300916T100000\r\nDTEND;TZID=Europe/Berlin:20300916T123000\r\n"
           "SUMMARY:Ideenschmiede Tiny Rathaus\r\nLOCATION:Langer Rehm 29\\, 24149 Kiel\r\nEND:VEVENT\r\n"
           "END:VCALENDAR\r\n").encode()
    response = post_import(owner, upload=(io.BytesIO(ics), "ideenschmiede.ics"))
    assert response.status_code == 302, response.data[:2000]
    event_id = int(re.search(r"/events/(\d+)$", response.headers["Location"]).group(1))
    draft = workspace.api(org.token).get("events", f"/api/v1/events/{event_id}").json()
    assert draft["title"] == "Ideenschmiede Tiny Rathaus" and draft["status"] == "draft"


def test_fields_the_text_does_not_give_are_marked_in_words_at_their_fields(workspace, org, owner):
    response = post_import(owner, text="Lesung in der Stadtbibliothek\n\nEintritt frei.", as_of="2030-05-01")
    assert response.status_code == 302, response.data[:2000]
    html = owner.get(response.headers["Location"]).data.decode()
    draft_id = int(re.search(r"/events/(\d+)$", response.headers["Location"]).group(1))
    missing = workspace.api(org.token).get("events", f"/api/v1/events/{draft_id}").json()["missing"]
    assert "starts_at" in missing
    start = re.search(r'<div class="efield missing">\s*<div class="field[^"]*">\s*<label for="starts_at">.*?</div>',
                      html, re.S)
    assert start and "Nicht in der Ankündigung gefunden" in start.group(0)
    assert 'aria-describedby="starts_at-hint"' in start.group(0)
    assert "Nicht gefunden (mit ⚠ markiert):" in html and "Beginn" in html
