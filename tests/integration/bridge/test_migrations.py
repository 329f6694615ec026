"""Alembic: an empty SQLite or PostgreSQL database upgraded to head matches the models exactly."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from lapor_aman.storage.db import make_engine
from lapor_aman.storage.migrate import alembic_config, load_models, upgrade_to_head

from .conftest import create_postgres_database, drop_postgres_database, postgres_url

EXPECTED_TABLES = {
    "tickets",
    "ticket_status_changes",
    "staff",
    "audit_log",
    "emergency_alerts",
    "anonymous_counts",
    "inbox_messages",
    "alembic_version",
}


def schema_diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, load_models()))
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sqlite_upgrade_matches_the_models_and_downgrades_cleanly(tmp_sqlite_url: str) -> None:
    upgrade_to_head(tmp_sqlite_url)
    assert table_names(tmp_sqlite_url) == EXPECTED_TABLES
    assert schema_diff(tmp_sqlite_url) == []
    upgrade_to_head(tmp_sqlite_url)  # idempotent: a second start changes nothing
    command.downgrade(alembic_config(tmp_sqlite_url), "base")
    assert table_names(tmp_sqlite_url) == {"alembic_version"}


@pytest.fixture
def fresh_postgres_url() -> object:
    name = create_postgres_database("lapor_migration_test")
    try:
        yield postgres_url(name)
    finally:
        drop_postgres_database(name)


def test_postgresql_upgrade_matches_the_models(fresh_postgres_url: str) -> None:
    upgrade_to_head(fresh_postgres_url)
    assert table_names(fresh_postgres_url) == EXPECTED_TABLES
    assert schema_diff(fresh_postgres_url) == []
