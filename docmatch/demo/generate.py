"""Write the demo fixtures: the Odoo 17 snapshot, the PDFs and their expected files.

    python -m docmatch.demo.generate [--out fixtures/demo]
    docmatch demo --regenerate

The output folder gets `odoo/` (one `<model>.json` per model and `version.json`),
`documents/<name>.pdf` with `documents/<name>.expected.json` beside each, and a
`README.md` listing the documents. Everything is rebuilt from code on each run and
comes out byte for byte the same, so a changed fixture in a diff is a changed scenario.
"""

from __future__ import annotations

import argparse
import json
import logging
import textwrap
from collections import Counter
from pathlib import Path

from docmatch.demo.company import COMPANY, PARTNERS
from docmatch.demo.documents import DocumentSpec
from docmatch.demo.layouts import render
from docmatch.demo.odoo17 import SERVER_VERSION, write_snapshot
from docmatch.demo.scenarios import build_demo

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "fixtures" / "demo"


def write_expected(spec: DocumentSpec, folder: Path) -> Path:
    path = folder / f"{spec.name}.expected.json"
    path.write_text(json.dumps(spec.expected(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_documents(documents: list[DocumentSpec], folder: Path) -> None:
    """Print every document and its expected file into `folder`, replacing old ones."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in [*folder.glob("*.pdf"), *folder.glob("*.expected.json")]:
        stale.unlink()
    for spec in documents:
        render(spec, folder / f"{spec.name}.pdf")
        write_expected(spec, folder)


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=88, break_on_hyphens=False)


def readme_text(documents: list[DocumentSpec]) -> str:
    kinds = Counter(finding.kind for spec in documents for finding in spec.findings)
    vendors = [partner.name for partner in PARTNERS if partner.role == "vendor"]
    customers = [partner.name for partner in PARTNERS if partner.role == "customer"]
    rows = "\n".join(
        f"| `{spec.name}.pdf` | {spec.doc_type} | {spec.language} | {spec.layout} | {', '.join(spec.matched) or '-'} | "
        f"{', '.join(f'{finding.kind}' + (f' (line {finding.line})' if finding.line else '') for finding in spec.findings) or 'clean'} | {spec.summary} |"
        for spec in documents
    )
    coverage = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    return f"""# Demo data: {COMPANY.name}

Everything in this folder is **fictional and generated** by `python -m docmatch.demo.generate`
(or `docmatch demo --regenerate`) from the code in `docmatch/demo/`. No real company,
person, order or document is described. E-mail addresses use the reserved `.example`
domain; VAT numbers and barcodes are invented but carry valid check digits.

{_wrap(f"{COMPANY.name} is a food-service wholesaler in {COMPANY.city}, Germany (company currency EUR, time zone Europe/Berlin). It buys from {', '.join(vendors)}, and sells to {', '.join(customers)}. Carriers: Speedline Logistik GmbH and NorthSea Freight B.V.")}

## `odoo/`: an Odoo {SERVER_VERSION} snapshot

One `<model>.json` per model, each a JSON array of records exactly as Odoo {SERVER_VERSION}'s
`search_read` returns them (many2one as `[id, "display name"]`, x2many as id lists,
empty values as `false`, datetimes as naive UTC strings), and `version.json`. Models:
res.company, res.currency, res.partner, uom.category, uom.uom (the 17.0 factors and
roundings: Dozens factor 1/12, g 1000, lb 2.20462 of the kg reference), account.tax,
product.category, product.product, product.packaging (cases, cartons, pallets),
product.supplierinfo (the vendors' own codes), delivery.carrier, purchase.order(.line),
sale.order(.line), stock.picking (receipts with a partial receipt and its backorder,
returns, deliveries with carrier tracking references), stock.move (17.0's `quantity`
and `picked`) and account.move(.line) (posted vendor bills, one of them the
duplicate of a demo invoice).

## `documents/`: the printed documents

Each PDF comes with `<name>.expected.json`:

    {{"doc_type": "invoice", "language": "en", "layout": "classic", "summary": "...",
     "matched": ["P00001"],                      # Odoo records the document refers to
     "findings": [{{"kind": "quantity_mismatch", "line": 2}}],   # empty when clean
     "fields": {{"number": ..., "date": "2025-03-05", "total": ..., ...}},   # as printed
     "lines": [{{"code", "description", "quantity", "uom", "unit_price", "amount"}}, ...]}}

`findings` says what docmatch must find, by the meaning of the seeded change, not by
what the code of the day finds:

- One cause gives one finding: a wrong unit is a `uom_mismatch`, not also a quantity
  and a price mismatch, and a wrong VAT rate is a `tax_mismatch`, not also a
  `total_mismatch`.
- An invoice is held against what was received and not yet billed, so billing the
  received part of a partial delivery is clean.
- A reference to another partner's order is a `partner_mismatch` and matches nothing.
- A vendor's delivery note is held against the receipt that booked it, a bill of
  lading and a proof of delivery against the outgoing picking they name.

`line` is the 1-based line on the document, or null for the whole document or for an
Odoo line the document leaves out. `matched` lists the records a case must name (it may
name more). `fields` and `lines` hold the printed values (dates in ISO 8601, amounts as
numbers, credit notes with the printed sign) so that `docmatch eval` can score
extraction on them.

{_wrap(f"Three layouts (classic, modern, din) print every document type, in English and in German (decimal comma, dd.mm.yyyy dates). Seeded findings: {coverage}.")}

| file | type | lang | layout | matched | expected findings | what it shows |
|---|---|---|---|---|---|---|
{rows}
"""


def generate(out: Path = DEFAULT_OUT) -> list[DocumentSpec]:
    """Rebuild the demo fixtures under `out` and return the document specs."""
    ledger, documents = build_demo()
    write_snapshot(ledger, out / "odoo")
    write_documents(documents, out / "documents")
    (out / "README.md").write_text(readme_text(documents), encoding="utf-8")
    log.info("wrote %d demo documents and the Odoo snapshot to %s", len(documents), out)
    return documents


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Regenerate the docmatch demo fixtures (Odoo snapshot, PDFs, expected files).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    documents = generate(args.out)
    print(f"wrote {len(documents)} documents and the Odoo {SERVER_VERSION} snapshot to {args.out}")


if __name__ == "__main__":
    main()
