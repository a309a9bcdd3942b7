"""Never overbook: hundreds of simultaneous sign-ups over real HTTP for a few seats."""
import threading

import pytest
import requests
import werkzeug.serving

from services.registrations.models import Registration, db
from tests.factories import pools
from tests.registrations.conftest import make_event
from tests.servers import serve_app


def fire(url: str, count: int, prefix: str) -> list[int]:
    barrier = threading.Barrier(count)
    statuses: list = [None] * count

    def one(i):
        session = requests.Session()
        barrier.wait()
        try:
            response = session.post(url, json={"name": f"Person {i}", "email": f"{prefix}{i}@example.org",
                                               "consent": True}, timeout=180)
            statuses[i] = response.status_code
        except requests.RequestException as exc:
            statuses[i] = repr(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(240)
    return statuses


class Bounded:
    """At most `limit` requests inside the app at once, as behind gunicorn (workers x threads);
    the rest queue in the server, while all clients send at the same moment. Each request may
    hold two database connections (its own and the outbox publish after commit), so the pool
    of the test app (60) is sized for this."""

    def __init__(self, app, limit=16):
        self.app = app
        self.gate = threading.BoundedSemaphore(limit)

    def __call__(self, environ, start_response):
        with self.gate:
            return [b"".join(self.app(environ, start_response))]


def held(app, event_id):
    with app.app_context():
        regs = db.session.query(Registration).filter_by(event_id=event_id).all()
        result = (sum(r.seats for r in regs if r.held_pool_ids), sum(1 for r in regs if not r.held_pool_ids),
                  len(regs))
        db.session.remove()
    return result


@pytest.fixture(autouse=True)
def deep_listen_queue(monkeypatch):
    # all clients connect at the same instant: let the kernel queue them instead of resetting
    monkeypatch.setattr(werkzeug.serving.BaseWSGIServer, "request_queue_size", 1024)


@pytest.mark.slow
def test_500_concurrent_sign_ups_for_50_seats(app, events_live, token, databases):
    count, seats = (500, 50) if databases.backend == "postgresql" else (150, 15)
    event = make_event(events_live, app, token, registration={"capacity": seats, "max_companions": 0})
    with serve_app(Bounded(app)) as server:
        statuses = fire(f"{server.url}/api/v1/events/{event['id']}/registrations", count, "p")
    assert all(isinstance(s, int) and s < 500 for s in statuses), sorted(set(map(str, statuses)))
    assert statuses.count(202) == count  # the waiting list takes everyone beyond the seats
    assert pools(app, event["id"]) == [(0, seats, seats)]
    assert held(app, event["id"]) == (seats, count - seats, count)


@pytest.mark.slow
def test_concurrent_sign_ups_without_waiting_list_are_refused(app, events_live, token, databases):
    count, seats = (200, 20) if databases.backend == "postgresql" else (80, 8)
    event = make_event(events_live, app, token, registration={"capacity": seats, "waitlist": False,
                                                              "max_companions": 0})
    with serve_app(Bounded(app)) as server:
        statuses = fire(f"{server.url}/api/v1/events/{event['id']}/registrations", count, "q")
    assert all(isinstance(s, int) and s < 500 for s in statuses), sorted(set(map(str, statuses)))
    assert statuses.count(202) == seats and statuses.count(409) == count - seats
    assert pools(app, event["id"]) == [(0, seats, seats)]
    assert held(app, event["id"]) == (seats, 0, seats)


def _post_all(url_and_bodies) -> list:
    barrier = threading.Barrier(len(url_and_bodies))
    statuses: list = [None] * len(url_and_bodies)

    def one(i, url, body):
        barrier.wait()
        try:
            statuses[i] = requests.post(url, json=body, timeout=180).status_code
        except requests.RequestException as exc:
            statuses[i] = repr(exc)

    threads = [threading.Thread(target=one, args=(i, u, b)) for i, (u, b) in enumerate(url_and_bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(240)
    return statuses


@pytest.mark.slow
def test_concurrent_cancellations_promote_the_waiting_list_in_order(client, app, events_live, token):
    from tests.factories import cancel_token, registration
    from tests.registrations.conftest import sign_up_and_confirm
    seats = 15
    event = make_event(events_live, app, token, registration={"capacity": seats, "max_companions": 0})
    seated = [sign_up_and_confirm(client, app, event["id"], f"s{i}@example.org") for i in range(seats)]
    waiting = [sign_up_and_confirm(client, app, event["id"], f"w{i:02d}@example.org") for i in range(25)]
    assert {r["status"] for r in seated} == {"confirmed"} and {r["status"] for r in waiting} == {"waitlisted"}
    with serve_app(Bounded(app)) as server:
        cancels = [(f"{server.url}/api/v1/registrations/cancel", {"token": cancel_token(app, f"s{i}@example.org")})
                   for i in range(seats)]
        newcomers = [(f"{server.url}/api/v1/events/{event['id']}/registrations",
                      {"name": "N", "email": f"n{i}@example.org", "consent": True}) for i in range(10)]
        # every cancel link clicked twice at once, and newcomers arriving meanwhile
        statuses = _post_all(cancels + cancels + newcomers)
    assert all(isinstance(s, int) and s < 500 for s in statuses), sorted(set(map(str, statuses)))
    assert statuses[:2 * seats] == [200] * (2 * seats)
    assert pools(app, event["id"]) == [(0, seats, seats)]
    after = [registration(app, r["id"]).status for r in waiting]
    # the first fifteen in the queue got the seats; newcomers did not jump the queue
    assert after == ["confirmed"] * seats + ["waitlisted"] * (25 - seats)
    assert held(app, event["id"])[0] == seats


@pytest.mark.slow
def test_concurrent_multi_session_sign_ups(app, events_live, token):
    from tests.registrations.conftest import kiel_sessions
    sessions = kiel_sessions()
    for s in sessions:
        if s["capacity"]:
            s["capacity"] = 10
    event = make_event(events_live, app, token, sessions=sessions, ends_at="2030-09-14T16:00:00",
                       registration={"capacity": None, "max_companions": 1})
    mornings = [s["id"] for s in event["sessions"] if s["registration"] != "none"]
    with serve_app(Bounded(app)) as server:
        url = f"{server.url}/api/v1/events/{event['id']}/registrations"
        bodies = []
        for i in range(120):
            chosen = [mornings[0], mornings[1]] if i % 3 == 0 else [mornings[i % 2]]
            bodies.append((url, {"name": "P", "email": f"m{i}@example.org", "consent": True,
                                 "session_ids": list(reversed(chosen)) if i % 2 else chosen,
                                 "companions": i % 2}))
        statuses = _post_all(bodies)
    assert all(isinstance(s, int) and s < 500 for s in statuses), sorted(set(map(str, statuses)))
    taken = {session_id: taken for session_id, capacity, taken in pools(app, event["id"])}
    assert all(taken[m] <= 10 for m in mornings) and sum(taken.values()) > 0
    from services.registrations.models import Registration, SeatPool, db
    with app.app_context():
        pool_of = {p.id: p.session_id for p in db.session.query(SeatPool).filter_by(event_id=event["id"])}
        counted = {m: 0 for m in mornings}
        for reg in db.session.query(Registration).filter_by(event_id=event["id"]):
            for pool_id in reg.held_pool_ids:
                counted[pool_of[pool_id]] += reg.seats
        db.session.remove()
    assert counted == taken  # every seat taken belongs to exactly one registration
