"""Seeded-mismatch evaluation: recall and precision of every finding kind, end to end.

Each pair is a small Odoo 17 snapshot of the demo distributor plus one printed document
about it. A pair is either clean or carries one injected mismatch, chosen at random
among the kinds a document type can show (a damaged carton only on a proof of
delivery, a billed-exceeds-received only on an invoice). The document is printed as a
PDF with the demo generator (a share of them also turned into scans), then runs
through the whole pipeline, extraction, matching and rules, exactly as
`docmatch process` runs it. Per kind, a pair counts once: found when the case has a
finding of the injected kind, a false alarm when it has a finding of a kind that was
not injected. Findings on clean pairs are counted apart, because a clean pair should have none.

    docmatch eval findings --pairs 500 --seed 1 --out DIR
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from docmatch.demo.company import DOZENS_ID, KG_ID, L_ID, LB_ID, PRODUCT_BY_CODE, Product, products_of
from docmatch.demo.documents import (
    DocumentSpec,
    PrintedLine,
    bill_of_lading,
    customer_purchase_order,
    expect,
    in_packaging,
    printed_unit,
    proof_of_delivery,
    seed_currency,
    seed_damage,
    seed_date,
    seed_duplicate,
    seed_line_not_on_order,
    seed_missing_line,
    seed_other_partners_order,
    seed_price,
    seed_quantity,
    seed_shortage,
    seed_tax_rate,
    seed_total,
    seed_unit,
    seed_unknown_order,
    seed_unknown_product,
    vendor_credit_note,
    vendor_delivery_note,
    vendor_invoice,
)
from docmatch.demo.ledger import Item, Ledger, Order

log = logging.getLogger(__name__)

# The kinds a document can be seeded with; needs_review and extraction_failed are
# outcomes of reading, not mismatches, and are counted separately.
SEEDED_KINDS: tuple[str, ...] = (
    "order_not_found", "partner_mismatch", "currency_mismatch", "duplicate_document", "unknown_product",
    "line_not_on_order", "line_missing", "quantity_mismatch", "price_mismatch", "uom_mismatch",
    "billed_exceeds_received", "total_mismatch", "tax_mismatch", "date_out_of_window", "damaged_goods",
)
DOC_TYPES_FOR_KIND: dict[str, tuple[str, ...]] = {
    "order_not_found": ("invoice",),
    "partner_mismatch": ("invoice",),
    "currency_mismatch": ("invoice",),
    "duplicate_document": ("invoice",),
    "unknown_product": ("invoice", "purchase_order"),
    "line_not_on_order": ("invoice", "delivery_note"),
    "line_missing": ("purchase_order", "bill_of_lading"),
    "quantity_mismatch": ("invoice", "credit_note", "purchase_order", "bill_of_lading", "proof_of_delivery", "delivery_note"),
    "price_mismatch": ("invoice", "credit_note", "purchase_order"),
    "uom_mismatch": ("invoice",),
    "billed_exceeds_received": ("invoice",),
    "total_mismatch": ("invoice",),
    "tax_mismatch": ("invoice",),
    "date_out_of_window": ("invoice",),
    "damaged_goods": ("proof_of_delivery",),
}
CLEAN_DOC_TYPES = ("invoice", "invoice", "invoice", "credit_note", "purchase_order", "bill_of_lading", "proof_of_delivery", "delivery_note")
DEFAULT_CLEAN_SHARE = 0.3
LAYOUTS = ("classic", "modern", "din")
LANGUAGES = ("en", "de")
VENDORS = ("hansa", "vdberg", "alpquell", "greenline", "prairie")
CUSTOMERS = ("rheinblick", "westpark", "canalhouse", "alpenblick")
FIRST_DAY = date(2025, 1, 6)


@dataclass
class Pair:
    """One seeded document with the Odoo records it is checked against."""

    index: int
    doc_type: str
    kind: str | None
    spec: DocumentSpec
    ledger: Ledger
    scan: bool = False

    @property
    def name(self) -> str:
        return self.spec.name


# --- building pairs ------------------------------------------------------------------------


def _day(index: int, offset: int = 0) -> date:
    return FIRST_DAY + timedelta(days=index % 300 + offset)


def _stamp(day: date, hour: int = 9) -> str:
    return f"{day.isoformat()} {hour:02d}:15"


def _quantity(product: Product, rng: random.Random) -> float:
    """Return a plausible order quantity in the product's purchase unit."""
    if product.uom_po_id == KG_ID:
        return float(rng.choice([12, 24, 36, 48, 60, 120, 250]))
    if product.uom_po_id == LB_ID:
        return float(rng.choice([50, 100, 150, 200, 300]))
    if product.uom_po_id == L_ID:
        return float(rng.choice([12, 24, 40, 60]))
    if product.uom_po_id == DOZENS_ID:
        return float(rng.choice([10, 20, 30, 40]))
    cases = [packaging for packaging in product.packagings if packaging.code in ("CS", "CT")]
    if cases:
        return cases[0].qty * rng.randint(2, 10)
    return float(rng.randint(3, 40))


