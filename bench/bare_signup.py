"""A yardstick, not a service: the least a sign-up could cost on this machine.

A Flask app (the framework of the floor) with the same sign-up route, doing the same durable
work as the registrations service with nothing around it: one psycopg connection per process,
hand-written SQL (read the replica, the guarded seat UPDATE, INSERT the registration, INSERT
the two outbox rows, COMMIT with fsync as configured), one LPUSH of the message to Redis.
No validation, policy, tokens, ORM, contract, Celery or metrics. bench/run.py serves it with
deploy/gunicorn.conf.py on the benchmark's registrations database and measures it like the
real one: its ratio to the floor bounds what any sign-up built this way could reach here.

    gunicorn -c deploy/gunicorn.conf.py "bench.bare_signup:create_app()"   (BARE_DATABASE_URL, BARE_REDIS_URL)
"""
from __future__ import annotations

import json
import os
import uuid

import psycopg
import redis
from flask import Flask, request
from psycopg.types.json import Json

RESERVE = """UPDATE seat_pools SET taken = taken + %(seats)s
 WHERE event_id = %(event_id)s AND session_id = 0 AND (capacity IS NULL OR taken + %(seats)s <= capacity)
   AND NOT EXISTS (SELECT 1 FROM registrations WHERE event_id = %(event_id)s AND status = 'waitlisted')
 RETURNING id, session_id, capacity, taken"""
INSERT_REGISTRATION = """INSERT INTO registrations (id, event_id, status, name, email, active_email, locale,
 companions, session_ids, answers, held_pool_ids, created_at, updated_at, expires_at)
 VALUES (%(id)s, %(event_id)s, 'pending_confirmation', %(name)s, %(email)s, %(email)s, NULL, 0, '[]', '{}',
 %(held)s, now(), now(), now() + interval '48 hours')"""
# written as acknowledged, so the benchmark stack's relay leaves these yardstick rows alone
INSERT_OUTBOX = """INSERT INTO outbox_messages (id, task_name, payload, created_at, published_at, acked_at,
 attempts, next_attempt_at) VALUES (%s, %s, %s, now(), now(), now(), 1, now() + interval '60 seconds'),
 (%s, %s, %s, now(), now(), now(), 1, now() + interval '60 seconds')"""


def create_app() -> Flask:
    app = Flask(__name__)
    database_url = os.environ["BARE_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    broker = redis.Redis.from_url(os.environ["BARE_REDIS_URL"])
    state: dict = {}

    def connection() -> psycopg.Connection:
        # made in the gunicorn worker, not before the fork
        if "conn" not in state:
            state["conn"] = psycopg.connect(database_url)
        return state["conn"]

    @app.post("/api/v1/events/<int:event_id>/registrations")
    def sign_up(event_id: int):
        body = request.get_json()
        conn = connection()
        with conn.transaction():
            row = conn.execute("SELECT data FROM events WHERE id = %s", (event_id,)).fetchone()
            if row is None:
                return {"message": "No such event."}, 404
            event = row[0] if isinstance(row[0], dict) else json.loads(row[0])
            held = conn.execute(RESERVE, {"seats": 1, "event_id": event_id}).fetchone()
            reg_id = uuid.uuid4().hex
            email = body["email"].strip().lower()
            conn.execute(INSERT_REGISTRATION, {"id": reg_id, "event_id": event_id, "name": body["name"],
                                               "email": email, "held": Json([held[0]] if held else [])})
            registrant = {"name": body["name"], "email": email}
            messages = [{"message_id": uuid.uuid4().hex, "kind": kind, "registrant": registrant, "event": event}
                        for kind in ("confirm_email", "new_registration")]
            conn.execute(INSERT_OUTBOX, [value for m in messages
                                         for value in (m["message_id"], "notifications.mail", Json(m))])
        broker.lpush("bare-signups", json.dumps(messages))
        return {"id": reg_id, "event_id": event_id, "status": "pending_confirmation", "waitlist": held is None}, 202

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
