"""The rules of signing up, one module per job, in the order a registration meets them:

policy.py     what the event's registration policy allows (open, deadline, sessions, companions, answers)
signup.py     a sign-up: a seat or the waiting list, the row and its first mails, Idempotency-Key answers
seats.py      seat pools: sync with the event, reserve, release, availability, promotion from the waiting list
status.py     the guarded status change every later step goes through
lifecycle.py  after the sign-up: confirm, cancel, expire, approve, reject, check-in
messages.py   what a registration tells notifications (mails to registrants and contact persons)
privacy.py    erasing a person, retention after an event
snapshots.py  a new state of an event from the events service, and what it changes for registrants
errors.py     RegistrationError, the one error these modules raise; the web layer (api.py, pages.py)
              turns it into an answer, so Celery tasks run this code without any web code
retry.py      a unit of work run again when the database picked it as a deadlock victim

Every state change writes its messages to the outbox in the same transaction as the change.

Lock order, to stay free of deadlocks on PostgreSQL: a registration row first, then seat
pools. Promotion from the waiting list, which starts from a pool, only takes registrations
nobody else holds (SKIP LOCKED). Every seat change is a guarded UPDATE whose row count says
whether it happened, so SQLite (which ignores FOR UPDATE) stays just as correct.
"""