def _items(products: list[Product], rng: random.Random) -> list[Item]:
    return [Item(product.default_code, _quantity(product, rng)) for product in products]


def _pick_products(vendor: str, rng: random.Random, *, at_most: int, keep_spare: bool = False, packaged: bool = False) -> list[Product]:
    catalog = products_of(vendor)
    if packaged:
        with_case = [product for product in catalog if any(packaging.code in ("CS", "CT") for packaging in product.packagings)]
        first = rng.choice(with_case)
        rest = [product for product in catalog if product is not first]
        limit = min(at_most - 1, len(rest) - (1 if keep_spare else 0))
        return [first, *rng.sample(rest, rng.randint(min(1, limit), max(limit, 0)))] if limit > 0 else [first]
    limit = min(at_most, len(catalog) - (1 if keep_spare else 0))
    return rng.sample(catalog, rng.randint(min(2, limit), limit))


def _distractor(ledger: Ledger, vendor: str, index: int, rng: random.Random) -> Order:
    """Another vendor's open order in the same snapshot, so that matching has a choice."""
    other = rng.choice([key for key in VENDORS if key != vendor])
    order = ledger.purchase(other, _items(_pick_products(other, rng, at_most=3), rng), ordered=_stamp(_day(index, -3), 8))
    ledger.receive(order, done=_stamp(_day(index, 1), 7))
    return order


def _sibling(ledger: Ledger, vendor: str, products: list[Product], index: int, rng: random.Random) -> Order:
    """Another received order of the same vendor for some of the same products.

    The document must be matched to the order it cites, not to this one, even though
    both hold its products.
    """
    chosen = rng.sample(products, rng.randint(1, len(products)))
    order = ledger.purchase(vendor, _items(chosen, rng), ordered=_stamp(_day(index, -2), 10))
    ledger.receive(order, done=_stamp(_day(index, 2), 8))
    return order


def _vendor_for(kind: str | None, rng: random.Random) -> str:
    if kind in ("uom_mismatch",):
        return rng.choice(["hansa", "vdberg", "alpquell", "greenline"])
    if kind in ("line_not_on_order",):
        return rng.choice(["hansa", "vdberg", "greenline"])
    return rng.choice(VENDORS)


def build_invoice(index: int, kind: str | None, rng: random.Random) -> tuple[DocumentSpec, Ledger]:
    ledger = Ledger()
    vendor = _vendor_for(kind, rng)
    other = _distractor(ledger, vendor, index, rng)
    products = _pick_products(vendor, rng, at_most=4, keep_spare=kind == "line_not_on_order", packaged=kind == "uom_mismatch")
    # Documents about goods never ordered from this vendor leave no order of theirs in Odoo.
    books = ledger if kind not in ("order_not_found", "partner_mismatch") else Ledger()
    if books is ledger and rng.random() < 0.5:
        _sibling(ledger, vendor, products, index, rng)
    order = books.purchase(vendor, _items(products, rng), ordered=_stamp(_day(index), 9))
    quantities = None
    if kind == "billed_exceeds_received":
        first = order.lines[0]
        books.receive(order, {line.product.default_code: line.quantity if line is not first else _short(first.quantity) for line in order.lines}, done=_stamp(_day(index, 5), 7))
        quantities = {line.product.default_code: line.quantity for line in order.lines}
    else:
        books.receive(order, done=_stamp(_day(index, 5), 7))
    spec = vendor_invoice([order], name=_name(index, "invoice", kind), number=_number(vendor, index), issued=_day(index, rng.choice([0, 1, 3, 6, 14, 30])).isoformat(),
                          layout=rng.choice(LAYOUTS), language=rng.choice(LANGUAGES), quantities=quantities)
    _vary_printing(spec, order, rng, kind)
    _seed_invoice(spec, kind, rng, ledger=ledger, order=order, other=other, vendor=vendor, products=products)
    return spec, ledger


