"""The Alembic revisions build exactly the tables on Base.metadata, on PostgreSQL and SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from tests.db_schema import fresh_schema
from sqlalchemy import inspect, text

from docmatch.storage.db import Base
from docmatch.storage.migrations import current_revision, head_revision, import_all_tables, upgrade
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


def test_number_keys_are_filled_for_earlier_extractions(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'docmatch.sqlite3'}")
    upgrade(store.engine, "0001")
    with store.engine.begin() as connection:
        connection.execute(text(
            "insert into documents (id, sha256, filename, media_type, size, state, state_changed_at, created_at, updated_at) "
            "values (1, :sha, 'a.pdf', 'application/pdf', 1, 'extracted', '2024-01-01', '2024-01-01', '2024-01-01')"
        ), {"sha": "a" * 64})
        connection.execute(text(
            "insert into extractions (id, document_id, doc_type, method, contract, number, created_at) "
            "values (1, 1, 'invoice', 'text', '{}', 'inv 0017', '2024-01-01')"
        ))

    store.migrate()

    with store.engine.connect() as connection:
        assert connection.execute(text("select number_key from extractions where id = 1")).scalar() == "INV0017"
    store.dispose()
