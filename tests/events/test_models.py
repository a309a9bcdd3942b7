"""Model rules: UTC-aware times on every backend, database constraints, cascades, token hashes."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, StatementError

from services.events import domain
from services.events.models import AgendaItem, ApiToken, Contact, Event, EventSession, Organizer, Series, db
from services.events.schemas import EventCreateSchema
from services.events.demo_dates import weeks_to_move
from tests.factories import event_body

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture()
def ctx(app):
    with app.app_context():
        yield db.session
        db.session.rollback()
        db.session.remove()


@pytest.fixture()
def organizer(ctx):
    org = Organizer(name="Netzwerk Kulturverwaltungen")
    ctx.add(org)
    ctx.commit()
    return org


def new_event(organizer, **kw):
    start = kw.pop("starts_at", datetime(2030, 5, 17, 8, 0, tzinfo=UTC))
    return Event(organizer_id=organizer.id, title=kw.pop("title", "Treffen"), starts_at=start,
                 ends_at=kw.pop("ends_at", start + timedelta(hours=2)), **kw)


def test_defaults_of_a_new_event(ctx, organizer):
    event = new_event(organizer)
    ctx.add(event)
    ctx.commit()
    assert (event.status, event.language, event.timezone, event.format) == ("draft", "de", "Europe/Berlin", "in_person")
    assert (event.registration_mode, event.registration_waitlist, event.registration_approval) == \
        ("required", True, False)
    assert (event.price_amount_cents, event.price_currency, event.revision) == (0, "EUR", 1)
    assert event.tags == [] and event.registration_questions == []
    assert event.created_at.tzinfo is not None


def test_times_come_back_timezone_aware_in_utc(ctx, organizer):
    start = datetime(2030, 9, 13, 10, 0, tzinfo=BERLIN)
    event = new_event(organizer, starts_at=start, ends_at=start + timedelta(hours=6))
    ctx.add(event)
    ctx.commit()
    event_id = event.id
    ctx.expunge_all()
    loaded = ctx.get(Event, event_id)
    assert loaded.starts_at == start
    assert loaded.starts_at.utcoffset() == timedelta(0)
    assert loaded.starts_at.hour == 8  # 10:00 CEST
    # comparisons with aware datetimes work in queries on every backend
    found = ctx.execute(select(Event.id).where(Event.starts_at >= datetime(2030, 9, 13, 7, 59, tzinfo=UTC),
                                               Event.starts_at < datetime(2030, 9, 13, 8, 1, tzinfo=UTC))).all()
    assert [row.id for row in found] == [event_id]


def test_naive_datetimes_are_refused(ctx, organizer):
    ctx.add(new_event(organizer, starts_at=datetime(2030, 1, 1, 10), ends_at=datetime(2030, 1, 1, 12)))
    with pytest.raises(StatementError, match="naive datetime"):
        ctx.flush()


@pytest.mark.parametrize("change", [
    {"ends_at": datetime(2030, 5, 17, 7, 0, tzinfo=UTC)},
    {"registration_capacity": -1},
    {"price_amount_cents": -100},
])
def test_event_check_constraints(ctx, organizer, change):
    ctx.add(new_event(organizer, **change))
    with pytest.raises(IntegrityError):
        ctx.commit()


@pytest.mark.parametrize("change", [
    {"ends_at": datetime(2030, 5, 17, 8, 30, tzinfo=UTC), "starts_at": datetime(2030, 5, 17, 9, 0, tzinfo=UTC)},
    {"capacity": -2},
])
def test_session_check_constraints(ctx, organizer, change):
    event = new_event(organizer)
    values = {"starts_at": datetime(2030, 5, 17, 8, 0, tzinfo=UTC), "ends_at": datetime(2030, 5, 17, 9, 0, tzinfo=UTC)}
    values.update(change)
    event.sessions = [EventSession(title="Teil 1", **values)]
    ctx.add(event)
    with pytest.raises(IntegrityError):
        ctx.commit()


def test_event_needs_an_existing_organizer(ctx):
    ctx.add(Event(organizer_id=999, title="Waise", starts_at=datetime(2030, 1, 1, tzinfo=UTC),
                  ends_at=datetime(2030, 1, 1, 1, tzinfo=UTC)))
    with pytest.raises(IntegrityError):
        ctx.commit()


def test_deleting_an_event_deletes_its_parts_in_the_database(ctx, organizer):
    event = new_event(organizer)
    event.sessions = [EventSession(title="Teil", starts_at=event.starts_at, ends_at=event.ends_at)]
    event.contacts = [Contact(name="Anne Melzig", phone="0251 591 5081")]
    event.agenda = [AgendaItem(starts_at=event.starts_at, title="Begrüßung", speakers=["A"])]
    ctx.add(event)
    ctx.commit()
    ctx.execute(delete(Event).where(Event.id == event.id))  # a bulk delete: only ON DELETE CASCADE helps
    ctx.commit()
    for model in (EventSession, Contact, AgendaItem):
        assert ctx.execute(select(model)).all() == []


def test_token_hashes_are_unique(ctx, organizer):
    ctx.add_all([ApiToken(organizer_id=organizer.id, token_hash="a" * 64),
                 ApiToken(organizer_id=organizer.id, token_hash="a" * 64)])
    with pytest.raises(IntegrityError):
        ctx.commit()


def test_series_orders_its_events_by_start(ctx, organizer):
    series = Series(organizer_id=organizer.id, title="Austausch", planned_parts=4)
    ctx.add(series)
    ctx.flush()
    later = new_event(organizer, title="Später", series_id=series.id, series_position=2,
                      starts_at=datetime(2030, 11, 20, 9, tzinfo=UTC))
    earlier = new_event(organizer, title="Früher", series_id=series.id, series_position=1)
    ctx.add_all([later, earlier])
    ctx.commit()
    ctx.expire_all()
    assert [e.title for e in ctx.get(Series, series.id).events] == ["Früher", "Später"]


def test_apply_and_represent_round_trip(ctx, organizer):
    data = EventCreateSchema().load(event_body())
    event = Event(organizer_id=organizer.id)
    domain.apply(event, data)
    ctx.add(event)
    ctx.commit()
    out = domain.represent_json(event)
    assert out["starts_at"] == "2030-09-13T10:00:00+02:00"
    assert out["sessions"][0]["starts_at"] == "2030-09-13T10:00:00+02:00"
    assert out["registration"]["closes_at"] == "2030-09-10T09:00:00+02:00"
    # what input_of gives back loads again unchanged (the basis of PATCH)
    again = EventCreateSchema().load(domain.input_of(event))
    session_id = event.sessions[0].id
    domain.apply(event, again)
    ctx.commit()
    assert [s.id for s in event.sessions] == [session_id]
    assert domain.represent_json(event)["starts_at"] == out["starts_at"]


def test_time_and_place_keys(ctx, organizer):
    event = Event(organizer_id=organizer.id)
    domain.apply(event, EventCreateSchema().load(event_body()))
    ctx.add(event)
    ctx.flush()
    time_key, place_key = domain.time_key(event), domain.place_key(event)
    event.venue_city = "Kiel-Gaarden"
    assert domain.place_key(event) != place_key and domain.time_key(event) == time_key
    event.sessions[0].ends_at = event.sessions[0].ends_at + timedelta(minutes=30)
    assert domain.time_key(event) != time_key


@pytest.mark.parametrize("first, today, weeks", [
    ("2021-09-13T10:00:00", date(2021, 8, 30), 0),   # already two weeks ahead: stays
    ("2021-09-13T10:00:00", date(2021, 8, 31), 1),
    ("2021-09-13T10:00:00", date(2021, 9, 20), 3),   # exactly 14 days ahead after 3 weeks
    ("2021-09-13T10:00:00", date(2021, 9, 21), 4),
    ("2030-01-01T10:00:00", date(2021, 1, 1), 0),    # never moved backwards
])
def test_weeks_to_move(first, today, weeks):
    assert weeks_to_move(first, today) == weeks

