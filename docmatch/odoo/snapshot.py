"""Odoo records read from a snapshot folder instead of a live server.

A snapshot folder holds one `<model>.json` per model, each a JSON array of records in
the `search_read` shape of the Odoo version named in `version.json`
(`{"server_version": "17.0"}`). A missing model file means no records of that model,
and a field a record lacks reads as `False`, so a snapshot exported from a smaller
database still works. `docmatch odoo export --to DIR` writes this format from a live
database.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from docmatch.errors import SnapshotError
from docmatch.odoo.domain import matches
from docmatch.odoo.source import Domain, Row

log = logging.getLogger(__name__)


class SnapshotSource:
    """An `OdooSource` over a snapshot folder; files are read once, on first use."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise SnapshotError(f"Odoo snapshot folder not found: {self.folder}")
        self.server_version = self._read_version()
        self._rows: dict[str, list[Row]] = {}

    def _read_version(self) -> str:
        version_file = self.folder / "version.json"
        if not version_file.is_file():
            raise SnapshotError(f"{version_file} is missing; it names the Odoo version, e.g. {{\"server_version\": \"17.0\"}}")
        try:
            version = json.loads(version_file.read_text(encoding="utf-8"))["server_version"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SnapshotError(f"{version_file} is not valid: {exc}") from exc
        return str(version)

    def rows(self, model: str) -> list[Row]:
        """Return every row of `model`, loading its file on first use."""
        if model not in self._rows:
            path = self.folder / f"{model}.json"
            if not path.is_file():
                self._rows[model] = []
            else:
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                except ValueError as exc:
                    raise SnapshotError(f"{path} is not valid JSON: {exc}") from exc
                if not isinstance(data, list):
                    raise SnapshotError(f"{path} must hold a JSON array of records")
                self._rows[model] = data
                log.debug("loaded %d %s records from the snapshot", len(data), model)
        return self._rows[model]

    def has_model(self, model: str) -> bool:
        return (self.folder / f"{model}.json").is_file()

    def field_names(self, model: str) -> set[str]:
        names: set[str] = set()
        for row in self.rows(model):
            names.update(row)
        return names

    def search_read(self, model: str, domain: Domain | None = None, fields: list[str] | None = None) -> list[Row]:
        selected = [row for row in self.rows(model) if matches(row, domain)]
        if fields is None:
            return [dict(row) for row in selected]
        wanted = ["id", *[name for name in fields if name != "id"]]
        return [{name: row.get(name, False) for name in wanted} for row in selected]
