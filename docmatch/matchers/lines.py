"""Pair document lines with order lines as one global assignment.

Each document line first gets its product from the codes it prints, strongest first:
a code a reviewer confirmed before for this partner, the partner's own code
(`product.supplierinfo.product_code` of that vendor only), our internal reference, the
barcode. A printed code that matches none of them is an unknown product: the line is
never paired by its description instead, however alike the text is. A code whose
look-alike key (0/O, 1/I) points at more than one product is ambiguous and goes to a
person, unless the text layer of a born-digital PDF printed it (no OCR misreading).

Lines without a code are scored on description similarity (rapidfuzz). Every pair
then gains a little for a plausible quantity and price, and scipy's
`linear_sum_assignment` picks the pairing with the best total score, so two similar
lines cannot both take the same order line. A description pairing must lead the
runner-up of another product by `AMBIGUITY_MARGIN` points, or the line is ambiguous.
A line with neither code nor words pairs only on an exact quantity and price.

Scans get two more chances, each only when the quantity and the price both agree
with the order line: a unit that does not convert ("Ib", or the egg size "L" read
as the unit) gives way to the order line's unit, and a lost unit to the one
packaging that fits. The conversion text says so.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from docmatch.matchers.index import MatchIndex
from docmatch.matchers.normalize import code_key, confusable_key, description_key
from docmatch.matchers.uom import UnitResolution, line_factor, read_unit
from docmatch.models import ExtractedLine, LinePair, OdooRef
from docmatch.odoo.catalog import Catalog
from docmatch.odoo.records import Order, OrderKey, OrderLine, Product

log = logging.getLogger(__name__)

CODE_SCORE = 100.0
# A code cut short in print counts a little less than a whole one. The description then
# decides between the order lines whose codes start the same way.
PREFIX_SCORE = 70.0
PREFIX_DESCRIPTION_WEIGHT = 0.25
# Description scores are scaled below any code match.
DESCRIPTION_WEIGHT = 0.8
DESCRIPTION_CUTOFF = 62.0
AMBIGUITY_MARGIN = 8.0
# A line without code or words pairs only on an exact quantity and price, below any text match.
NUMBERS_ONLY_SCORE = 40.0
QUANTITY_BONUS = 6.0
PRICE_BONUS = 4.0
# A price within this share of the order price counts as plausible for scoring only.
PLAUSIBLE_PRICE_SHARE = 0.02
_FORBIDDEN = 1e9
_CODE_TOKEN = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9\-./]{2,}$")


@dataclass(slots=True)
class ProductEvidence:
    """The products a document line's printed code names, or why it names none."""

    product_ids: list[int] = field(default_factory=list)
    method: str | None = None
    issue: str | None = None
    candidates: list[int] = field(default_factory=list)
    code: str | None = None
    # A code cut short in print ("DRY-FLOUR-..."): only order lines whose code starts so.
    prefix: str | None = None


@dataclass(slots=True)
class PairingInput:
    """The partner, the cited orders and how far printed codes are trusted, for pairing."""

    partner_id: int | None
    orders: list[Order]
    trust_printed_codes: bool


def identify_product(line: ExtractedLine, partner_id: int | None, index: MatchIndex, catalog: Catalog, *, trust_printed_codes: bool) -> ProductEvidence:
    """Return the product(s) a line's printed code names, or why it names none."""
    codes = [line.code] if looks_like_code(line.code) else _codes_in_description(line.description, partner_id, index, catalog)
    if not codes:
        return ProductEvidence()
    code = codes[0]
    if code.rstrip().endswith(("...", "…")):
        log.debug("printed code is cut short; only order lines whose code starts the same way qualify")
        return ProductEvidence(method="code_prefix", code=code, prefix=code_key(code.rstrip().rstrip(".…")))

    exact, method = _exact_products(code, partner_id, index, catalog)
    lookalikes = _lookalike_products(code, partner_id, index)

    if exact:
        others = [product_id for product_id in lookalikes if product_id not in exact]
        if others and method != "learned" and not trust_printed_codes:
            log.debug("code matches a product exactly but look-alike codes name %d other products; left for review", len(others))
            return ProductEvidence(issue="ambiguous", candidates=exact + others, code=code, method=method)
        return ProductEvidence(product_ids=exact, method=method, code=code)

    if len(lookalikes) == 1:
        log.debug("code resolved through look-alike characters to one product")
        return ProductEvidence(product_ids=lookalikes, method="lookalike_code", code=code)
    if len(lookalikes) > 1:
        return ProductEvidence(issue="ambiguous", candidates=lookalikes, code=code)
    log.debug("printed code is neither the partner's code, an internal reference nor a barcode")
    return ProductEvidence(issue="unknown_product", code=code)


