"""A fresh PostgreSQL schema for a group of tests, on the server scripts/services.sh starts."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/docmatch_test"


def test_database_url() -> str:
    return os.environ.get("DOCMATCH_TEST_DATABASE_URL", DEFAULT_URL)


@contextlib.contextmanager
def fresh_schema(prefix: str = "t") -> Iterator[str]:
    """Create a schema, yield a URL whose connections use it, drop it afterwards."""
    base = test_database_url()
    name = f"dm_{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'create schema "{name}"'))
    except Exception as exc:  # the server is down: say how to start it
        admin.dispose()
        pytest.fail(f"PostgreSQL at {base} is not usable ({exc.__class__.__name__}); run scripts/services.sh")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={name}')}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'drop schema "{name}" cascade'))
        admin.dispose()
