"""Alembic environment of this service; the shared runner knows the Flask-Migrate setup."""
from shared.alembic_env import run

run()
