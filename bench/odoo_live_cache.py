"""Catalog load from a live Odoo: no cache (baseline), cold write_date cache, warm cache.

Builds a synthetic Odoo 17 snapshot with `--orders` purchase orders of `--lines` lines
each (one stock move per line), serves it with the Odoo test server on loopback, and
loads the catalog through `LiveSource` three ways. Prints the median time of `--rounds`
rounds, the calls and the records read per way, and the ratio to the baseline.

    .venv/bin/python bench/odoo_live_cache.py --orders 400 --lines 10 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from docmatch.odoo.catalog import load_catalog
from docmatch.odoo.client import OdooClient
from docmatch.odoo.live import LiveSource
from docmatch.odoo.testserver import OdooTestServer
from docmatch.settings import load_settings


def write_snapshot(folder: Path, orders: int, lines: int) -> None:
    company = [1, "Bench GmbH"]
    records: dict[str, list[dict]] = {
        "res.company": [{"id": 1, "name": "Bench GmbH", "currency_id": [1, "EUR"]}],
        "res.partner": [{"id": 7, "name": "Vendor", "vat": False, "ref": False, "email": False, "commercial_partner_id": [7, "Vendor"], "is_company": True}],
        "uom.uom": [{"id": 1, "name": "Units", "category_id": [1, "Unit"], "factor": 1.0, "rounding": 0.01}],
        "product.product": [],
        "purchase.order": [],
        "purchase.order.line": [],
        "stock.move": [],
    }
    for product in range(1, 51):
        records["product.product"].append({"id": product, "name": f"Product {product}", "display_name": f"Product {product}", "default_code": f"P-{product:03d}", "barcode": False, "uom_id": [1, "Units"], "uom_po_id": [1, "Units"], "product_tmpl_id": [product, f"Product {product}"], "categ_id": [1, "All"]})
    line_id = 0
    for order in range(1, orders + 1):
        ids = []
        for position in range(lines):
            line_id += 1
            ids.append(line_id)
            product = [1 + (line_id % 50), f"Product {1 + line_id % 50}"]
            records["purchase.order.line"].append({"id": line_id, "order_id": [order, f"P{order:05d}"], "product_id": product, "name": "line", "product_qty": 5.0, "product_uom": [1, "Units"], "price_unit": 2.5, "discount": 0.0, "qty_received": 5.0, "qty_invoiced": 0.0, "price_subtotal": 12.5, "display_type": False, "product_packaging_id": False, "product_packaging_qty": 0.0, "company_id": company})
            records["stock.move"].append({"id": line_id, "picking_id": False, "product_id": product, "product_uom_qty": 5.0, "quantity": 5.0, "product_uom": [1, "Units"], "state": "done", "purchase_line_id": [line_id, "line"], "sale_line_id": False, "company_id": company})
        records["purchase.order"].append({"id": order, "name": f"P{order:05d}", "partner_id": [7, "Vendor"], "state": "purchase", "date_order": "2024-03-01 08:00:00", "currency_id": [1, "EUR"], "company_id": company, "partner_ref": False, "origin": False, "amount_untaxed": 125.0, "amount_tax": 0.0, "amount_total": 125.0, "order_line": ids})
    for model, rows in records.items():
        (folder / f"{model}.json").write_text(json.dumps(rows), encoding="utf-8")
    (folder / "version.json").write_text('{"server_version": "17.0"}', encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="docmatch-bench-"))
    write_snapshot(work, options.orders, options.lines)
    with OdooTestServer(version=17, helpdesk="oca", snapshot=work, api_key="bench") as server:
        settings = load_settings(odoo_url=server.url, odoo_db=server.db, odoo_user=server.login, odoo_api_key="bench", odoo_company_ids=[1])
        client = OdooClient.from_settings(settings)
        results: dict[str, list[tuple[float, int, int]]] = {"no cache (baseline)": [], "cold cache": [], "warm cache": []}
        for round_number in range(options.rounds):
            cache = work / f"cache-{round_number}"
            for way in results:
                before = len(server.calls)
                started = time.perf_counter()
                load_catalog(LiveSource(client, cache_dir=None if way.startswith("no cache") else cache))
                elapsed = time.perf_counter() - started
                calls = server.calls[before:]
                read = sum(len(call.ids or []) for call in calls if call.method == "read")
                results[way].append((elapsed, len(calls), read))

    baseline = statistics.median(elapsed for elapsed, _calls, _read in results["no cache (baseline)"])
    print(f"{options.orders} orders x {options.lines} lines, median of {options.rounds} rounds")
    print("| way | median time | calls | records read by id | ratio to baseline |")
    print("|---|---|---|---|---|")
    for way, runs in results.items():
        median = statistics.median(elapsed for elapsed, _calls, _read in runs)
        print(f"| {way} | {median:.2f} s | {runs[-1][1]} | {runs[-1][2]} | {median / baseline:.2f} |")


if __name__ == "__main__":
    main()
