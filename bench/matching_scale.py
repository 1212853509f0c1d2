"""Matching at scale: per-document time and index memory against an all-pairs baseline.

Builds a synthetic catalog (default 1,000,000 open purchase order lines in 100,000
orders, 100,000 products, 5,000 vendors with their own product codes), then matches
generated vendor invoices with `match_document` and reports the median and 95th
percentile per document and the memory the catalog and the index take.

The baseline scores every line of a document against every open order line (code
equality plus rapidfuzz's `ratio` on the description, through `process.extractOne`
over all lines), as a matcher without an index would. It takes about a second per
document, so it runs on a sample of documents and its per-document time is the mean
of that sample; the speed-up is the median of the indexed runs against that mean.

    .venv/bin/python bench/matching_scale.py                      # full size
    .venv/bin/python bench/matching_scale.py --order-lines 100000  # quicker

Wall-clock times suffer from other processes on a shared machine; the CPU time of the
matching thread (`cpu_*`) does not, and the 1-minute load average is printed beside them.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docmatch.matchers import match_document  # noqa: E402
from docmatch.matchers.index import get_index  # noqa: E402
from docmatch.models import ExtractedField, ExtractedLine, Extraction  # noqa: E402
from docmatch.odoo.catalog import Catalog  # noqa: E402
from docmatch.odoo.records import Order, OrderLine, Packaging, Partner, Product, SupplierInfo, Uom  # noqa: E402

ADJECTIVES = ["steel", "brass", "nylon", "galvanised", "heavy", "light", "compact", "premium", "blue", "black", "stainless", "coated"]
NOUNS = ["flange", "bolt", "washer", "cable tie", "gasket", "valve", "pipe", "elbow", "coupling", "bracket", "hinge", "filter", "glove", "tape"]
SIZES = ["DN15", "DN25", "DN50", "DN65", "M6", "M8", "M10", "M12", "200 mm", "300 mm", "1/2 in", "3/4 in", "L", "XL"]


def rss_mib() -> float:
    """Resident memory of this process now, in MiB (from /proc, Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def build_catalog(order_lines: int, products: int, vendors: int, lines_per_order: int, rng: random.Random) -> Catalog:
    catalog = Catalog(server_version="17.0")
    catalog.uoms[1] = Uom(1, "Units", 1, 1.0, 0.01)
    catalog.uoms[2] = Uom(2, "Case of 12", 1, 12.0, 1.0)
    for vendor_id in range(1, vendors + 1):
        catalog.partners[vendor_id] = Partner(vendor_id, f"Vendor {vendor_id:05d} Trading GmbH")
    for product_id in range(1, products + 1):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(SIZES)} type {product_id % 97}"
        product = Product(product_id, name, default_code=f"SKU-{product_id:06d}", barcode=f"40{product_id:011d}", uom_id=1, template_id=product_id, category="All / Parts")
        if product_id % 3 == 0:
            product.packagings.append(Packaging(product_id, product_id, "Case", 12.0))
        catalog.products[product_id] = product
    # Each product is sold by two vendors under their own codes.
    supplied: dict[int, list[int]] = {vendor_id: [] for vendor_id in catalog.partners}
    info_id = 0
    for product_id in range(1, products + 1):
        for vendor_id in {product_id % vendors + 1, (product_id * 7) % vendors + 1}:
            info_id += 1
            catalog.supplierinfos.append(SupplierInfo(info_id, vendor_id, f"V{vendor_id}-{product_id:06d}", None, product_id, product_id, 1.0))
            supplied[vendor_id].append(product_id)

    line_id = 0
    for order_id in range(1, order_lines // lines_per_order + 1):
        vendor_id = rng.randint(1, vendors)
        order = Order(order_id, "purchase", f"P{order_id:07d}", vendor_id, "purchase", datetime(2024, 3, 1, tzinfo=timezone.utc), "EUR", 1)
        for product_id in rng.sample(supplied[vendor_id], min(lines_per_order, len(supplied[vendor_id]))):
            line_id += 1
            quantity = float(rng.choice([12, 24, 36, 48, 100]))
            catalog.order_lines[("purchase", line_id)] = OrderLine(
                line_id, order_id, product_id, catalog.products[product_id].name, quantity, 1, round(rng.uniform(0.5, 90.0), 2), qty_moved=quantity,
            )
            order.line_ids.append(line_id)
        catalog.orders[order.key] = order
    return catalog


def make_document(catalog: Catalog, rng: random.Random) -> Extraction:
    """A vendor invoice over one random order, printed in the ways vendors print them."""
    order = catalog.orders[("purchase", rng.randint(1, len(catalog.orders)))]
    vendor = catalog.partners[order.partner_id]
    reference = rng.choice([order.name, f"PO# {order.name}", f"{order.name}-A", f"Your order: {order.name}"])
    lines = []
    for line in catalog.lines_of(order):
        product = catalog.products[line.product_id]
        style = rng.random()
        if style < 0.4:
            code, description = f"V{vendor.id}-{product.id:06d}", None
        elif style < 0.8:
            code, description = product.default_code, product.name
        else:
            code, description = None, product.name
        quantity, uom, price = line.quantity, "EA", line.price_unit
        if product.packagings and rng.random() < 0.5:
            quantity, uom, price = line.quantity / 12, "CS", line.price_unit * 12
        lines.append(ExtractedLine(code=code, description=description, quantity=quantity, uom=uom, unit_price=price, amount=round(quantity * price, 2)))
    fields = {"po_reference": reference, "vendor_name": vendor.name, "currency": "EUR", "number": f"INV-{order.id}"}
    return Extraction(doc_type="invoice", method="text", fields={name: ExtractedField(value=value, confidence=0.95) for name, value in fields.items()}, lines=lines)


class AllPairsBaseline:
    """Scores each document line against every open order line, with no index."""

    def __init__(self, catalog: Catalog) -> None:
        self.keys = list(catalog.order_lines)
        self.descriptions = [catalog.order_lines[key].description.lower() for key in self.keys]
        self.product_codes = [catalog.products[catalog.order_lines[key].product_id].default_code for key in self.keys]

    def match(self, extraction: Extraction) -> list[tuple[str, int] | None]:
        found = []
        for line in extraction.lines:
            if line.code:
                # Code equality over all lines: a linear scan, as without an index.
                position = next((at for at, code in enumerate(self.product_codes) if code == line.code), None)
                if position is not None:
                    found.append(self.keys[position])
                    continue
            best = process.extractOne((line.description or line.code or "").lower(), self.descriptions, scorer=fuzz.ratio)
            found.append(self.keys[best[2]] if best else None)
        return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--order-lines", type=int, default=1_000_000, help="open purchase order lines (default 1,000,000)")
    parser.add_argument("--products", type=int, default=100_000, help="products (default 100,000)")
    parser.add_argument("--vendors", type=int, default=5_000, help="vendors (default 5,000)")
    parser.add_argument("--lines-per-order", type=int, default=10, help="lines per order and per invoice (default 10)")
    parser.add_argument("--documents", type=int, default=2_000, help="invoices matched with the index (default 2,000)")
    parser.add_argument("--baseline-documents", type=int, default=5, help="invoices matched all-pairs, a sample (default 5)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    gc.collect()
    start_rss = rss_mib()
    started = time.perf_counter()
    catalog = build_catalog(args.order_lines, args.products, args.vendors, args.lines_per_order, rng)
    catalog_seconds = time.perf_counter() - started
    catalog_rss = rss_mib()

    started = time.perf_counter()
    get_index(catalog)
    index_seconds = time.perf_counter() - started
    gc.collect()
    index_rss = rss_mib()

    documents = [make_document(catalog, rng) for _ in range(args.documents)]
    for document in documents[:20]:
        match_document(document, catalog)  # warm-up

    times, cpu_times, paired, lines_total = [], [], 0, 0
    for document in documents:
        started, started_cpu = time.perf_counter(), time.thread_time()
        result = match_document(document, catalog)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.thread_time() - started_cpu) * 1000)
        paired += sum(1 for pair in result.pairs if pair.odoo_line is not None)
        lines_total += len(document.lines)

    baseline = AllPairsBaseline(catalog)
    baseline_times, baseline_cpu = [], []
    for document in documents[: args.baseline_documents]:
        started, started_cpu = time.perf_counter(), time.thread_time()
        baseline.match(document)
        baseline_times.append((time.perf_counter() - started) * 1000)
        baseline_cpu.append((time.thread_time() - started_cpu) * 1000)

    figures = {
        "order_lines": len(catalog.order_lines), "orders": len(catalog.orders), "products": len(catalog.products), "supplierinfos": len(catalog.supplierinfos),
        "documents": len(documents), "lines_per_document": args.lines_per_order,
        "catalog_build_s": round(catalog_seconds, 1), "index_build_s": round(index_seconds, 1),
        "catalog_mib": round(catalog_rss - start_rss), "index_mib": round(index_rss - catalog_rss), "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "median_ms": round(statistics.median(times), 3), "p95_ms": round(percentile(times, 0.95), 3), "max_ms": round(max(times), 3),
        "cpu_median_ms": round(statistics.median(cpu_times), 3), "cpu_p95_ms": round(percentile(cpu_times, 0.95), 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "lines_paired": f"{paired}/{lines_total}",
        "baseline_documents": len(baseline_times), "baseline_mean_ms": round(statistics.mean(baseline_times), 1),
        "baseline_cpu_mean_ms": round(statistics.mean(baseline_cpu), 1),
        "speedup_median": round(statistics.mean(baseline_times) / statistics.median(times)),
        "speedup_p95": round(statistics.mean(baseline_times) / percentile(times, 0.95)),
        "cpu_speedup_p95": round(statistics.mean(baseline_cpu) / percentile(cpu_times, 0.95)),
    }
    for name, value in figures.items():
        print(f"{name:>20}: {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
