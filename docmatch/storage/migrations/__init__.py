"""Alembic migrations of docmatch's database, run from code.

`upgrade(engine)` brings a database to the newest revision (what `Store.migrate()` and
`docmatch db upgrade` call); `new_revision(message)` writes a revision for the model
changes since the newest one (`docmatch db revision MESSAGE`). The environment covers
every table on `docmatch.storage.db.Base.metadata`, the intake ledger's included.
"""

from __future__ import annotations

import importlib
import importlib.util
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

HERE = Path(__file__).resolve().parent
# Modules that define tables on Base besides docmatch.storage.tables.
TABLE_MODULES = ("docmatch.storage.tables", "docmatch.ingest.ledger")
# Any constant works; it keeps two processes that start at once from migrating together.
_MIGRATION_LOCK = 7_314_221


def import_all_tables() -> None:
    """Import every module that puts tables on `Base.metadata`, so none is left out."""
    for module in TABLE_MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(HERE / "versions"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind `engine` to `revision`, one process at a time."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("select pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        command.upgrade(alembic_config(connection), revision)


def new_revision(message: str) -> list[str]:
    """Write a revision with the model changes since head, compared on a scratch SQLite database.

    Returns the paths of the files written; review them before committing.
    """
    from docmatch.storage.db import make_engine

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{scratch}/scratch.sqlite3")
        upgrade(engine)
        with engine.begin() as connection:
            scripts = command.revision(alembic_config(connection), message=message, autogenerate=True)
        engine.dispose()
    scripts = scripts if isinstance(scripts, list) else [scripts]
    return [script.path for script in scripts if script is not None]