def _vary_printing(spec: DocumentSpec, order: Order, rng: random.Random, kind: str | None) -> None:
    """Print references, item codes and units the ways vendors do; none of them is a finding."""
    style = rng.random()
    if spec.po_reference and style < 0.15:
        spec.po_reference = f"{order.name}-A"
    elif spec.po_reference and style < 0.3:
        spec.po_reference = f"{order.name[0]} {order.name[1:]}"
    if rng.random() < 0.2:
        for printed, line in zip(spec.lines, order.lines):
            printed.code = line.product.default_code
    for position, line in enumerate(order.lines, start=1):
        if kind == "uom_mismatch" and position == 1:
            continue  # the seeded line prints its own, wrong unit
        cases = [packaging for packaging in line.product.packagings if packaging.code in ("CS", "CT") and line.quantity % packaging.qty == 0]
        if cases and line.uom_id == line.product.uom_id and rng.random() < 0.3:
            in_packaging(spec, position, line.product, cases[0].code)


def _short(quantity: float) -> float:
    """About half of `quantity`, rounded to whole units, at least one short."""
    return float(max(1, int(quantity // 2)))


def _seed_invoice(spec: DocumentSpec, kind: str | None, rng: random.Random, *, ledger: Ledger, order: Order, other: Order, vendor: str, products: list[Product]) -> None:
    line = rng.randint(1, len(spec.lines))
    printed = spec.lines[line - 1]
    if kind is None:
        return
    if kind == "quantity_mismatch":
        seed_quantity(spec, line, max(1.0, printed.quantity - max(1.0, round(printed.quantity * 0.25))))
    elif kind == "price_mismatch":
        assert printed.unit_price is not None
        seed_price(spec, line, round(printed.unit_price * rng.choice([1.08, 1.12, 0.9]), 2))
    elif kind == "uom_mismatch":
        seed_unit(spec, 1, next(packaging.code for packaging in products[0].packagings if packaging.code in ("CS", "CT")))
    elif kind == "billed_exceeds_received":
        expect(spec, kind, 1)
    elif kind == "total_mismatch":
        # A lower total only where it stays well above zero.
        seed_total(spec, rng.choice([10.0, 25.5, 100.0, -50.0] if spec.net > 500 else [10.0, 25.5, 100.0]))
    elif kind == "tax_mismatch":
        current = spec.lines[0].tax_rate
        seed_tax_rate(spec, 0.07 if current == 0.19 else 0.19)
    elif kind == "currency_mismatch":
        seed_currency(spec, "USD" if spec.currency == "EUR" else "EUR")
    elif kind == "duplicate_document":
        seed_duplicate(spec, ledger, order)
    elif kind == "unknown_product":
        code = spec.lines[0].code or "X"
        seed_unknown_product(spec, PrintedLine(f"{code.split('-')[0]}-9{rng.randint(1000, 9999)}", rng.choice(["Sample article", "Promotional display", "Special item"]), 5, spec.lines[0].uom, 4.50, 22.50, spec.lines[0].tax_rate))
    elif kind == "line_not_on_order":
        spare = next(product for product in products_of(vendor) if product not in products)
        item = spare.vendor_item(vendor)
        quantity = _quantity(spare, rng)
        seed_line_not_on_order(spec, PrintedLine(item.code, item.name, quantity, _unit_of(spare, spec.language), item.price, round(quantity * item.price, 2), spec.lines[0].tax_rate))
    elif kind == "date_out_of_window":
        # Days before the order, or more than a year after it.
        ordered = order.date_order.date()
        target = ordered - timedelta(days=rng.randint(3, 60)) if rng.random() < 0.7 else ordered + timedelta(days=rng.randint(400, 500))
        seed_date(spec, (target - spec.issue_date).days)
    elif kind == "order_not_found":
        seed_unknown_order(spec, f"P{rng.randint(90000, 99999)}")
    elif kind == "partner_mismatch":
        seed_other_partners_order(spec, other)


def _unit_of(product: Product, language: str) -> str:
    return printed_unit(product.uom_po_id, language)


def build_customer_po(index: int, kind: str | None, rng: random.Random) -> tuple[DocumentSpec, Ledger]:
    ledger = Ledger()
    customer = rng.choice(CUSTOMERS)
    _distractor(ledger, "hansa", index, rng)
    products = rng.sample([product for product in PRODUCT_BY_CODE.values() if product.uom_id != KG_ID or rng.random() < 0.5], rng.randint(2, 4))
    order = ledger.sell(customer, [Item(product.default_code, _sale_quantity(product, rng)) for product in products], ordered=_stamp(_day(index), 10),
                        client_order_ref=f"{customer[:3].upper()}-{index:05d}", commitment=_stamp(_day(index, 4), 6))
    spec = customer_purchase_order(order, name=_name(index, "purchase_order", kind), issued=_day(index).isoformat(), layout=rng.choice(LAYOUTS), language=rng.choice(LANGUAGES))
    line = rng.randint(1, len(spec.lines))
    printed = spec.lines[line - 1]
    if kind == "quantity_mismatch":
        seed_quantity(spec, line, printed.quantity + rng.choice([1, 2, 5, 10]))
    elif kind == "price_mismatch":
        assert printed.unit_price is not None
        seed_price(spec, line, round(printed.unit_price * 0.9, 2))
    elif kind == "line_missing":
        seed_missing_line(spec, line)
    elif kind == "unknown_product":
        seed_unknown_product(spec, PrintedLine(f"ART-{rng.randint(10000, 99999)}", "House blend coffee 1 kg", 6, printed.uom, 12.90, 77.40, 0.07))
    return spec, ledger


def _sale_quantity(product: Product, rng: random.Random) -> float:
    if product.uom_id in (KG_ID, L_ID):
        return float(rng.choice([6, 12, 24, 36]))
    cases = [packaging for packaging in product.packagings if packaging.code in ("CS", "CT")]
    return cases[0].qty * rng.randint(1, 8) if cases else float(rng.randint(2, 20))


_PALLET_PRODUCTS = ("BEV-WATER-075", "BEV-APPLE-1L", "DSP-CUP-300", "DRY-RICE-10", "DRY-FLOUR-25")
_CASE_PRODUCTS = ("BEV-WATER-075", "BEV-APPLE-1L", "DSP-FOIL-30", "DSP-NAPKIN-33", "DAI-BUTTER-250", "DRY-SALT-1", "DRY-PASTA-5")


def _delivery(index: int, rng: random.Random, codes: tuple[str, ...], unit_code: str, *, lines: int) -> tuple[Ledger, Any]:
    ledger = Ledger()
    customer = rng.choice(CUSTOMERS)
    carrier = rng.choice(["speedline", "northsea"])
    items = []
    for code in rng.sample(codes, lines):
        packaging = PRODUCT_BY_CODE[code].packaging(unit_code) if unit_code != "CS" else next(p for p in PRODUCT_BY_CODE[code].packagings if p.code in ("CS", "CT"))
        items.append(Item(code, packaging.qty * rng.randint(2, 30 if unit_code != "PAL" else 12), packaging=packaging.code))
    order = ledger.sell(customer, items, ordered=_stamp(_day(index), 11), client_order_ref=f"{customer[:3].upper()}-{index:05d}")
    other = ledger.sell(rng.choice([key for key in CUSTOMERS if key != customer]), items[:1], ordered=_stamp(_day(index, -1), 11))
    ledger.deliver(other, done=_stamp(_day(index, 1), 6), carrier=carrier, tracking_ref=f"TRK-{index:05d}-0")
    delivery = ledger.deliver(order, done=_stamp(_day(index, 2), 5), carrier=carrier, tracking_ref=f"{'SPL' if carrier == 'speedline' else 'NSF'}-{index:05d}-{rng.randint(100, 999)}")
    return ledger, delivery


def build_bill_of_lading(index: int, kind: str | None, rng: random.Random) -> tuple[DocumentSpec, Ledger]:
    ledger, delivery = _delivery(index, rng, _PALLET_PRODUCTS, "PAL", lines=rng.randint(2, 3))
    spec = bill_of_lading(delivery, name=_name(index, "bill_of_lading", kind), number=f"BL-{index:06d}", layout=rng.choice(LAYOUTS), language=rng.choice(LANGUAGES))
    line = rng.randint(1, len(spec.lines))
    if kind == "quantity_mismatch":
        seed_quantity(spec, line, max(1.0, spec.lines[line - 1].quantity - rng.choice([1, 2])))
    elif kind == "line_missing":
        seed_missing_line(spec, line)
    return spec, ledger


def build_proof_of_delivery(index: int, kind: str | None, rng: random.Random) -> tuple[DocumentSpec, Ledger]:
    ledger, delivery = _delivery(index, rng, _CASE_PRODUCTS, "CS", lines=rng.randint(1, 3))
    delivered = _day(index, 3).isoformat()
    spec = proof_of_delivery(delivery, name=_name(index, "proof_of_delivery", kind), number=f"POD-{index:06d}", delivered=delivered, layout=rng.choice(LAYOUTS), language=rng.choice(LANGUAGES))
    line = rng.randint(1, len(spec.lines))
    shipped = spec.lines[line - 1].quantity
    german = spec.language == "de"
    if kind == "damaged_goods":
        count = rng.randint(1, min(3, int(shipped)))
        seed_damage(spec, line, count, f"{count} Kt. beschädigt" if german else f"{count} cartons damaged")
    elif kind == "quantity_mismatch":
        missing = rng.randint(1, min(2, int(shipped)))
        seed_shortage(spec, line, shipped - missing, f"{missing} Kt. fehlen" if german else f"{missing} short")
    return spec, ledger


def build_delivery_note(index: int, kind: str | None, rng: random.Random) -> tuple[DocumentSpec, Ledger]:
    ledger = Ledger()
    vendor = rng.choice(["hansa", "vdberg", "greenline"])
    _distractor(ledger, vendor, index, rng)
    products = _pick_products(vendor, rng, at_most=3, keep_spare=True)
    if rng.random() < 0.5:
        _sibling(ledger, vendor, products, index, rng)
    order = ledger.purchase(vendor, _items(products, rng), ordered=_stamp(_day(index), 9))
    short = kind == "quantity_mismatch"
    first = order.lines[0]
    received = {line.product.default_code: (_short(line.quantity) if short and line is first else line.quantity) for line in order.lines}
    receipt = ledger.receive(order, received, done=_stamp(_day(index, 5), 7))
    spec = vendor_delivery_note(receipt, name=_name(index, "delivery_note", kind), number=f"DN-{index:06d}", layout=rng.choice(LAYOUTS), language=rng.choice(LANGUAGES))
    if kind == "quantity_mismatch":
        seed_quantity(spec, 1, first.quantity)
    elif kind == "line_not_on_order":
        spare = next(product for product in products_of(vendor) if product not in products)
        item = spare.vendor_item(vendor)
        seed_line_not_on_order(spec, PrintedLine(item.code, item.name, _quantity(spare, rng), _unit_of(spare, spec.language)))
    return spec, ledger


def build_credit_note(index: int, kind: str | None, rng: random.Random) -> tuple[DocumentSpec, Ledger]:
    """A vendor's credit note for part of a billed delivery that went back."""
    ledger = Ledger()
    vendor = rng.choice(VENDORS)
    _distractor(ledger, vendor, index, rng)
    products = _pick_products(vendor, rng, at_most=3)
    order = ledger.purchase(vendor, _items(products, rng), ordered=_stamp(_day(index, -20), 9))
    receipt = ledger.receive(order, done=_stamp(_day(index, -14), 7))
    bill = ledger.bill(order, ref=f"{_number(vendor, index)}-B", invoice_date=_day(index, -13).isoformat())
    sent_back = rng.sample(order.lines, rng.randint(1, len(order.lines)))
    returned = ledger.return_to_vendor(receipt, {line.product.default_code: float(max(1, int(line.quantity // 4))) for line in sent_back}, done=_stamp(_day(index, -2), 10))
    spec = vendor_credit_note(order, returned, name=_name(index, "credit_note", kind), number=f"CN-{index:06d}", issued=_day(index).isoformat(),
                              layout=rng.choice(LAYOUTS), language=rng.choice(LANGUAGES), credited_invoice=bill.ref, negative=rng.random() < 0.5)
    line = rng.randint(1, len(spec.lines))
    printed = spec.lines[line - 1]
    if kind == "quantity_mismatch":
        seed_quantity(spec, line, printed.quantity + 1 if printed.quantity < 2 else printed.quantity - 1)
    elif kind == "price_mismatch":
        assert printed.unit_price is not None
        seed_price(spec, line, round(printed.unit_price * 0.9, 2))
    return spec, ledger


BUILDERS: dict[str, Callable[[int, str | None, random.Random], tuple[DocumentSpec, Ledger]]] = {
    "credit_note": build_credit_note,
    "invoice": build_invoice,
    "purchase_order": build_customer_po,
    "bill_of_lading": build_bill_of_lading,
    "proof_of_delivery": build_proof_of_delivery,
    "delivery_note": build_delivery_note,
}


def _name(index: int, doc_type: str, kind: str | None) -> str:
    return f"pair-{index:04d}-{doc_type.replace('_', '-')}-{(kind or 'clean').replace('_', '-')}"


def _number(vendor: str, index: int) -> str:
    prefix = {"hansa": "RE-S", "vdberg": "VDB-S", "alpquell": "AQ-S", "greenline": "GL-S", "prairie": "PNC-S"}[vendor]
    return f"{prefix}{index:05d}"


def build_pair(index: int, seed: int, *, clean_share: float = DEFAULT_CLEAN_SHARE, scan_share: float = 0.0) -> Pair:
    """Build pair `index` of the run with `seed`; the same arguments give the same pair."""
    rng = random.Random(seed * 100_003 + index)
    kind = None if rng.random() < clean_share else rng.choice(SEEDED_KINDS)
    doc_type = rng.choice(DOC_TYPES_FOR_KIND[kind]) if kind else rng.choice(CLEAN_DOC_TYPES)
    spec, ledger = BUILDERS[doc_type](index, kind, rng)
    return Pair(index, doc_type, kind, spec, ledger, scan=rng.random() < scan_share)


def build_pairs(count: int, seed: int, **options: float) -> Iterator[Pair]:
    for index in range(count):
        yield build_pair(index, seed, **options)


# --- running and scoring -----------------------------------------------------------------


@dataclass
class PairResult:
    name: str
    doc_type: str
    kind: str | None
    scan: bool
    found: list[str]
    seconds: float
    error: str | None = None
    # For a found injected kind with a document line: whether a finding named that line.
    right_line: bool | None = None


@dataclass
class KindScore:
    injected: int = 0
    found: int = 0
    false_alarms: int = 0
    on_line: int = 0  # found with the injected line named, where the seed has a line
    with_line: int = 0  # found where the seed has a line

    @property
    def recall(self) -> float | None:
        return self.found / self.injected if self.injected else None

    @property
    def precision(self) -> float | None:
        flagged = self.found + self.false_alarms
        return self.found / flagged if flagged else None


@dataclass
class SeededReport:
    results: list[PairResult] = field(default_factory=list)

    def scores(self) -> dict[str, KindScore]:
        scores = {kind: KindScore() for kind in SEEDED_KINDS}
        for result in self.results:
            if result.kind:
                scores[result.kind].injected += 1
            for kind in set(result.found):
                if kind not in scores:
                    continue
                if kind == result.kind:
                    scores[kind].found += 1
                    if result.right_line is not None:
                        scores[kind].with_line += 1
                        scores[kind].on_line += result.right_line
                else:
                    scores[kind].false_alarms += 1
        return scores

    @property
    def clean(self) -> list[PairResult]:
        return [result for result in self.results if result.kind is None]

    def other_kinds(self) -> dict[str, int]:
        """Pairs with needs_review or extraction_failed, which are never injected."""
        counts: dict[str, int] = {}
        for result in self.results:
            for kind in set(result.found) - set(SEEDED_KINDS):
                counts[kind] = counts.get(kind, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "pairs": len(self.results),
            "scores": {kind: {"injected": score.injected, "found": score.found, "false_alarms": score.false_alarms, "recall": score.recall, "precision": score.precision, "on_seeded_line": score.on_line, "with_seeded_line": score.with_line} for kind, score in self.scores().items()},
            "clean_pairs": len(self.clean),
            "clean_pairs_with_findings": sum(1 for result in self.clean if result.found),
            "findings_on_clean_pairs": sum(len(result.found) for result in self.clean),
            "other_kinds": self.other_kinds(),
            "errors": sum(1 for result in self.results if result.error),
            "results": [result.__dict__ for result in self.results],
        }


def render_markdown(report: SeededReport) -> str:
    """Return the per-kind table and the clean-pair summary as Markdown."""
    def ratio(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    lines = ["| kind | injected | found | missed | false alarms | recall | precision | on the seeded line |", "|---|---|---|---|---|---|---|---|"]
    for kind, score in report.scores().items():
        on_line = f"{score.on_line} of {score.with_line}" if score.with_line else "-"
        lines.append(f"| {kind} | {score.injected} | {score.found} | {score.injected - score.found} | {score.false_alarms} | {ratio(score.recall)} | {ratio(score.precision)} | {on_line} |")
    clean = report.clean
    scans = sum(result.scan for result in report.results)
    seconds = sum(result.seconds for result in report.results)
    other = ", ".join(f"{kind} on {count} pairs" for kind, count in sorted(report.other_kinds().items())) or "none"
    for label, scanned in (("born-digital", False), ("scanned", True)):
        group = [result for result in report.results if result.scan is scanned]
        seeded = [result for result in group if result.kind]
        hits = sum(1 for result in seeded if result.kind in result.found)
        quiet = sum(1 for result in group if not result.kind and not result.found)
        lines.append(f"| all kinds, {label} pairs | {len(seeded)} | {hits} | {len(seeded) - hits} | {len(group) - len(seeded) - quiet} clean pairs with findings | {ratio(hits / len(seeded) if seeded else None)} | | |")
    lines += [
        "",
        f"{len(report.results)} pairs ({scans} printed as scans), {len(clean)} clean: "
        f"{sum(1 for result in clean if result.found)} clean pairs with findings, {sum(len(result.found) for result in clean)} findings on them (each kind counted once per pair).",
        f"Not injected but reported: {other}. Pipeline errors: {sum(1 for result in report.results if result.error)}. "
        f"Time: {seconds:.0f} s, {seconds / max(1, len(report.results)):.2f} s per pair.",
    ]
    return "\n".join(lines) + "\n"


def run_pair(pair: Pair, folder: Path, settings: Any) -> PairResult:
    """Write the pair's snapshot and document into `folder`, process it, return what was found."""
    from docmatch.demo.generate import write_expected
    from docmatch.demo.layouts import render
    from docmatch.demo.odoo17 import write_snapshot
    from docmatch.odoo.catalog import load_catalog
    from docmatch.odoo.snapshot import SnapshotSource
    from docmatch.pipeline import PipelineContext, process_path
    from docmatch.rules import load_policy

    folder.mkdir(parents=True, exist_ok=True)
    write_snapshot(pair.ledger, folder / "odoo")
    document = folder / f"{pair.name}.pdf"
    render(pair.spec, document)
    write_expected(pair.spec, folder)
    if pair.scan:
        from docmatch.eval.scans import VARIANTS, scan_pdf

        document = scan_pdf(document, VARIANTS["300dpi"], folder / f"{pair.name}.scan.pdf", seed=pair.index)

    started = time.perf_counter()
    try:
        context = PipelineContext(settings=settings, catalog=load_catalog(SnapshotSource(folder / "odoo")), policy=load_policy(settings.rules_file))
        case = process_path(document, context).case
    except Exception as exc:  # one broken pair must not end the run; it is counted as an error
        log.exception("pair %s failed", pair.name)
        return PairResult(pair.name, pair.doc_type, pair.kind, pair.scan, [], time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")
    found = sorted({finding.kind.value for finding in case.findings})
    seeded_line = pair.spec.findings[0].line if pair.spec.findings else None
    right_line = None
    if pair.kind in found and seeded_line is not None:
        right_line = any(finding.kind.value == pair.kind and finding.line == seeded_line for finding in case.findings)
    return PairResult(pair.name, pair.doc_type, pair.kind, pair.scan, found, time.perf_counter() - started, right_line=right_line)


def evaluate(count: int, seed: int, out: Path, *, clean_share: float = DEFAULT_CLEAN_SHARE, scan_share: float = 0.0, progress: Callable[[int], None] | None = None) -> SeededReport:
    """Build, print and process `count` pairs under `out`; return the scores."""
    from docmatch.settings import load_settings

    settings = load_settings(company_timezone="Europe/Berlin", data_dir=out / "data")
    report = SeededReport()
    for pair in build_pairs(count, seed, clean_share=clean_share, scan_share=scan_share):
        report.results.append(run_pair(pair, out / "pairs" / pair.name, settings))
        if progress:
            progress(1)
    (out / "results.json").write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(render_markdown(report), encoding="utf-8")
    log.info("seeded evaluation finished: %d pairs", count)
    return report

