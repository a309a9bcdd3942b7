import csv
import io
from datetime import timedelta

from services.registrations.domain import privacy
from services.registrations.models import EventReplica, IdempotencyKey, Registration, db
from shared import contract
from shared.db import utcnow
from tests.factories import auth, pools, registration, sign_up
from tests.registrations.conftest import make_event, outbox, sign_up_and_confirm

QUESTIONS = [{"key": "amt", "label": "Amt / Dienststelle", "type": "text", "required": True},
             {"key": "barrierefrei", "label": "Barrierefreier Zugang nötig", "type": "boolean"}]


def test_list_json_and_csv_and_isolation(client, app, events_live, token, other_token):
    event = make_event(events_live, app, token, registration={"questions": QUESTIONS})
    sign_up_and_confirm(client, app, event["id"], "joerg@example.org", name="Jörg Übel",
                        answers={"amt": "=HYPERLINK(\"x\")", "barrierefrei": True})
    sign_up(client, event["id"], email="max@example.org", name="Max", answers={"amt": "Personalamt"})
    url = f"/api/v1/events/{event['id']}/registrations"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth("ce_wrong")).status_code == 401
    assert client.get(url, headers=auth(other_token)).status_code == 404
    listed = client.get(url, headers=auth(token))
    assert listed.status_code == 200
    assert [r["email"] for r in listed.json] == ["joerg@example.org", "max@example.org"]
    assert listed.json[0]["status"] == "confirmed" and listed.json[0]["answers"]["barrierefrei"] is True
    only = client.get(url + "?status=pending_confirmation", headers=auth(token)).json
    assert [r["email"] for r in only] == ["max@example.org"]

    exported = client.get(url, headers={**auth(token), "Accept": "text/csv"})
    assert exported.status_code == 200
    assert exported.headers["Content-Type"].startswith("text/csv")
    raw = exported.data
    assert raw.startswith("\ufeff".encode("utf-8"))  # Excel reads UTF-8 with the BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-2:] == ["Amt / Dienststelle", "Barrierefreier Zugang nötig"]
    assert rows[1][2] == "Jörg Übel" and rows[1][-1] == "ja"
    assert rows[1][-2].startswith("'=")  # no formula injection into the organizer's spreadsheet
    assert rows[2][-2] == "Personalamt"


def test_organizer_actions_on_foreign_registrations_are_404(client, app, events_live, token, other_token):
    event = make_event(events_live, app, token)
    reg = sign_up_and_confirm(client, app, event["id"], "erika@example.org")
    for action in ("approve", "reject", "check-in"):
        assert client.post(f"/api/v1/registrations/{reg['id']}/{action}", headers=auth(other_token)).status_code == 404
    assert client.post("/api/v1/registrations/nope/reject", headers=auth(token)).status_code == 404
    assert registration(app, reg["id"]).status == "confirmed"


def test_erase_person(client, app, events_live, token, other_token):
    mine = make_event(events_live, app, token, registration={"capacity": 1})
    theirs = make_event(events_live, app, other_token)
    erika = sign_up_and_confirm(client, app, mine["id"], "erika@example.org")
    waiting = sign_up_and_confirm(client, app, mine["id"], "max@example.org")
    assert waiting["status"] == "waitlisted"
    elsewhere = sign_up_and_confirm(client, app, theirs["id"], "erika@example.org")

    assert client.delete("/api/v1/people/erika@example.org").status_code == 401
    assert client.delete("/api/v1/people/not-an-email", headers=auth(token)).status_code == 422
    response = client.delete("/api/v1/people/Erika@Example.org", headers=auth(token))
    assert response.status_code == 200
    assert response.json == {"erased": 1, "event_ids": [mine["id"]]}
    assert registration(app, erika["id"]) is None
    assert registration(app, elsewhere["id"]) is not None  # another organizer's event is not touched
    # her seat went to the waiting list
    assert registration(app, waiting["id"]).status == "confirmed"
    erase = outbox(app, contract.ERASE_PERSON)
    assert len(erase) == 1
    assert erase[0]["email"] == "erika@example.org" and mine["id"] in erase[0]["event_ids"]
    assert theirs["id"] not in erase[0]["event_ids"]
    assert pools(app, mine["id"]) == [(0, 1, 1)]


def test_retention_removes_personal_data_after_the_event(client, app, events_live, token):
    event = make_event(events_live, app, token)
    reg = sign_up_and_confirm(client, app, event["id"], "erika@example.org", answers={})
    with app.app_context():
        row = db.session.get(EventReplica, event["id"])
        row.ends_at = utcnow() - timedelta(days=app.config["RETENTION_DAYS"] + 1)
        db.session.add(IdempotencyKey(key="old", request_hash="x" * 64, status_code=202, response={},
                                      created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
        assert privacy.apply_retention() == 1
        kept = db.session.get(Registration, reg["id"])
        assert kept.name == "" and kept.email == "" and kept.answers == {} and kept.anonymized_at
        assert kept.status == "confirmed"  # numbers stay for the statistics
        assert db.session.get(IdempotencyKey, "old") is None
        assert privacy.apply_retention() == 0
        db.session.remove()
    # the cancel link of an anonymized registration leads nowhere
    from tests.factories import cancel_token
    response = client.post("/api/v1/registrations/cancel", json={"token": cancel_token(app, "erika@example.org")})
    assert response.status_code == 410
