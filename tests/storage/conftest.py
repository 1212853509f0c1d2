from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.db_schema import fresh_schema

from docmatch.storage.store import Store


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with fresh_schema("storage") as url:
        yield url


@pytest.fixture(scope="session")
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    store.migrate()
    yield store
    store.dispose()
