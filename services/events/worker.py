"""Celery worker of the events service:
`celery -A services.events.worker worker -Q events` (beat: `celery -A services.events.worker beat`).

Celery's -A looks for an attribute named `app` before `celery`, so the Flask app must not be called `app` here."""
from services.events import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
