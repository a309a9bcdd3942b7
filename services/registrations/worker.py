"""Celery worker of the registrations service:
`celery -A services.registrations.worker worker -Q registrations`
(beat: `celery -A services.registrations.worker beat`).

The Flask app is not called `app` here: `celery -A module` takes a module attribute named
`app` before one named `celery`, and would pick up the Flask app."""
from services.registrations import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
