"""Bad input on the public site and the APIs: CSRF on the HTML form, the rate limit (429),
oversized and malformed bodies (413/400, JSON, never a 500), header injection through names and
addresses, SQL-looking and HTML/script input stored as text and escaped on every page."""
from __future__ import annotations

import itertools
import json
import re
import secrets

import markupsafe
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import csrf_of, workshop_body
from tests.security.conftest import ORGANIZER_A, leaks

SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG = '<img src=x onerror="alert(2)">'
SQL = "'; DROP TABLE registrations;--"
def fresh_ip() -> dict:
    """A client address of its own, so that rate limit counters of one test (or of an earlier run
    less than a minute ago) never meet another's."""
    return {"REMOTE_ADDR": "10." + ".".join(str(secrets.randbelow(250) + 1) for _ in range(3))}


@pytest.fixture()
def event(stack):
    organizer = stack.organizer(ORGANIZER_A)
    created = stack.create_event(organizer)
    return stack, organizer, created


def form(csrf, **overrides):
    data = {"csrf_token": csrf, "name": "Erika Mustermann", "email": "erika@example.org", "consent": "yes",
            "companions": "0"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def stored(stack):
    return len(stack.registrations()), len(stack.outbox())


# ---- CSRF ------------------------------------------------------------------------------------
def test_form_post_without_or_with_a_wrong_csrf_token_is_refused(event):
    stack, _, created = event
    url = f"/events/{created['id']}"
    page = stack.reg.get(url)
    assert page.status_code == 200
    token = csrf_of(page.get_data(as_text=True))
    before = stored(stack)
    for data in (form(None), form(""), form("forged-token"), form(token + "x"), form(token[::-1])):
        response = stack.reg.post(url, data=data)
        assert response.status_code == 400, (data.get("csrf_token"), response.status_code)
        assert "erika@example.org" not in [r.email for r in stack.registrations()]
    # a token is bound to the visitor's session: another browser's token does not work here
    stranger = stack.reg_app.test_client()
    assert stranger.post(url, data=form(token)).status_code == 400
    stranger.get(url)  # has a session of its own now, still not this token's
    assert stranger.post(url, data=form(token)).status_code == 400
    assert stored(stack) == before
    # the same form with the right token goes through
    done = stack.reg.post(url, data=form(token))
    assert done.status_code == 302, done.get_data()[:500]
    assert [r.email for r in stack.registrations()] == ["erika@example.org"]


def test_cancel_form_cannot_be_posted_cross_site(event):
    stack, _, created = event
    assert stack.sign_up(created["id"]).status_code == 202
    token = stack.cancel_token("erika@example.org")
    stranger = stack.reg_app.test_client()  # the attacker's page: no session of the victim
    assert stranger.post(f"/cancel/{token}", data={}).status_code == 400
    assert stranger.post(f"/cancel/{token}", data={"csrf_token": "x" * 40}).status_code == 400
    assert stack.registrations()[0].status == "pending_confirmation"


# ---- rate limit ------------------------------------------------------------------------------
def test_sign_up_rate_limit_answers_429(event):
    stack, _, created = event
    stack.reg_app.config["RATELIMIT_SIGNUP"] = "3 per minute"
    ip = fresh_ip()
    answers = [stack.reg.post(f"/api/v1/events/{created['id']}/registrations",
                              json={"name": f"Person {i}", "email": f"p{i}@example.org", "consent": True},
                              environ_base=ip) for i in range(5)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429, 429]
    limited = answers[3]
    assert limited.is_json and limited.json["code"] == "rate_limited"
    assert limited.headers.get("Retry-After")
    assert not leaks(limited.get_data(as_text=True))
    assert sorted(r.email for r in stack.registrations()) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    # another client address is not blocked by this one
    other = stack.reg.post(f"/api/v1/events/{created['id']}/registrations",
                           json={"name": "Other", "email": "other@example.org", "consent": True}, environ_base=fresh_ip())
    assert other.status_code == 202


def test_html_form_rate_limit_answers_429(event):
    stack, _, created = event
    stack.reg_app.config["RATELIMIT_SIGNUP"] = "2 per minute"
    ip = fresh_ip()
    url = f"/events/{created['id']}"
    client = stack.reg_app.test_client()
    token = csrf_of(client.get(url, environ_base=ip).get_data(as_text=True))
    codes = [client.post(url, data=form(token, email=f"f{i}@example.org"), environ_base=ip).status_code
             for i in range(4)]
    assert codes == [302, 302, 429, 429]
    assert len(stack.registrations()) == 2


def test_token_endpoints_are_rate_limited_against_guessing(event):
    stack, _, created = event
    stack.reg_app.config["RATELIMIT_TOKEN"] = "3 per minute"
    ip = fresh_ip()
    codes = [stack.reg.post("/api/v1/registrations/confirm", json={"token": f"guess-number-{i:04d}"},
                            environ_base=ip).status_code for i in range(5)]
    assert codes == [400, 400, 400, 429, 429]
    page_ip = fresh_ip()
    pages = [stack.reg.get(f"/confirm/guess-number-{i:04d}", environ_base=page_ip).status_code for i in range(5)]
    assert pages == [400, 400, 400, 429, 429]


# ---- oversized and malformed bodies ----------------------------------------------------------
BIG = 300 * 1024  # MAX_CONTENT_LENGTH is 256 KiB


def oversized_cases(stack, organizer, event_id):
    big_json = json.dumps({"name": "x" * BIG, "email": "big@example.org", "consent": True})
    return [
        (stack.events, "POST", "/api/v1/events", organizer.headers, json.dumps(workshop_body(description="x" * BIG))),
        (stack.events, "PATCH", f"/api/v1/events/{event_id}", organizer.headers,
         json.dumps({"description": "x" * BIG})),
        (stack.reg, "POST", f"/api/v1/events/{event_id}/registrations", {}, big_json),
        (stack.reg, "POST", "/api/v1/registrations/confirm", {}, json.dumps({"token": "x" * BIG})),
        (stack.notif, "POST", f"/api/v1/events/{event_id}/messages", organizer.headers,
         json.dumps({"subject": "s", "body": "x" * BIG})),
    ]


def test_oversized_bodies_are_413_json(event):
    stack, organizer, created = event
    before = stored(stack), stack.events.get(f"/api/v1/events/{created['id']}").json
    for client, method, path, headers, body in oversized_cases(stack, organizer, created["id"]):
        response = client.open(path, method=method, data=body, headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 413, (method, path, response.status_code)
        assert response.is_json, (method, path)
        assert response.json["code"] == "payload_too_large"
        assert not leaks(response.get_data(as_text=True))
    assert (stored(stack), stack.events.get(f"/api/v1/events/{created['id']}").json) == before
    assert stack.messages() == [] or all(m.subject != "s" for m in stack.messages())


def test_oversized_html_form_is_413_and_stores_nothing(event, reg_live):
    """Over a real socket, as a browser posts it (the session cookie carries the CSRF secret)."""
    stack, _, created = event
    url = f"{reg_live.url}/events/{created['id']}"
    browser = requests.Session()
    token = csrf_of(browser.get(url, timeout=10).text)
    response = browser.post(url, data=form(token, name="x" * BIG), timeout=20)
    assert response.status_code == 413, (response.status_code, response.text[:300])
    assert not leaks(response.text)
    assert stack.registrations() == []
    # the same browser, a normal form: accepted (the limit is about size, not about this visitor)
    assert browser.post(url, data=form(token), timeout=10, allow_redirects=False).status_code == 302


def test_oversized_chunked_bodies_over_http_are_refused(event):
    """Without a Content-Length (chunked upload) the limit must hold as well: over a real socket."""
    stack, organizer, created = event

    def chunks():
        for _ in range(BIG // 1024):
            yield b" " * 1024  # JSON whitespace: harmless until the limit is passed
        yield b"{}"

    response = requests.post(f"{stack.events_live.url}/api/v1/events", data=chunks(), timeout=20,
                             headers={**organizer.headers, "Content-Type": "application/json"})
    assert response.status_code in (400, 413), response.status_code
    assert not leaks(response.text)


MALFORMED = [
    (b"{", "application/json"),
    (b'{"name": "Erika", ', "application/json"),
    (b"\xff\xfe\x00\x00garbage", "application/json"),
    (b'"just a string"', "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b"null", "application/json"),
    (b'{"name": NaN, "email": Infinity, "consent": true}', "application/json"),
    (b'{"name": "\\ud800", "email": "a@example.org", "consent": true}', "application/json"),
    (b'{"name": "Erika\\u0000Mustermann", "email": "erika@example.org", "consent": true}', "application/json"),
    (b"name=Erika&email=erika%40example.org&consent=true", "application/x-www-form-urlencoded"),
    (b"<xml/>", "application/xml"),
    (b"[" * 50_000 + b"]" * 50_000, "application/json"),  # nested deeper than any parser recurses
    (b'{"a":' * 30_000 + b"1" + b"}" * 30_000, "application/json"),
]


def test_malformed_json_is_a_4xx_json_error_everywhere(event):
    stack, organizer, created = event
    eid = created["id"]
    targets = [
        (stack.events, "POST", "/api/v1/events", organizer.headers),
        (stack.events, "PATCH", f"/api/v1/events/{eid}", organizer.headers),
        (stack.events, "POST", f"/api/v1/events/{eid}/cancel", organizer.headers),
        (stack.events, "POST", "/api/v1/series", organizer.headers),
        (stack.reg, "POST", f"/api/v1/events/{eid}/registrations", {}),
        (stack.reg, "POST", "/api/v1/registrations/confirm", {}),
        (stack.reg, "POST", "/api/v1/registrations/cancel", {}),
        (stack.notif, "POST", f"/api/v1/events/{eid}/messages", organizer.headers),
    ]
    before = stack.events.get(f"/api/v1/events/{eid}").json
    problems = []
    for (client, method, path, headers), (body, content_type) in itertools.product(targets, MALFORMED):
        response = client.open(path, method=method, data=body, headers={**headers, "Content-Type": content_type})
        text = response.get_data(as_text=True)
        ok = 400 <= response.status_code < 500 and response.is_json and not leaks(text)
        # a body that is not JSON reads as "no fields" (the project's convention): for cancel and
        # for a PATCH that is a harmless no-op, checked below to have changed nothing
        if response.status_code == 200 and (path.endswith("/cancel") or
                                            (method == "PATCH" and content_type != "application/json")):
            ok = True
        if not ok:
            problems.append((method, path, body[:40], response.status_code, text[:200]))
    assert problems == [], "\n".join(map(repr, problems))
    after = stack.events.get(f"/api/v1/events/{eid}").json
    assert after["title"] == before["title"]
    assert [r.name for r in stack.registrations()] == []


def test_nul_bytes_and_lone_surrogates_are_refused_before_the_database(event):
    """PostgreSQL cannot store NUL in text and no driver can encode a lone surrogate: without a
    guard they come back as a 500 on PostgreSQL (or are stored silently on SQLite)."""
    stack, organizer, created = event
    eid = created["id"]
    signup = f"/api/v1/events/{eid}/registrations"
    cases = [
        (stack.reg, "POST", signup, {}, {"name": "Eri\u0000ka", "email": "nul@example.org", "consent": True}),
        (stack.reg, "POST", signup, {}, {"name": "Eri\ud800ka", "email": "sur@example.org", "consent": True}),
        (stack.reg, "POST", signup, {}, {"name": "Erika", "email": "nul2@example.org", "consent": True,
                                         "answers": {"k\u0000": "v"}}),
        (stack.reg, "POST", "/api/v1/registrations/confirm", {}, {"token": "abc\u0000defghijkl"}),
        (stack.events, "POST", "/api/v1/events", organizer.headers, workshop_body(title="Work\u0000shop")),
        (stack.events, "POST", "/api/v1/events", organizer.headers, workshop_body(title="Work\udc00shop")),
        (stack.events, "PATCH", f"/api/v1/events/{eid}", organizer.headers, {"summary": "a\u0000b"}),
        (stack.events, "POST", "/api/v1/series", organizer.headers, {"title": "Reihe\u0000"}),
        (stack.events, "GET", "/api/v1/events?q=a%00b", {}, None),
        (stack.notif, "GET", "/api/v1/messages?registration_id=a%00b", organizer.headers, None),
        (stack.reg, "DELETE", "/api/v1/people/a%00b@example.org", organizer.headers, None),
        (stack.notif, "POST", f"/api/v1/events/{eid}/messages", organizer.headers, {"subject": "a\u0000", "body": "b"}),
    ]
    for client, method, path, headers, body in cases:
        response = client.open(path, method=method, json=body, headers=headers)
        assert 400 <= response.status_code < 500, (method, path, body, response.status_code)
        assert response.is_json and not leaks(response.get_data(as_text=True))
    # a surrogate *pair* is an ordinary character (an emoji) and welcome
    fine = stack.sign_up(eid, name="Erika \U0001F600", email="emoji@example.org")
    assert fine.status_code == 202
    # the HTML form likewise
    url = f"/events/{eid}"
    token = csrf_of(stack.reg.get(url).get_data(as_text=True))
    assert 400 <= stack.reg.post(url, data=form(token, name="Eri\x00ka", email="form@example.org")).status_code < 500
    assert [r.name for r in stack.registrations()] == ["Erika \U0001F600"]
    assert stack.events.get(f"/api/v1/events/{eid}").json["summary"] == created["summary"]


# ---- header injection ------------------------------------------------------------------------
INJECTED_ADDRESSES = [
    "erika@example.org\r\nBcc: evil@example.org",
    "erika@example.org\nBcc: evil@example.org",
    "erika@example.org\rBcc: evil@example.org",
    "erika@example.org%0d%0aBcc:evil@example.org",
    "erika@example.org, evil@example.org",
    "erika@example.org;evil@example.org",
    "Erika <erika@example.org>",
    "erika@example.org>\r\nRCPT TO:<evil@example.org",
    "erika@example.org\u2028Bcc: evil@example.org",
]


def test_addresses_with_line_breaks_or_second_recipients_are_refused(event):
    stack, _, created = event
    for email in INJECTED_ADDRESSES:
        response = stack.sign_up(created["id"], email=email)
        assert response.status_code == 422, (email, response.status_code)
        assert "email" in response.json["errors"]
    url = f"/events/{created['id']}"
    token = csrf_of(stack.reg.get(url).get_data(as_text=True))
    for email in INJECTED_ADDRESSES[:3]:
        assert stack.reg.post(url, data=form(token, email=email)).status_code == 422
    assert stack.registrations() == [] and stack.outbox() == []


def _assert_clean_mails(mails, allowed_recipients):
    for mail in mails:
        assert set(mail.rcpt_tos) <= set(allowed_recipients), mail.rcpt_tos
        raw_headers = mail.raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in mail.raw else mail.raw.split(b"\n\n", 1)[0]
        for line in re.split(rb"\r?\n", raw_headers):
            assert not re.match(rb"(?i)^(bcc|cc|x-injected|rcpt to)\s*:", line), line
        assert mail.msg["Bcc"] is None and mail.msg["Cc"] is None and mail.msg["X-Injected"] is None
        for name in ("To", "Subject", "From", "Reply-To"):
            value = str(mail.msg[name] or "")
            assert "\r" not in value and "\n" not in value, (name, value)
        # the To header names exactly one mailbox, the envelope recipient (a neutralised
        # "Bcc: ..." may remain as harmless text inside the quoted display name)
        to = mail.msg["To"].addresses
        assert len(to) == 1 and to[0].addr_spec in mail.rcpt_tos, (str(mail.msg["To"]), mail.rcpt_tos)


def test_line_breaks_in_names_never_become_mail_headers(event):
    """The name is refused or neutralised: the mails that follow carry no injected header and go
    to the registrant and the contact person only."""
    stack, _, created = event
    names = ["Erika\r\nBcc: evil@example.org", "Max\nX-Injected: yes\nBcc: evil@example.org",
             "Jana\rCc: evil@example.org"]
    accepted = []
    for i, name in enumerate(names):
        email = f"inject{i}@example.org"
        response = stack.sign_up(created["id"], name=name, email=email)
        assert response.status_code in (202, 422), response.status_code
        if response.status_code == 202:
            accepted.append(email)
            confirmed = stack.reg.post("/api/v1/registrations/confirm", json={"token": stack.confirm_token(email)})
            assert confirmed.status_code == 200
    # the organizer's views hold the name as plain data: JSON escapes it; CSV quotes it
    rows = stack.reg.get(f"/api/v1/events/{created['id']}/registrations",
                         headers={**stack.organizer(ORGANIZER_A).headers, "Accept": "text/csv"})
    assert rows.status_code == 200
    import csv
    import io
    parsed = list(csv.reader(io.StringIO(rows.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(parsed) == 1 + len(accepted)  # one record per registration, whatever the names contain
    stack.relay_mails()
    if accepted:
        mails = stack.wait_for_mails(1)
        allowed = accepted + ["anne.czichowski@kiel.de"]
        _assert_clean_mails(mails, allowed)
        assert any(set(accepted) & set(m.rcpt_tos) for m in mails)
    for message in stack.messages():
        assert "\n" not in (message.subject or "") and "\r" not in (message.subject or "")
        assert "\n" not in (message.recipient or "")


def test_line_breaks_in_event_fields_never_become_mail_or_calendar_lines(stack):
    # the organizer's name (set by whoever runs create-organizer) reaches calendar parameters
    organizer = stack.organizer("Evil Org\r\nATTENDEE:mailto:evil@example.org\r\nX-Injected: yes")
    title = "Workshop\r\nBcc: evil@example.org\r\nX-Injected: yes"
    body = workshop_body(title=title,
                         summary="Kurz\r\nBEGIN:VALARM\r\nACTION:EMAIL\r\nATTENDEE:mailto:evil@example.org",
                         contacts=[{"name": "Anne\r\nBcc: evil@example.org", "email": "anne.czichowski@kiel.de"}])
    response = stack.events.post("/api/v1/events", json=body, headers=organizer.headers)
    if response.status_code == 422:
        return  # refused outright: nothing to neutralise
    assert response.status_code == 201, response.json
    eid = response.json["id"]
    assert stack.events.post(f"/api/v1/events/{eid}/publish", headers=organizer.headers).status_code == 200
    ics = stack.events.get(f"/api/v1/events/{eid}/ics")
    assert ics.status_code == 200
    lines = ics.get_data(as_text=True).replace("\r\n ", "").split("\r\n")  # unfold
    assert not any(line.startswith(("Bcc", "X-Injected", "ATTENDEE", "ACTION")) for line in lines), lines
    assert "BEGIN:VALARM" not in lines
    feed = stack.events.get("/api/v1/calendar.ics").get_data(as_text=True).replace("\r\n ", "").split("\r\n")
    assert not any(line.startswith(("Bcc", "X-Injected", "ATTENDEE", "ACTION")) for line in feed)
    assert "BEGIN:VALARM" not in feed
    stack.deliver_snapshot(eid)
    assert stack.sign_up(eid, email="erika@example.org").status_code == 202
    stack.relay_mails()
    mails = stack.wait_for_mails(1)
    _assert_clean_mails(mails, ["erika@example.org", "anne.czichowski@kiel.de"])
    for mail in mails:
        for part in mail.msg.iter_attachments():
            if part.get_content_type() == "text/calendar":
                content = part.get_content()
                content = content.decode() if isinstance(content, bytes) else content
                cal = content.replace("\r\n ", "").replace("\r\n", "\n").split("\n")
                assert not any(line.startswith(("Bcc", "X-Injected", "ACTION")) for line in cal)
                assert not any(line.startswith("ATTENDEE") and "evil" in line for line in cal)


def test_list_unsubscribe_header_survives_neutralisation_as_a_url(event):
    """Neutralising headers must not break them: RFC 2369 wants `List-Unsubscribe: <https://...>`,
    an RFC 2047 encoded word there (`=?utf-8?q?=3Chttp...`) is no link for any mail client."""
    stack, _, created = event
    assert stack.sign_up(created["id"], email="erika@example.org").status_code == 202
    stack.relay_mails()
    mail = stack.wait_for_mails(1)[0]
    raw_headers = mail.raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
    lines = [line for line in raw_headers.split(b"\r\n") if line.lower().startswith(b"list-unsubscribe:")]
    assert len(lines) == 1, raw_headers
    value = lines[0].split(b":", 1)[1].strip()
    assert value.startswith(b"<http") and value.endswith(b">") and b"=?" not in value, value


# ---- SQL-looking and HTML/script input -------------------------------------------------------
def test_sql_looking_input_is_stored_as_text(event):
    stack, organizer, created = event
    names = [SQL, "Robert'); DROP TABLE registrations;--", "1 OR 1=1", '" OR ""="', "x'; SELECT pg_sleep(5);--"]
    ids = []
    for i, name in enumerate(names):
        response = stack.sign_up(created["id"], name=name, email=f"o'brien{i}@example.org",
                                 answers={})
        assert response.status_code == 202, response.json
        ids.append(response.json["id"])
    listing = stack.reg.get(f"/api/v1/events/{created['id']}/registrations", headers=organizer.headers)
    assert listing.status_code == 200
    assert sorted(r["name"] for r in listing.json) == sorted(names)
    assert sorted(r["email"] for r in listing.json) == sorted(f"o'brien{i}@example.org" for i in range(len(names)))
    assert len(stack.registrations()) == len(names)  # the table is still there, with every row
    # the same text in other places that reach SQL: search, filters, path segments
    for q in (SQL, "%", "_", "\\", "' OR 1=1 --", "%' OR '1'='1"):
        response = stack.events.get("/api/v1/events", query_string={"q": q})
        assert response.status_code == 200 and response.json == [], q
    assert stack.events.get("/api/v1/events", query_string={"q": "ideenschmiede"}).json[0]["id"] == created["id"]
    assert stack.reg.get(f"/api/v1/events/{created['id']}/registrations", query_string={"status": SQL},
                         headers=organizer.headers).status_code == 422
    assert stack.notif.get("/api/v1/messages", query_string={"registration_id": SQL},
                           headers=organizer.headers).json == []
    erased = stack.reg.delete(f"/api/v1/people/{SQL}", headers=organizer.headers)
    assert erased.status_code in (404, 422)
    assert len(stack.registrations()) == len(names)
    # an event whose texts look like SQL is stored as written
    response = stack.events.post("/api/v1/events", json=workshop_body(title=SQL, description="1; DELETE FROM events"),
                                 headers=organizer.headers)
    assert response.status_code == 201
    assert stack.events.get(f"/api/v1/events/{response.json['id']}", headers=organizer.headers).json["title"] == SQL
    assert stack.events.get(f"/api/v1/events/{created['id']}").status_code == 200


def test_script_in_event_texts_is_escaped_on_the_public_pages(stack):
    organizer = stack.organizer(ORGANIZER_A)
    created = stack.create_event(organizer, title=f"Workshop {SCRIPT}", summary=f"Kurz {IMG}",
                                 description=f"Absatz eins {SCRIPT}\n\nAbsatz zwei {IMG}",
                                 venue={"name": f"Saal {SCRIPT}", "city": "Kiel"},
                                 contacts=[{"name": f"Anne {SCRIPT}", "email": "anne.czichowski@kiel.de"}],
                                 registration={"questions": [{"key": "dept", "label": f"Abteilung {SCRIPT}",
                                                              "type": "choice", "options": [SCRIPT, "Amt"]}]})
    assert created["title"] == f"Workshop {SCRIPT}"  # the API keeps the text as it was written
    pages = {"index": stack.reg.get("/"), "event": stack.reg.get(f"/events/{created['id']}"),
             "inbox": stack.reg.get(f"/events/{created['id']}/inbox"),
             "event_en": stack.reg.get(f"/events/{created['id']}?lang=en")}
    for name, page in pages.items():
        assert page.status_code == 200, name
        text = page.get_data(as_text=True)
        assert SCRIPT not in text, name
        assert IMG not in text and "<img src=x" not in text, name
        # the script elements allowed: the JSON-LD data block (its text cannot end it early) and
        # our own static files
        jsonld = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, flags=re.S)
        assert all("<" not in block and json.loads(block) for block in jsonld), name
        rest = re.sub(r'<script type="application/ld\+json">.*?</script>', "", text, flags=re.S)
        rest = re.sub(r'<script src="/static/[a-z-]+\.js" defer></script>', "", rest)
        assert "<script" not in rest.lower(), name
    event_page = pages["event"].get_data(as_text=True)
    assert f"Workshop {SCRIPT_ESCAPED}" in event_page
    assert str(markupsafe.escape(IMG)) in event_page
    assert SCRIPT_ESCAPED in pages["index"].get_data(as_text=True)


def test_script_in_registrant_input_is_escaped_when_the_form_is_shown_again(event):
    stack, organizer, created = event
    url = f"/events/{created['id']}"
    token = csrf_of(stack.reg.get(url).get_data(as_text=True))
    attribute_breaker = f'"><svg onload=alert(3)>{SCRIPT}'
    # an error elsewhere: the form comes back with the values filled in
    response = stack.reg.post(url, data=form(token, name=attribute_breaker, email=f"{SCRIPT}@x"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert SCRIPT not in text and "<svg" not in text
    assert "&lt;script&gt;" in text or "&#34;&gt;&lt;svg" in text
    assert re.search(r'value="&#34;&gt;&lt;svg onload=alert\(3\)&gt;&lt;script&gt;', text) or \
        re.search(r'value="&quot;&gt;&lt;svg', text)
    # ?lang and other reflected values are never echoed raw either
    for query in (f"lang={SCRIPT}", f"waitlist={SCRIPT}"):
        page = stack.reg.get(f"{url}/inbox?{query}")
        assert SCRIPT not in page.get_data(as_text=True)
    unknown = stack.reg.get(f"/events/{SCRIPT}")
    assert SCRIPT not in unknown.get_data(as_text=True)
    assert stack.reg.get(f"/confirm/{SCRIPT}").status_code in (400, 404)


def test_script_in_a_name_is_stored_as_text_and_escaped_in_mails(event):
    stack, organizer, created = event
    name = f"Erika {SCRIPT} {IMG}"
    response = stack.sign_up(created["id"], name=name, email="erika@example.org")
    assert response.status_code == 202
    reg = stack.registration(response.json["id"])
    assert reg.name == name  # stored as written
    listing = stack.reg.get(f"/api/v1/events/{created['id']}/registrations", headers=organizer.headers)
    assert listing.json[0]["name"] == name
    assert listing.mimetype == "application/json"  # JSON, not HTML: no browser renders it as a page
    assert stack.reg.post("/api/v1/registrations/confirm",
                          json={"token": stack.confirm_token("erika@example.org")}).status_code == 200
    page = stack.reg.get(f"/confirm/{stack.confirm_token('erika@example.org')}")
    assert SCRIPT not in page.get_data(as_text=True)
    stack.relay_mails()
    mails = stack.wait_for_mails(2)
    for mail in mails:
        html_part = mail.msg.get_body(preferencelist=("html",))
        if html_part is None:
            continue
        content = html_part.get_content()
        assert SCRIPT not in content and "<img src=x" not in content, mail.rcpt_tos
        if "erika@example.org" in mail.rcpt_tos:
            assert "&lt;script&gt;" in content


def test_spreadsheet_formulas_in_names_are_defused_in_the_csv(event):
    stack, organizer, created = event
    formulas = ["=HYPERLINK(\"http://evil.example\",\"klick\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1",
                "=cmd|' /C calc'!A0"]
    for i, name in enumerate(formulas):
        assert stack.sign_up(created["id"], name=name, email=f"f{i}@example.org").status_code in (202, 422)
    response = stack.reg.get(f"/api/v1/events/{created['id']}/registrations",
                             headers={**organizer.headers, "Accept": "text/csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    import csv
    import io
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, records = rows[0], rows[1:]
    assert records
    for record in records:
        for cell in record:
            assert not cell[:1] in ("=", "+", "-", "@", "\t", "\r"), record


HUGE = 2**63 + 7  # beyond every integer column: must be "no such thing", never a database overflow


def test_odd_requests_get_json_errors_without_internals(event):
    stack, organizer, created = event
    h = organizer.headers
    cases = [
        (stack.events, "GET", "/nope", {}, 404), (stack.reg, "GET", "/api/v1/nope", {}, 404),
        (stack.notif, "GET", "/api/v1/nope", {}, 404),
        (stack.events, "DELETE", "/api/v1/events", h, 405), (stack.notif, "DELETE", "/api/v1/messages", h, 405),
        (stack.events, "GET", f"/api/v1/events/{HUGE}", {}, 404),
        (stack.events, "GET", f"/api/v1/events/{HUGE}/ics", {}, 404),
        (stack.events, "GET", f"/api/v1/series/{HUGE}", {}, 404),
        (stack.events, "GET", f"/api/v1/events?page={HUGE}", {}, (200, 404, 422)),
        (stack.events, "GET", f"/api/v1/organizers/me/events?page={HUGE}", h, (200, 404, 422)),
        (stack.events, "GET", "/api/v1/events?page_size=100000", {}, (200, 422)),
        (stack.reg, "GET", f"/api/v1/events/{HUGE}/availability", {}, 404),
        (stack.reg, "POST", f"/api/v1/events/{HUGE}/registrations", {}, 404),
        (stack.reg, "GET", f"/api/v1/events/{HUGE}/registrations", h, 404),
        (stack.reg, "POST", f"/api/v1/registrations/{'x' * 5000}/approve", h, 404),
        (stack.notif, "GET", f"/api/v1/messages?event_id={HUGE}", h, (200, 404, 422)),
        (stack.notif, "POST", f"/api/v1/events/{HUGE}/messages", h, 404),
    ]
    problems = []
    for client, method, path, headers, expected in cases:
        body = {"name": "Erika", "email": "e@example.org", "consent": True, "subject": "s", "body": "b"} \
            if method == "POST" else None
        response = client.open(path, method=method, headers=headers, json=body)
        expected = expected if isinstance(expected, tuple) else (expected,)
        text = response.get_data(as_text=True)
        if response.status_code not in expected or not response.is_json or leaks(text):
            problems.append((method, path[:80], response.status_code, text[:150]))
    # the public pages answer in HTML, but just as quietly
    for path in (f"/events/{HUGE}", f"/events/{HUGE}/inbox", "/events/abc", f"/confirm/{'x' * 600}",
                 f"/cancel/{'x' * 600}"):
        response = stack.reg.get(path)
        if response.status_code not in (400, 404) or leaks(response.get_data(as_text=True)):
            problems.append(("GET", path[:80], response.status_code, response.get_data(as_text=True)[:150]))
    assert problems == [], "\n".join(map(repr, problems))


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(name=st.text(max_size=60), email=st.text(max_size=40) | st.emails(), companions=st.text(max_size=5),
       lang=st.text(max_size=8) | st.sampled_from(["de", "en"]), answer=st.text(max_size=40),
       sessions=st.lists(st.text(max_size=6), max_size=3))
def test_html_form_survives_any_input_and_never_echoes_it_raw(stack_for_hypothesis, name, email, companions, lang,
                                                               answer, sessions):
    stack, event_id, token = stack_for_hypothesis
    data = {"csrf_token": token, "name": name + SCRIPT, "email": email, "consent": "yes",
            "companions": companions, "lang": lang, "answer_dept": answer + IMG, "session_ids": sessions}
    response = stack.reg.post(f"/events/{event_id}?lang={lang}", data=data)
    assert response.status_code in (302, 400, 409, 422), response.status_code
    text = response.get_data(as_text=True)
    assert SCRIPT not in text and "<img src=x" not in text
    assert not leaks(text)


@pytest.fixture()
def stack_for_hypothesis(stack):
    """One event and one CSRF token for all examples (function-scoped fixtures run once per test)."""
    organizer = stack.organizer(ORGANIZER_A)
    created = stack.create_event(organizer, registration={"questions": [
        {"key": "dept", "label": "Abteilung", "type": "text"}]})
    token = csrf_of(stack.reg.get(f"/events/{created['id']}").get_data(as_text=True))
    return stack, created["id"], token
