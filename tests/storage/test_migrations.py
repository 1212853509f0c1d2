"""The Alembic revisions build exactly the tables on Base.metadata, on PostgreSQL and SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from tests.db_schema import fresh_schema
from sqlalchemy import inspect

from docmatch.storage.db import Base
from docmatch.storage.migrations import current_revision, head_revision, import_all_tables
from docmatch.storage.store import Store


def drift(store: Store) -> list:
    import_all_tables()
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [change for change in compare_metadata(context, Base.metadata)]


@pytest.mark.services
def test_postgresql_upgrade_matches_the_models() -> None:
    with fresh_schema("migrate") as url:
        store = Store(url)
        store.migrate()
        store.migrate()  # a second run changes nothing

        assert current_revision(store.engine) == head_revision()
        assert set(Base.metadata.tables) <= set(inspect(store.engine).get_table_names())
        assert drift(store) == [], "a model changed without a revision: run `docmatch db revision MESSAGE`"
        store.dispose()


def test_sqlite_is_the_default_and_migrates(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'nested' / 'docmatch.sqlite3'}")
    store.migrate()

    assert current_revision(store.engine) == head_revision()
    assert drift(store) == []
    store.dispose()
