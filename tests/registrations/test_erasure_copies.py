"""DELETE /api/v1/people/{email} leaves no copy in the outbox either."""
from __future__ import annotations

from sqlalchemy import select

from services.registrations.models import OutboxMessage, db, outbox
from shared import contract
from shared.scrub import mentions
from tests.registrations.conftest import auth, make_event, sign_up_and_confirm


def rows(app) -> list[tuple[str, str, dict, object]]:
    with app.app_context():
        found = [(r.id, r.task_name, dict(r.payload), r.acked_at)
                 for r in db.session.execute(select(OutboxMessage)).scalars()]
        db.session.remove()
    return found


def test_erasure_removes_the_persons_messages_from_the_outbox_and_the_request_after_its_ack(
        client, app, events_live, token, other_token):
    mine = make_event(events_live, app, token)
    theirs = make_event(events_live, app, other_token)
    sign_up_and_confirm(client, app, mine["id"], "erika@example.org", name="Erika Mustermann")
    sign_up_and_confirm(client, app, theirs["id"], "erika@example.org", name="Erika Mustermann")
    # some delivered and acknowledged (kept 7 days for the record), some not yet
    with app.app_context():
        outbox.acknowledge(*[r[0] for r in rows(app)][:2])
    assert sum(mentions(r[2], "erika@example.org") for r in rows(app)) >= 4
    answer = client.delete("/api/v1/people/Erika@Example.org", headers=auth(token))
    assert answer.status_code == 200 and answer.json["erased"] == 1
    left = [r for r in rows(app) if mentions(r[2], "erika@example.org")]
    # what remains: the other organizer's messages, and the erasure request for notifications
    assert {r[1] for r in left} >= {contract.ERASE_PERSON}
    for _, task, payload, _ in left:
        if task != contract.ERASE_PERSON:
            assert (payload.get("event") or {}).get("id") == theirs["id"], (task, payload)
    [request] = [r for r in left if r[1] == contract.ERASE_PERSON]
    with app.app_context():
        outbox.acknowledge(request[0])  # notifications has it
    [after] = [r for r in rows(app) if r[0] == request[0]]
    assert not mentions(after[2], "erika@example.org") and after[3] is not None
