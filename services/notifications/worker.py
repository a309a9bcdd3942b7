"""Celery worker of the notifications service:
`celery -A services.notifications.worker worker -Q notifications`
(beat: `celery -A services.notifications.worker beat`; sweeper, reminders, digests).

The Flask app is deliberately not called `app`: `celery -A module` takes a module attribute
named `app` before one named `celery`, and would pick the Flask object."""
from services.notifications import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
