"""The Alembic environment every service's migrations/env.py runs (Flask-Migrate, one
database per service): `from shared.alembic_env import run; run()`."""
from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")


def run() -> None:
    config = context.config
    # Configure logging from alembic.ini only when nothing configured it before (the bare
    # `flask db` command). Inside a running app or a test process, fileConfig would replace
    # the JSON request-id handlers, lower the level to WARN and disable existing loggers.
    if config.config_file_name is not None and not logging.getLogger().handlers:
        fileConfig(config.config_file_name, disable_existing_loggers=False)

    migrate = current_app.extensions["migrate"]
    engine = migrate.db.engine
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    metadata = migrate.db.metadata

    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def skip_empty_autogenerate(ctx, revision, directives):
        # `flask db migrate` with no schema change writes no empty revision file
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    configure_args = dict(migrate.configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()
