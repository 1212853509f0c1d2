"""The live reader (batches, write_date cache), the snapshot export and the `docmatch odoo` commands."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

from click.testing import CliRunner

from docmatch.cli import cli
from docmatch.odoo.catalog import load_catalog
from docmatch.odoo.client import OdooClient
from docmatch.odoo.export import export_snapshot
from docmatch.odoo.live import LiveSource, open_live_source
from docmatch.odoo.snapshot import SnapshotSource
from docmatch.odoo.testserver import OdooTestServer
from docmatch.odoo.wire import local_date

from .conftest import API_KEY, settings_for


def test_catalog_from_live_odoo(odoo_server: OdooTestServer, client: OdooClient) -> None:
    """GIVEN each version's field names WHEN the catalog loads from a live Odoo THEN the records come out version-neutral."""
    catalog = load_catalog(LiveSource(client))

    assert [order.name for order in catalog.orders.values()] == ["P00702"]
    order = catalog.orders[("purchase", 7)]
    assert order.date_order == datetime(2024, 3, 31, 22, 30, tzinfo=timezone.utc)
    assert local_date(order.date_order, "Europe/Berlin") == date(2024, 4, 1)
    [line] = catalog.lines_of(order)
    assert (line.product_id, line.quantity, line.uom_id, line.qty_moved) == (12, 10.0, 1, 10.0)
    assert catalog.moves[31].quantity_done == 10.0
    assert catalog.supplierinfos[0].product_code == "VND-7781"


def test_reads_in_batches(odoo_server: OdooTestServer, client: OdooClient) -> None:
    source = LiveSource(client, batch_size=1)
    rows = source.search_read("res.company", [], ["name"])
    calls = odoo_server.calls_of("search_read", "res.company")
    assert [row["name"] for row in rows] == ["Berlin GmbH", "Vienna GmbH"]
    assert [(call.kwargs["offset"], call.kwargs["limit"]) for call in calls] == [(0, 1), (1, 1), (2, 1)]


def test_field_missing_in_version_reads_false(client: OdooClient) -> None:
    rows = LiveSource(client).search_read("res.partner", [], ["name", "no_such_field"])
    assert rows == [{"id": 7, "name": "Flanges Ltd", "no_such_field": False}]


def test_missing_model_has_no_rows(client: OdooClient) -> None:
    source = LiveSource(client)
    assert not source.has_model("account.move")
    assert source.search_read("account.move", [], ["name"]) == []


def test_cache_reads_only_changed_records(odoo_server: OdooTestServer, client: OdooClient, tmp_path: Path) -> None:
    """GIVEN a cached read WHEN one record changes THEN the next read fetches that record only."""
    cache = tmp_path / "cache"
    LiveSource(client, cache_dir=cache).search_read("purchase.order.line", [], ["name", "price_unit"])
    database = odoo_server.database
    database.rows["purchase.order.line"][41]["price_unit"] = 13.0
    database.rows["purchase.order.line"][41]["write_date"] = "2099-01-01 00:00:00"
    reads_before = len(odoo_server.calls_of("read", "purchase.order.line"))

    rows = LiveSource(client, cache_dir=cache).search_read("purchase.order.line", [], ["name", "price_unit"])
    unchanged = LiveSource(client, cache_dir=cache).search_read("purchase.order.line", [], ["name", "price_unit"])

    reads = odoo_server.calls_of("read", "purchase.order.line")[reads_before:]
    assert [call.ids for call in reads] == [[41]]
    assert rows[0]["price_unit"] == 13.0
    assert unchanged == rows


def test_cache_drops_deleted_records(odoo_server: OdooTestServer, client: OdooClient, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    LiveSource(client, cache_dir=cache).search_read("stock.move", [], ["state"])
    del odoo_server.database.rows["stock.move"][31]
    assert LiveSource(client, cache_dir=cache).search_read("stock.move", [], ["state"]) == []


def test_export_loads_same_catalog(odoo_server: OdooTestServer, client: OdooClient, tmp_path: Path) -> None:
    """GIVEN a live Odoo WHEN exported to a snapshot folder THEN the snapshot loads into the same catalog."""
    folder = tmp_path / "export"
    counts = export_snapshot(LiveSource(client), folder)
    live = load_catalog(LiveSource(client))
    offline = load_catalog(SnapshotSource(folder))

    assert counts["purchase.order"] == 1
    assert json.loads((folder / "version.json").read_text())["server_version"] == f"{odoo_server.version}.0"
    assert offline.orders == live.orders
    assert offline.order_lines == live.order_lines
    assert offline.moves == live.moves
    assert offline.products == live.products


def test_open_live_source_uses_data_dir_cache(odoo_server: OdooTestServer, tmp_path: Path) -> None:
    settings = settings_for(odoo_server, data_dir=tmp_path / "data")
    source = open_live_source(settings)
    load_catalog(source)
    assert list((tmp_path / "data" / "odoo-cache").glob("purchase.order-*.json"))


def test_export_command(odoo_server: OdooTestServer, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name, value in {"URL": odoo_server.url, "DB": odoo_server.db, "USER": odoo_server.login, "API_KEY": API_KEY, "COMPANY_IDS": "[1]"}.items():
        monkeypatch.setenv(f"DOCMATCH_ODOO_{name}", value)
    result = CliRunner().invoke(cli, ["odoo", "export", "--to", str(tmp_path / "snap")])
    assert result.exit_code == 0, result.output
    assert "purchase.order" in result.output
    assert (tmp_path / "snap" / "purchase.order.json").is_file()


def test_change_marker_follows_writes(odoo_server: OdooTestServer, client: OdooClient) -> None:
    source = LiveSource(client)
    before = source.change_marker()
    assert source.change_marker() == before
    odoo_server.database.rows["purchase.order"][7]["write_date"] = "2099-01-01 00:00:00"
    assert source.change_marker() != before
