"""Configuration from the environment with safe embedded defaults; production refuses weak settings."""
import pytest

from shared import config as config_module
from shared.config import DEV_SECRET_KEY, ConfigError, base_config, finalize, service_url

STRONG = "x" * 40


def prod(**overrides):
    settings = {"SERVICE_NAME": "events", "CIVIC_ENV": "production", "SECRET_KEY": STRONG,
                "SQLALCHEMY_DATABASE_URI": "postgresql://civic@db/events"}
    settings.update(overrides)
    return settings


def test_embedded_defaults(monkeypatch, tmp_path):
    for name in ("CIVIC_ENV", "SECRET_KEY", "EVENTS_DATABASE_URL", "REDIS_URL", "EVENTS_URL", "REGISTRATIONS_URL",
                 "OUTBOX_ACK_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config_module, "VAR_DIR", tmp_path / "var")
    settings = base_config("events")
    assert settings["CIVIC_ENV"] == "development"
    assert settings["SECRET_KEY"] == DEV_SECRET_KEY
    assert settings["REDIS_URL"] == "redis://localhost:6379/0"
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'var' / 'events.sqlite3'}"
    assert (tmp_path / "var").is_dir()
    assert settings["EVENTS_URL"] == "http://127.0.0.1:5001"
    assert settings["REGISTRATIONS_URL"] == "http://127.0.0.1:5002"
    assert settings["NOTIFICATIONS_URL"] == "http://127.0.0.1:5003"
    assert settings["OUTBOX_ACK_TIMEOUT_SECONDS"] == 60
    # development accepts the default secret
    assert finalize(settings)["SECRET_KEY"] == DEV_SECRET_KEY


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("REGISTRATIONS_DATABASE_URL", "postgresql://civic@db/registrations")
    monkeypatch.setenv("REDIS_URL", "redis://broker:6379/2")
    monkeypatch.setenv("EVENTS_URL", "https://events.example.org/")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("OUTBOX_ACK_TIMEOUT_SECONDS", "15")
    settings = base_config("registrations")
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql://civic@db/registrations"
    assert settings["REDIS_URL"] == "redis://broker:6379/2"
    assert settings["EVENTS_URL"] == "https://events.example.org"  # no trailing slash
    assert settings["SECRET_KEY"] == STRONG
    assert settings["OUTBOX_ACK_TIMEOUT_SECONDS"] == 15.0
    assert service_url("events") == "https://events.example.org"


def test_production_refuses_the_default_secret():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        finalize(prod(SECRET_KEY=DEV_SECRET_KEY))


@pytest.mark.parametrize("secret", ["", None, "short-secret", "y" * 31])
def test_production_refuses_missing_or_short_secrets(secret):
    with pytest.raises(ConfigError):
        finalize(prod(SECRET_KEY=secret))


def test_production_refuses_sqlite():
    with pytest.raises(ConfigError, match="EVENTS_DATABASE_URL"):
        finalize(prod(SQLALCHEMY_DATABASE_URI="sqlite:///var/events.sqlite3"))


def test_production_with_a_strong_secret_and_postgres_is_accepted():
    settings = finalize(prod())
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://civic@db/events"


def test_sqlite_gets_a_lock_timeout():
    settings = finalize({"SERVICE_NAME": "events", "SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite3",
                         "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}})
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True, "connect_args": {"timeout": 30}}


def test_create_app_in_production_refuses_the_default_secret(monkeypatch, tmp_path):
    from services.events import create_app
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"CIVIC_ENV": "production", "SQLALCHEMY_DATABASE_URI": "postgresql://civic@db/events",
                    "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat")})
    monkeypatch.setenv("CIVIC_ENV", "production")
    with pytest.raises(ConfigError):
        create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://civic@db/events",
                    "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat")})


def test_create_app_in_production_with_a_strong_secret(monkeypatch, tmp_path):
    from services.events import create_app
    monkeypatch.setenv("CIVIC_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://civic@db/events",
                      "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat")})
    assert app.config["CIVIC_ENV"] == "production"
    assert app.config["SECRET_KEY"] == STRONG