def has_unreadable_text(line: ExtractedLine) -> bool:
    """Return whether the line's code or description still holds U+FFFD, the mark of a glyph
    whose character the PDF does not say; matching such text would be guessing."""
    return "replacement_character" in line.flags or any("\ufffd" in (text or "") for text in (line.code, line.description))


def looks_like_code(text: str | None) -> bool:
    """Tell a product code (one or two tokens) from words the reader put in the code column."""
    if not text or not text.strip():
        return False
    tokens = text.split()
    return len(tokens) <= 2 and (len(tokens) == 1 or any(char.isdigit() for char in text))


def _numbers_fit(line: ExtractedLine, order_line: OrderLine) -> bool:
    """True when the line's quantity and unit price equal the order line's, in its unit."""
    if not line.quantity or not line.unit_price or not order_line.price_unit:
        return False
    quantity = abs(line.quantity)
    candidates = (order_line.quantity, order_line.qty_moved, order_line.qty_moved - order_line.qty_invoiced)
    quantity_fits = any(abs(quantity - candidate) <= 1e-6 * max(1.0, candidate) for candidate in candidates if candidate > 0)
    price_fits = abs(abs(line.unit_price) - order_line.price_unit) <= PLAUSIBLE_PRICE_SHARE * order_line.price_unit
    return quantity_fits and price_fits


def _unit_misread(line: ExtractedLine, order_line: OrderLine, product: Product) -> bool:
    """Tell whether a scanned unit is likely a misreading rather than a wrong unit.

    It is when no unit code reads that way at all, or when it is a word of the
    product's own description ("eggs L", "1 L carton") that OCR put in the unit column.
    A real unit that just does not fit the product ("KG" for cable ties) is not.
    """
    if read_unit(line.uom).kind is None:
        return True
    printed = (line.uom or "").strip().lower()
    words = set(description_key(order_line.description).split()) | set(description_key(product.name).split()) | set(description_key(line.description).split())
    return printed in words


def _codes_in_description(description: str | None, partner_id: int | None, index: MatchIndex, catalog: Catalog) -> list[str]:
    """Return a code-like first word of the description that the catalog contains exactly."""
    if not description:
        return []
    words = description.split()
    for word in words[:2]:
        token = word.strip("[]():,;")
        if not _CODE_TOKEN.match(token):
            continue
        key = code_key(token)
        learned = (partner_id, token) in catalog.learned_vendor_codes or (partner_id, key) in catalog.learned_vendor_codes
        if learned or (partner_id, key) in index.vendor_codes or key in index.products_by_code or key in index.products_by_barcode:
            return [token]
    return []


def _exact_products(code: str, partner_id: int | None, index: MatchIndex, catalog: Catalog) -> tuple[list[int], str | None]:
    key = code_key(code)
    if partner_id is not None:
        learned = catalog.learned_vendor_codes.get((partner_id, code)) or catalog.learned_vendor_codes.get((partner_id, key))
        if learned is not None:
            return [learned], "learned"
        vendor = index.vendor_codes.get((partner_id, key))
        if vendor:
            return list(vendor), "vendor_code"
    for table, method in ((index.products_by_code, "default_code"), (index.products_by_barcode, "barcode")):
        found = table.get(key)
        if found:
            return list(found), method
    return [], None


