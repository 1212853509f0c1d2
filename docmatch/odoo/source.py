"""The contract every source of Odoo records fulfils: a snapshot folder or a live server."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

Domain = list[Any]
Row = dict[str, Any]


@runtime_checkable
class OdooSource(Protocol):
    """Reads Odoo records in `search_read` shape.

    Implementations MUST return rows exactly as Odoo's `search_read` does for
    `server_version`: many2one as `[id, "display name"]`, x2many as id lists and empty
    values as `False`. They MUST treat a model that is not installed as having no
    records, and a requested field the version lacks as absent from the row.
    """

    server_version: str

    def search_read(self, model: str, domain: Domain | None = None, fields: list[str] | None = None) -> list[Row]:
        """Return the rows of `model` that satisfy `domain` (all rows when None)."""
        ...

    def has_model(self, model: str) -> bool:
        """Return whether `model` exists in this database."""
        ...

    def field_names(self, model: str) -> set[str]:
        """Return the field names `model` has in this database (from `fields_get`)."""
        ...
