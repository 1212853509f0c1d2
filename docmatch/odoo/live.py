"""An `OdooSource` over a live Odoo, read in batches through a local cache.

`load_catalog` requests whole models with a handful of fields. On a large database a
full read each run costs minutes, so `LiveSource` keeps the rows it read in a cache
folder and, on the next run, asks Odoo only for each record's `write_date`; it then
reads again just the records that are new or changed and drops those that no longer
match. The cache is per database, model, field list, domain and company set.

Limitation: a many2one value carries the related record's display name, and renaming
that record does not change this record's `write_date`, so a cached name can be stale.
Matching compares ids, never these names.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from docmatch.odoo.client import OdooClient
from docmatch.odoo.source import Domain, Row

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# The models whose changes can change a case; `change_marker` watches them.
MATCHED_MODELS = (
    "res.partner", "product.product", "product.supplierinfo", "purchase.order", "purchase.order.line",
    "sale.order", "sale.order.line", "stock.picking", "stock.move", "account.move",
)


class LiveSource:
    """Reads a live Odoo in `search_read` shape; see the module docstring for the cache."""

    def __init__(self, client: OdooClient, *, cache_dir: Path | None = None, batch_size: int = BATCH_SIZE) -> None:
        self.client = client
        self.server_version = client.server_version
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self._models: dict[str, bool] = {}
        self._fields: dict[str, set[str]] = {}

    def has_model(self, model: str) -> bool:
        if model not in self._models:
            count = self.client.call("ir.model", "search_count", domain=[["model", "=", model]])
            self._models[model] = bool(count)
        return self._models[model]

    def field_names(self, model: str) -> set[str]:
        if model not in self._fields:
            self._fields[model] = set(self.client.fields_get(model, ["type"])) if self.has_model(model) else set()
        return self._fields[model]

    def search_read(self, model: str, domain: Domain | None = None, fields: list[str] | None = None) -> list[Row]:
        """Return the rows of `model` matching `domain`.

        Fields the database lacks are not asked for (Odoo would fault) and read as
        False, as in a snapshot, so a reader written for another version still runs.
        """
        if not self.has_model(model):
            return []
        known = self.field_names(model)
        wanted = sorted(name for name in (fields or known) if name in known and name != "id")
        if "write_date" not in known or self.cache_dir is None:
            rows = self._read_all(model, domain or [], wanted)
        else:
            rows = self._read_cached(model, domain or [], wanted)
        absent = [name for name in fields or [] if name not in known and name != "id"]
        for row in rows:
            row.update(dict.fromkeys(absent, False))
        return rows

    def change_marker(self) -> str:
        """Return a token that changes when a record of `MATCHED_MODELS` is created, changed or deleted.

        Two small calls per model: the record count and the newest `write_date`.
        """
        digest = hashlib.sha256()
        for model in MATCHED_MODELS:
            if not self.has_model(model):
                continue
            count = self.client.call(model, "search_count", domain=[])
            newest = self.client.search_read(model, [], ["write_date"], limit=1, order="write_date desc")
            digest.update(f"{model}:{count}:{newest[0]['write_date'] if newest else ''};".encode())
        return digest.hexdigest()[:32]

    def _read_all(self, model: str, domain: Domain, fields: list[str]) -> list[Row]:
        rows: list[Row] = []
        while True:
            batch = self.client.search_read(model, domain, fields, offset=len(rows), limit=self.batch_size, order="id")
            rows.extend(batch)
            if len(batch) < self.batch_size:
                return rows

    def _read_cached(self, model: str, domain: Domain, fields: list[str]) -> list[Row]:
        path = self._cache_path(model, domain, fields)
        cached = load_cache(path)

        # Ask only for ids and write dates, then read what is new or changed.
        stamps = {row["id"]: row["write_date"] for row in self._read_all(model, domain, ["write_date"])}
        stale = [record_id for record_id, stamp in stamps.items() if cached.get(record_id, {}).get("write_date") != stamp]
        for start in range(0, len(stale), self.batch_size):
            for row in self.client.read(model, stale[start : start + self.batch_size], sorted({*fields, "write_date"})):
                cached[row["id"]] = row

        rows = {record_id: cached[record_id] for record_id in stamps if record_id in cached}
        save_cache(path, rows)
        log.info("read %s: %d records, %d from Odoo, %d from the cache", model, len(rows), len(stale), len(rows) - len(stale))
        keep = {"id", *fields}
        return [{name: value for name, value in row.items() if name in keep} for row in rows.values()]

    def _cache_path(self, model: str, domain: Domain, fields: list[str]) -> Path:
        assert self.cache_dir is not None
        credentials = self.client.transport.credentials
        key = json.dumps([credentials.url, credentials.db, model, domain, fields, self.client.company_ids], sort_keys=True, default=str)
        return self.cache_dir / f"{model}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def load_cache(path: Path) -> dict[int, Row]:
    if not path.is_file():
        return {}
    try:
        return {int(record_id): row for record_id, row in json.loads(path.read_text(encoding="utf-8")).items()}
    except (ValueError, AttributeError):
        log.warning("ignoring the unreadable Odoo cache file %s", path)
        return {}


def save_cache(path: Path, rows: dict[int, Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({str(record_id): row for record_id, row in rows.items()}), encoding="utf-8")
    temporary.replace(path)


def open_live_source(settings: Any) -> LiveSource:
    """Connect to the Odoo the settings name and return a cached `LiveSource`.

    Raises:
        ConfigurationError: a DOCMATCH_ODOO_* setting is missing.
        OdooAuthError: Odoo refused the API key.
    """
    client = OdooClient.from_settings(settings)
    return LiveSource(client, cache_dir=Path(settings.data_dir) / "odoo-cache")