def _lookalike_products(code: str, partner_id: int | None, index: MatchIndex) -> list[int]:
    key = confusable_key(code)
    found: list[int] = []
    if partner_id is not None:
        found.extend(index.vendor_codes_confusable.get((partner_id, key), []))
    found.extend(product_id for product_id in index.products_by_code_confusable.get(key, []) if product_id not in found)
    return found


class LinePairer:
    """Pairs the lines of one document with the lines of the orders it cites."""

    def __init__(self, catalog: Catalog, index: MatchIndex, context: PairingInput) -> None:
        self.catalog = catalog
        self.index = index
        self.context = context
        self.order_lines: list[OrderLine] = [line for order in context.orders for line in catalog.lines_of(order)]
        self.orders_by_key = {order.key: order for order in context.orders}
        self._text_keys: dict[OrderKey, list[str]] = {}
        self._units: dict[tuple[int, OrderKey | int], UnitResolution] = {}

    def pair(self, lines: list[ExtractedLine]) -> tuple[list[LinePair], list[int], list[OdooRef]]:
        """Return the pairs, the unpaired document lines and the unpaired order lines."""
        evidence = [identify_product(line, self.context.partner_id, self.index, self.catalog, trust_printed_codes=self.context.trust_printed_codes) for line in lines]
        scores = self._score_matrix(lines, evidence)
        assigned = self._assign(scores)

        pairs: list[LinePair] = []
        used_columns: set[int] = set()
        for row, line in enumerate(lines):
            column = assigned.get(row)
            if column is None:
                column = self._same_product_column(evidence[row])
            pair = self._pair_for(row, line, evidence[row], scores, column)
            if pair.odoo_line is not None and column is not None:
                used_columns.add(column)
            pairs.append(pair)

        self._drop_paired_proposals(pairs)
        unpaired_document = [pair.document_line for pair in pairs if pair.odoo_line is None and pair.document_line is not None]
        unpaired_odoo = [self._line_ref(line) for column, line in enumerate(self.order_lines) if column not in used_columns]
        return pairs, unpaired_document, unpaired_odoo

    # -- scoring ------------------------------------------------------------------------

    def _score_matrix(self, lines: list[ExtractedLine], evidence: list[ProductEvidence]) -> np.ndarray:
        scores = np.full((len(lines), len(self.order_lines)), -_FORBIDDEN)
        for row, line in enumerate(lines):
            for column, order_line in enumerate(self.order_lines):
                base = self._identity_score(line, evidence[row], order_line)
                if base is None:
                    continue
                scores[row, column] = base + self._plausibility(line, order_line)
        return scores

    def _identity_score(self, line: ExtractedLine, evidence: ProductEvidence, order_line: OrderLine) -> float | None:
        if has_unreadable_text(line):
            return None
        if evidence.product_ids:
            return CODE_SCORE if order_line.product_id in evidence.product_ids else None
        if evidence.issue is not None:
            return None
        if evidence.prefix and self._prefix_fits_any(evidence.prefix):
            if not self._code_starts_with(order_line, evidence.prefix):
                return None
            return PREFIX_SCORE + self._description_similarity(line.description, order_line) * PREFIX_DESCRIPTION_WEIGHT
        if not any(char.isalpha() for char in line.description or ""):
            # Nothing readable names the product: only an exact quantity and price can.
            return NUMBERS_ONLY_SCORE if _numbers_fit(line, order_line) else None
        similarity = self._description_similarity(line.description, order_line)
        return similarity * DESCRIPTION_WEIGHT if similarity >= DESCRIPTION_CUTOFF else None

    def _code_starts_with(self, order_line: OrderLine, prefix: str) -> bool:
        product = self.catalog.products.get(order_line.product_id or -1)
        if product is None:
            return False
        keys = [code_key(product.default_code), *self.index.vendor_code_keys.get((self.context.partner_id or -1, product.id), [])]
        return any(key.startswith(prefix) for key in keys if key)

    def _prefix_fits_any(self, prefix: str) -> bool:
        return any(self._code_starts_with(order_line, prefix) for order_line in self.order_lines)

    def _description_similarity(self, description: str | None, order_line: OrderLine) -> float:
        printed = description_key(description)
        if not printed:
            return 0.0
        best = 0.0
        for key in self._order_line_texts(order_line):
            # Sorted-token similarity keeps word order out; set similarity alone
            # would call "Flange" identical to every flange.
            best = max(best, (fuzz.token_sort_ratio(printed, key) + fuzz.token_set_ratio(printed, key)) / 2)
        return best

    def _order_line_texts(self, order_line: OrderLine) -> list[str]:
        """Return the order line's description, product name and the vendor's name for it, as keys."""
        if order_line.key not in self._text_keys:
            product = self.catalog.products.get(order_line.product_id or -1)
            texts = [order_line.description]
            if product is not None:
                texts.append(product.name)
                texts.append(self.index.vendor_names.get(self.context.partner_id or -1, {}).get(product.id, ""))
            self._text_keys[order_line.key] = list(dict.fromkeys(key for key in map(description_key, texts) if key))
        return self._text_keys[order_line.key]

    def _plausibility(self, line: ExtractedLine, order_line: OrderLine) -> float:
        product = self.catalog.products.get(order_line.product_id or -1)
        if product is None or line.quantity is None:
            return 0.0
        resolution = self.resolve_unit(line, product, order_line)
        ordered_factor = line_factor(self.catalog, order_line, product)
        if resolution.factor is None or ordered_factor is None:
            return 0.0
        bonus = 0.0
        document_base = abs(line.quantity) * resolution.factor
        ordered_base = order_line.quantity * ordered_factor
        if abs(document_base - ordered_base) <= 1e-6 * max(1.0, ordered_base) or abs(document_base - order_line.qty_moved * ordered_factor) <= 1e-6:
            bonus += QUANTITY_BONUS
        if line.unit_price and order_line.price_unit:
            document_price = abs(line.unit_price) / resolution.factor
            ordered_price = order_line.price_unit / ordered_factor
            if abs(document_price - ordered_price) <= PLAUSIBLE_PRICE_SHARE * ordered_price:
                bonus += PRICE_BONUS
        return bonus

    def _assign(self, scores: np.ndarray) -> dict[int, int]:
        if scores.size == 0:
            return {}
        rows, columns = linear_sum_assignment(-np.maximum(scores, -_FORBIDDEN))
        return {int(row): int(column) for row, column in zip(rows, columns) if scores[row, column] > -_FORBIDDEN / 2}

    def _same_product_column(self, evidence: ProductEvidence) -> int | None:
        """Return the order line a second document line of an already paired product also bills."""
        if not evidence.product_ids:
            return None
        for column, order_line in enumerate(self.order_lines):
            if order_line.product_id in evidence.product_ids:
                return column
        return None

    # -- building pairs -----------------------------------------------------------------

    def _pair_for(self, row: int, line: ExtractedLine, evidence: ProductEvidence, scores: np.ndarray, column: int | None) -> LinePair:
        if has_unreadable_text(line):
            log.debug("line %d still holds characters without a Unicode mapping; not matched to a product", row + 1)
            return LinePair(document_line=row, method=None, issue="unreadable_text")
        if evidence.issue == "unknown_product" and not evidence.candidates:
            # Proposals for the reviewer, never a match: an unknown code stays unknown.
            proposed = self._description_proposals(line)
            return LinePair(document_line=row, method=evidence.method, issue=evidence.issue, candidates=[self._product_ref(product_id) for product_id in proposed])
        if evidence.issue is not None:
            return LinePair(document_line=row, method=evidence.method, issue=evidence.issue, candidates=[self._product_ref(product_id) for product_id in evidence.candidates])

        if column is None:
            if evidence.product_ids:
                return LinePair(document_line=row, method=evidence.method, product=self._product_ref(evidence.product_ids[0]), issue="not_on_order")
            if not (evidence.code or line.unit_price or line.amount or line.uom):
                # No code, unit or price, and no order line like it: text the reader took for a line.
                log.debug("line %d has no code, unit or price and resembles no order line; not treated as an item", row + 1)
                return LinePair(document_line=row, method="description", issue="not_an_item")
            return LinePair(document_line=row, method="description", issue="not_on_order")

        order_line = self.order_lines[column]
        score = float(scores[row, column])
        runner_up = self._runner_up(scores, row, column)
        method = evidence.method or ("description" if any(char.isalpha() for char in line.description or "") else "quantity_price")
        if method in ("description", "code_prefix", "quantity_price") and runner_up is not None and score - runner_up < AMBIGUITY_MARGIN:
            log.debug("line %d: description pairing leads the runner-up by %.1f points only; left for review", row + 1, score - runner_up)
            close = [self._line_ref(self.order_lines[other]) for other in np.flatnonzero(scores[row] >= score - AMBIGUITY_MARGIN)]
            return LinePair(document_line=row, method=method, score=score, runner_up_score=runner_up, issue="ambiguous", candidates=close)

        log.debug("line %d paired with order line %d by %s (score %.1f)", row + 1, order_line.id, method, score)
        return self._stand_pair(row, line, order_line, method, score, runner_up)

    @staticmethod
    def _drop_paired_proposals(pairs: list[LinePair]) -> None:
        """Leave out of an unknown code's proposals the products other lines paired with."""
        paired = {pair.product.id for pair in pairs if pair.odoo_line is not None and pair.product is not None}
        for pair in pairs:
            if pair.issue == "unknown_product" and pair.candidates:
                pair.candidates = [candidate for candidate in pair.candidates if candidate.id not in paired]

    def _description_proposals(self, line: ExtractedLine) -> list[int]:
        """Return the order's products whose description resembles the line's: the best one
        alone when it leads the others by the ambiguity margin, else every close one."""
        scored: dict[int, float] = {}
        for order_line in self.order_lines:
            if order_line.product_id is None:
                continue
            similarity = self._description_similarity(line.description, order_line)
            if similarity >= DESCRIPTION_CUTOFF:
                scored[order_line.product_id] = max(similarity, scored.get(order_line.product_id, 0.0))
        ranked = sorted(scored.items(), key=lambda item: item[1], reverse=True)
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] >= AMBIGUITY_MARGIN:
            return [ranked[0][0]]
        return [product_id for product_id, score in ranked if score >= ranked[0][1] - AMBIGUITY_MARGIN]

    def _stand_pair(self, row: int, line: ExtractedLine, order_line: OrderLine, method: str, score: float, runner_up: float | None) -> LinePair:
        order = self.orders_by_key[order_line.order_key]
        product = self.catalog.products.get(order_line.product_id or -1)
        pair = LinePair(
            document_line=row,
            odoo_line=self._line_ref(order_line),
            order=OdooRef(model=order.model, id=order.id, name=order.name),
            product=self._product_ref(product.id) if product else None,
            method=method,
            score=score,
            runner_up_score=runner_up,
        )
        if product is None:
            return pair
        resolution = self.resolve_unit(line, product, order_line)
        ordered_factor = line_factor(self.catalog, order_line, product)
        if resolution.issue is not None and not self.context.trust_printed_codes and ordered_factor is not None and _numbers_fit(line, order_line) and _unit_misread(line, order_line, product):
            resolution = self._ocr_unit_fallback(line, order_line, resolution, ordered_factor)
        if not (line.uom or "").strip() and not self.context.trust_printed_codes and ordered_factor is not None:
            resolution = self._packaging_for_lost_unit(line, order_line, product, ordered_factor) or resolution
        pair.unit_factor = resolution.factor
        pair.conversion = resolution.conversion
        pair.issue = resolution.issue
        if resolution.factor is not None and line.quantity is not None:
            pair.document_quantity_base = abs(line.quantity) * resolution.factor
        if ordered_factor is not None:
            pair.odoo_quantity_base = order_line.quantity * ordered_factor
        return pair

    def _ocr_unit_fallback(self, line: ExtractedLine, order_line: OrderLine, resolution: UnitResolution, ordered_factor: float) -> UnitResolution:
        """Use the order line's unit for an OCR-read unit that does not convert but whose numbers fit it.

        A scan turns "lb" into "Ib" or takes a size from the description ("eggs L") for the
        unit. When the quantity and the unit price both equal the order line's, in the
        order line's unit, that unit is what was printed.
        """
        unit = self.catalog.uoms[order_line.uom_id]
        log.debug("OCR unit does not convert but quantity and price fit the order line's unit; that unit is used")
        conversion = f"the unit read by OCR, {line.uom!r}, does not convert ({resolution.conversion}); quantity and price fit the order line's unit {unit.name}, which was used"
        return UnitResolution(ordered_factor, conversion, uom_id=unit.id)

    def _packaging_for_lost_unit(self, line: ExtractedLine, order_line: OrderLine, product: Product, ordered_factor: float) -> UnitResolution | None:
        """Find the packaging a scanned line without a unit was counted in, when only one fits.

        OCR may drop a short unit such as "CT". When the quantity counted in one of the
        product's packagings equals the order line's and the price per packaging equals
        the order price for that many units, the line was printed in that packaging.
        """
        if not line.quantity or not line.unit_price or _numbers_fit(line, order_line):
            return None
        base_price = order_line.price_unit / ordered_factor
        due = [order_line.quantity * ordered_factor, order_line.qty_moved * ordered_factor, (order_line.qty_moved - order_line.qty_invoiced) * ordered_factor]
        fitting = [
            packaging for packaging in product.packagings
            if packaging.quantity > 0
            and any(abs(abs(line.quantity) * packaging.quantity - base) <= 1e-6 * max(1.0, base) for base in due if base > 0)
            and abs(abs(line.unit_price) / packaging.quantity - base_price) <= PLAUSIBLE_PRICE_SHARE * base_price
        ]
        if len(fitting) != 1:
            return None
        packaging = fitting[0]
        log.debug("scanned line without a unit fits one packaging in quantity and price; that packaging is used")
        base = self.catalog.uoms[product.uom_id]
        conversion = f"no unit read by OCR; quantity and price fit the packaging {packaging.name} (1 = {packaging.quantity:g} {base.name}), which was used"
        return UnitResolution(packaging.quantity, conversion, packaging_id=packaging.id)

    def _runner_up(self, scores: np.ndarray, row: int, column: int) -> float | None:
        chosen_product = self.order_lines[column].product_id
        others = [float(scores[row, other]) for other in range(scores.shape[1]) if other != column and scores[row, other] > -_FORBIDDEN / 2 and self.order_lines[other].product_id != chosen_product]
        return max(others) if others else None

    def resolve_unit(self, line: ExtractedLine, product: Product, order_line: OrderLine | None) -> UnitResolution:
        """Resolve the printed unit of `line` into base units of `product`, once per line and order line."""
        key = (id(line), order_line.key if order_line else -product.id)
        if key not in self._units:
            assert self.index.units is not None
            self._units[key] = self.index.units.resolve(line.uom, product, order_line=order_line, partner_id=self.context.partner_id)
        return self._units[key]

    def _line_ref(self, order_line: OrderLine) -> OdooRef:
        model = f"{order_line.kind}.order.line"
        return OdooRef(model=model, id=order_line.id, name=order_line.description[:80])

    def _product_ref(self, product_id: int) -> OdooRef:
        product = self.catalog.products.get(product_id)
        if product is None:
            return OdooRef(model="product.product", id=product_id, name=str(product_id))
        name = f"[{product.default_code}] {product.name}" if product.default_code else product.name
        return OdooRef(model="product.product", id=product_id, name=name)
