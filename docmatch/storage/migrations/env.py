"""Alembic environment: runs on the connection `docmatch.storage.migrations` hands it."""

from __future__ import annotations

from alembic import context

from docmatch.storage.db import Base
from docmatch.storage.migrations import import_all_tables

import_all_tables()

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run docmatch's migrations through docmatch.storage.migrations.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
