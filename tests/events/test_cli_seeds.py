"""CLI: create-organizer (token once, hash stored) and seed-demo (the five seed announcements)."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from services.events.demo_dates import days_of, easter_sunday, is_public_holiday, public_holidays
from services.events.models import ApiToken, Event, Organizer, Series, db
from shared.auth import hash_token
from tests.factories import auth, outbox_rows

BERLIN = ZoneInfo("Europe/Berlin")


# ---- create-organizer -----------------------------------------------------------------------
def test_create_organizer_prints_the_token_alone_on_its_last_line(app, client, runner):
    result = runner.invoke(args=["create-organizer", "Stadt Leipzig – Amt für Stadterneuerung"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("ce_") and " " not in token and len(token) > 30
    me = client.get("/api/v1/organizers/me", headers=auth(token))
    assert me.status_code == 200
    assert me.json["name"] == "Stadt Leipzig – Amt für Stadterneuerung"
    with app.app_context():
        rows = db.session.execute(select(ApiToken)).scalars().all()
        assert [r.token_hash for r in rows] == [hash_token(token)]
        assert all(token not in (r.token_hash or "") and token != r.label for r in rows)
        db.session.remove()


def test_create_organizer_again_gives_a_second_token_for_the_same_organizer(app, runner):
    first = runner.invoke(args=["create-organizer", "ILS"]).output.strip().splitlines()[-1]
    second = runner.invoke(args=["create-organizer", "ILS", "--label", "ci"]).output.strip().splitlines()[-1]
    assert first != second
    with app.app_context():
        assert db.session.query(Organizer).filter_by(name="ILS").count() == 1
        labels = sorted((r.label or "") for r in db.session.query(ApiToken).all())
        assert labels == ["", "ci"]
        db.session.remove()


def test_create_organizer_refuses_an_empty_name(runner):
    result = runner.invoke(args=["create-organizer", "   "])
    assert result.exit_code != 0


# ---- seed-demo --as-published ----------------------------------------------------------------
def seeded(client):
    response = client.get("/api/v1/events", query_string={"from": "2000-01-01", "page_size": 100})
    assert response.status_code == 200
    return {e["title"]: e for e in response.json}


def by_prefix(events, prefix):
    [event] = [e for title, e in events.items() if title.startswith(prefix)]
    return event


@pytest.fixture()
def as_published(runner, client):
    result = runner.invoke(args=["seed-demo", "--as-published"])
    assert result.exit_code == 0, result.output
    return seeded(client)


def test_seed_as_published_loads_eight_published_events(app, as_published):
    assert len(as_published) == 8  # Kiel, Dortmund, FES, four meetings, Leipzig
    assert {e["status"] for e in as_published.values()} == {"published"}
    assert len(outbox_rows(app)) == 8  # one snapshot each, for registrations


def test_seed_kiel_week(as_published):
    kiel = by_prefix(as_published, "Tiny Rathaus")
    assert kiel["starts_at"] == "2021-09-13T10:00:00+02:00"
    assert kiel["ends_at"] == "2021-09-17T16:00:00+02:00"
    assert kiel["registration"]["mode"] == "required"
    assert kiel["registration"]["closes_at"] == "2021-09-10T09:00:00+02:00"
    assert kiel["venue"]["street"] == "Langer Rehm 29" and kiel["venue"]["postal_code"] == "24149"
    assert kiel["contacts"][0] == {"name": "Anne Czichowski", "role": "LH Kiel, Referat Kreative Stadt",
                                   "email": "anne.czichowski@kiel.de", "phone": "0431/901-3086"}
    mornings = [s for s in kiel["sessions"] if s["registration"] == "required"]
    afternoons = [s for s in kiel["sessions"] if s["registration"] == "none"]
    assert [(s["starts_at"], s["ends_at"]) for s in mornings] == [
        (f"2021-09-{d}T10:00:00+02:00", f"2021-09-{d}T12:30:00+02:00") for d in range(13, 18)]
    assert [(s["starts_at"], s["ends_at"]) for s in afternoons] == [
        (f"2021-09-{d}T13:00:00+02:00", f"2021-09-{d}T16:00:00+02:00") for d in range(13, 18)]
    assert all(s["capacity"] is None for s in afternoons)
    assert len(kiel["sessions"]) == 10


def test_seed_dortmund_workshop_with_agenda_in_its_series(client, as_published):
    dortmund = by_prefix(as_published, "2. Werkstatt")
    assert dortmund["starts_at"] == "2018-02-22T11:00:00+01:00"
    assert dortmund["venue"]["city"] == "Dortmund"
    assert dortmund["series"]["position"] == 2
    assert dortmund["series"]["planned_parts"] == 4
    agenda = dortmund["agenda"]
    assert [(a["starts_at"][11:16], a["title"]) for a in agenda][:2] == [("11:00", "Begrüßung"), ("11:15", "Einführung")]
    assert agenda[-1]["starts_at"] == "2018-02-22T15:30:00+01:00" and agenda[-1]["title"] == "Fazit und Ausblick"
    assert len(agenda) == 7
    assert "Dr. Arne Elias, Wirtschaftsförderung Dortmund" in agenda[2]["speakers"]
    series = client.get(f"/api/v1/series/{dortmund['series']['id']}").json
    assert series["planned_parts"] == 4
    assert [e["series_position"] for e in series["events"]] == [2]


def test_seed_fes_online_seminar(as_published):
    fes = by_prefix(as_published, "Social Smart City")
    assert fes["format"] == "online" and fes["venue"] is None
    assert fes["price"] == {"amount_cents": 4000, "currency": "EUR", "note": "Teilnahmepauschale"}
    assert fes["starts_at"] == "2021-10-29T18:00:00+02:00"
    assert len(fes["sessions"]) == 3
    assert fes["sessions"][0]["starts_at"] == "2021-10-29T18:00:00+02:00"
    assert fes["organizer"]["name"] == "Friedrich-Ebert-Stiftung"


def test_seed_meeting_series_with_its_dates(client, as_published):
    meeting = by_prefix(as_published, "Personal und Aufgabenverständnis")
    series = client.get(f"/api/v1/series/{meeting['series']['id']}").json
    assert series["planned_parts"] == 4
    assert [(e["starts_at"][:10], e["series_position"]) for e in series["events"]] == [
        ("2024-05-17", 1), ("2024-11-20", 2), ("2025-03-06", 3), ("2025-09-08", 4)]


def test_seed_leipzig_six_modules(as_published):
    leipzig = by_prefix(as_published, "Ko-kreative Projektentwicklung")
    titles = [s["title"] for s in leipzig["sessions"]]
    assert len(titles) == 6
    assert titles[0].startswith("Modul 1: Freiheit im Denken")
    assert titles[-1].startswith("Modul 6: Ergebnisse und wie weiter")
    assert leipzig["starts_at"][:7] == "2024-03"  # "Die Reihe hat im März 2024 begonnen"
    assert leipzig["registration"]["approval"] is True


def test_seed_twice_creates_nothing_new(app, runner, client, as_published):
    again = runner.invoke(args=["seed-demo", "--as-published"])
    assert again.exit_code == 0
    moved = runner.invoke(args=["seed-demo", "--today", "2026-11-23"])
    assert moved.exit_code == 0
    assert seeded(client).keys() == as_published.keys()
    with app.app_context():
        assert db.session.query(Event).count() == 8
        assert db.session.query(Series).count() == 2
        assert db.session.query(Organizer).count() == 5
        db.session.remove()
    assert len(outbox_rows(app)) == 8


# ---- seed-demo (default: moved forward by whole weeks) -----------------------------------------
ORIGINAL_FIRST_STARTS = {
    "Tiny Rathaus": datetime(2021, 9, 13, 10, 0),
    "2. Werkstatt": datetime(2018, 2, 22, 11, 0),
    "Social Smart City": datetime(2021, 10, 29, 18, 0),
    "Personal und Aufgabenverständnis": datetime(2024, 5, 17, 10, 0),
    "Ko-kreative Projektentwicklung": datetime(2024, 3, 7, 9, 0),
}


@pytest.mark.parametrize("today", ["2026-11-23", "2027-03-20"])  # the second crosses into summer time
def test_seed_moves_events_by_whole_weeks(app, runner, client, today):
    result = runner.invoke(args=["seed-demo", "--today", today])
    assert result.exit_code == 0, result.output
    events = seeded(client)
    assert len(events) == 8
    today_date = date.fromisoformat(today)
    for prefix, original in ORIGINAL_FIRST_STARTS.items():
        event = by_prefix(events, prefix)
        start = datetime.fromisoformat(event["starts_at"])
        local = start.astimezone(BERLIN)
        ahead = (local.date() - today_date).days
        # two to three weeks ahead, one more for each week that would have held a public holiday
        assert 14 <= ahead and (ahead <= 20 or any(is_public_holiday(d - timedelta(weeks=1))
                                                   for d in days_of([event]))), (prefix, local)
        assert local.weekday() == original.weekday(), prefix
        assert (local.hour, local.minute) == (original.hour, original.minute), prefix
        assert (local.date() - original.date()).days % 7 == 0
    kiel = by_prefix(events, "Tiny Rathaus")
    kiel_start = datetime.fromisoformat(kiel["starts_at"]).astimezone(BERLIN)
    deadline = datetime.fromisoformat(kiel["registration"]["closes_at"]).astimezone(BERLIN)
    assert (kiel_start.date() - deadline.date()).days == 3 and (deadline.hour, deadline.minute) == (9, 0)
    mornings = [datetime.fromisoformat(s["starts_at"]).astimezone(BERLIN)
                for s in kiel["sessions"] if s["registration"] == "required"]
    assert [m.date() for m in mornings] == [kiel_start.date() + timedelta(days=i) for i in range(5)]
    assert {(m.hour, m.minute) for m in mornings} == {(10, 0)}
    # the meetings keep their spacing
    meeting = by_prefix(events, "Personal und Aufgabenverständnis")
    series = client.get(f"/api/v1/series/{meeting['series']['id']}").json
    starts = [datetime.fromisoformat(e["starts_at"]).astimezone(BERLIN) for e in series["events"]]
    originals = [datetime(2024, 5, 17, 10), datetime(2024, 11, 20, 10), datetime(2025, 3, 6, 10),
                 datetime(2025, 9, 8, 10)]
    assert [(s.date() - starts[0].date()).days for s in starts] == \
        [(o.date() - originals[0].date()).days for o in originals]
    assert {(s.hour, s.minute) for s in starts} == {(10, 0)}
    # moved events are upcoming, so the public list shows them without a `from`
    assert len(client.get("/api/v1/events?page_size=100").json) == 8


def test_seed_default_uses_today(app, runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        first = min(db.session.execute(select(Event.starts_at)).scalars())
        db.session.remove()
    assert 14 <= (first.astimezone(BERLIN).date() - date.today()).days <= 20 + 7 * 3  # holidays move a week on


@pytest.mark.parametrize("today", ["2026-12-03", "2027-03-10", "2027-04-20", "2027-12-01"])
def test_seeded_demo_days_avoid_public_holidays(app, runner, client, today):
    result = runner.invoke(args=["seed-demo", "--today", today])
    assert result.exit_code == 0, result.output
    events = list(seeded(client).values())
    days = days_of(events)
    assert days and not [d for d in days if is_public_holiday(d)]
    kiel = by_prefix(seeded(client), "Tiny Rathaus")
    kiel_days = {datetime.fromisoformat(s["starts_at"]).date() for s in kiel["sessions"]}
    assert not kiel_days & {date(2026, 12, d) for d in (24, 25, 26)}


def test_public_holidays_of_a_year():
    assert public_holidays(2027) >= {date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17),
                                     date(2027, 12, 24), date(2027, 12, 25), date(2027, 12, 26), date(2027, 10, 3)}
    assert easter_sunday(2026) == date(2026, 4, 5) and easter_sunday(2030) == date(2030, 4, 21)


def test_revoke_tokens_stops_every_token_of_that_organizer(app, runner, client, organizer_token, other_token):
    headers = {"Authorization": f"Bearer {organizer_token}"}
    assert client.get("/api/v1/organizers/me", headers=headers).status_code == 200
    result = runner.invoke(args=["revoke-tokens", "Landeshauptstadt Kiel – Referat Kreative Stadt"])
    assert result.exit_code == 0, result.output
    assert "Revoked 1 token(s)" in result.output
    assert client.get("/api/v1/organizers/me", headers=headers).status_code == 401
    # another organizer's token is untouched
    assert client.get("/api/v1/organizers/me",
                      headers={"Authorization": f"Bearer {other_token}"}).status_code == 200
    assert runner.invoke(args=["revoke-tokens", "Nobody"]).exit_code != 0
