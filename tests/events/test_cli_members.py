"""CLI: create-organizer --email (the first owner), add-member, and the seeded demo owner."""
from __future__ import annotations

from services.events.demo_members import DEMO_ORGANIZER, DEMO_OWNER_EMAIL
from services.events.models import Member, db
from tests.factories import auth


def _members(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = [(m.email, m.role, m.name) for m in db.session.query(Member).order_by(Member.id)]
        db.session.remove()
    return rows


def test_create_organizer_with_an_email_makes_the_first_owner_and_still_ends_with_the_token(app, client, runner):
    result = runner.invoke(args=["create-organizer", "Kulturreferat", "--email", "Leitung@Kultur.example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("ce_")
    assert _members(app) == [("leitung@kultur.example.org", "owner", "leitung")]
    listed = client.get("/api/v1/members", headers=auth(token))
    assert [m["email"] for m in listed.json] == ["leitung@kultur.example.org"]
    again = runner.invoke(args=["create-organizer", "Kulturreferat", "--email", "leitung@kultur.example.org"])
    assert again.exit_code == 0 and len(_members(app)) == 1  # a second token, not a second owner


def test_add_member_adds_an_editor_or_owner_and_refuses_twice_and_unknown_organizers(app, runner):
    runner.invoke(args=["create-organizer", "Kulturreferat", "--email", "leitung@kultur.example.org"])
    added = runner.invoke(args=["add-member", "Kulturreferat", "kollegin@kultur.example.org", "--name", "Kim Kollegin"])
    assert added.exit_code == 0, added.output
    owner = runner.invoke(args=["add-member", "Kulturreferat", "vertretung@kultur.example.org", "--role", "owner"])
    assert owner.exit_code == 0, owner.output
    assert _members(app)[1:] == [("kollegin@kultur.example.org", "editor", "Kim Kollegin"),
                                 ("vertretung@kultur.example.org", "owner", "vertretung")]
    assert runner.invoke(args=["add-member", "Kulturreferat", "KOLLEGIN@kultur.example.org"]).exit_code != 0
    assert runner.invoke(args=["add-member", "Nobody", "x@example.org"]).exit_code != 0
    assert runner.invoke(args=["add-member", "Kulturreferat", "no-address"]).exit_code != 0
    assert runner.invoke(args=["add-member", "Kulturreferat", "y@example.org", "--role", "boss"]).exit_code != 0


def test_seed_demo_gives_the_kiel_organizer_a_made_up_owner_once(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert DEMO_OWNER_EMAIL.endswith("@example.org")
    with app.app_context():
        owners = [(m.email, m.role, m.organizer.name) for m in db.session.query(Member)]
        db.session.remove()
    assert owners == [(DEMO_OWNER_EMAIL, "owner", DEMO_ORGANIZER)]
