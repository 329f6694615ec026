"""Alembic environment: one database URL from the settings, every table module loaded."""

from __future__ import annotations

from alembic import context

from lapor_aman.config import get_settings
from lapor_aman.storage.db import make_engine, normalise_url
from lapor_aman.storage.migrate import load_models

config = context.config
target_metadata = load_models()


def database_url() -> str:
    """The URL given by ``upgrade_to_head`` if any, else the settings' (``DATABASE_URL``)."""
    given = config.attributes.get("database_url")
    return normalise_url(given) if given else normalise_url(get_settings().database_url)


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = database_url()
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
