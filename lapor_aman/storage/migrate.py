"""Bring a database to the newest schema with Alembic (run at start-up and by ``make migrate``).

``alembic.ini`` at the repository root points at the same scripts for the command line
(``alembic upgrade head``, ``alembic revision --autogenerate``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from lapor_aman.storage.db import Base, normalise_url

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent.parent / "migrations"
# Every module that defines tables; Alembic compares the database against all of them.
MODEL_MODULES: Final = (
    "lapor_aman.storage.staff",
    "lapor_aman.storage.tickets",
    "lapor_aman.storage.audit",
    "lapor_aman.storage.alerts",
    "lapor_aman.storage.anonymous_counts",
    "lapor_aman.storage.inbox",
)


def load_models() -> MetaData:
    """Import every table module and return the metadata that holds them all."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return Base.metadata


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % specially; a password may contain one.
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    config.attributes["database_url"] = normalise_url(database_url)
    return config


def upgrade_to_head(database_url: str) -> None:
    """Apply every migration not yet applied (idempotent)."""
    command.upgrade(alembic_config(database_url), "head")
