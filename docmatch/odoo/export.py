"""Write a snapshot folder from any `OdooSource`: `docmatch odoo export --to DIR`.

The export reads exactly what matching reads: it runs `load_catalog` over a source that
records every `search_read`, then writes one `<model>.json` per model (the rows of all
calls on that model merged by id, in `search_read` shape) and `version.json`. A
snapshot written this way loads into the same `Catalog` as the live database did.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from docmatch.odoo.catalog import load_catalog
from docmatch.odoo.source import Domain, OdooSource, Row

log = logging.getLogger(__name__)


class RecordingSource:
    """Passes calls to `source` and keeps every row it returns, merged per model and id."""

    def __init__(self, source: OdooSource) -> None:
        self.source = source
        self.server_version = source.server_version
        self.rows: dict[str, dict[int, Row]] = {}

    def has_model(self, model: str) -> bool:
        return self.source.has_model(model)

    def field_names(self, model: str) -> set[str]:
        return self.source.field_names(model)

    def search_read(self, model: str, domain: Domain | None = None, fields: list[str] | None = None) -> list[Row]:
        rows = self.source.search_read(model, domain, fields)
        kept = self.rows.setdefault(model, {})
        for row in rows:
            kept.setdefault(row["id"], {}).update(row)
        return rows


def export_snapshot(source: OdooSource, folder: Path) -> dict[str, int]:
    """Write the snapshot of `source` into `folder` and return the record count per model."""
    recorder = RecordingSource(source)
    load_catalog(recorder)

    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for model, rows in sorted(recorder.rows.items()):
        records = [rows[record_id] for record_id in sorted(rows)]
        (folder / f"{model}.json").write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        counts[model] = len(records)
    (folder / "version.json").write_text(json.dumps({"server_version": source.server_version}) + "\n", encoding="utf-8")
    log.info("exported %d models, %d records to %s", len(counts), sum(counts.values()), folder)
    return counts
