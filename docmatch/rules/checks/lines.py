"""Line checks: pairing outcomes, units, quantities and prices.

Quantities are compared in the product's base unit, never more strictly than one
rounding step of that unit (Odoo rounds conversions up to it). Every quantity finding
names the conversion that turned the printed quantity into base units.

Vendor invoices are checked three ways: what is billed now against what was received
(done receipts, with backorders and returns already netted into Odoo's received
quantity) less what was billed before. Billing more than was ordered is a
`quantity_mismatch`. Billing more than was received, but not more than ordered, is
`billed_exceeds_received`. Billing less than is due is a `quantity_mismatch` too. With the
policy's `bill_on: ordered`, the ordered quantity takes the place of the received one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from docmatch.matchers.index import get_index
from docmatch.matchers.uom import format_quantity, line_factor
from docmatch.models import ExtractedLine, FindingKind, LinePair
from docmatch.odoo.records import OrderLine, Product, Uom, order_kind
from docmatch.rules.context import CheckContext, money, quantity_text
from docmatch.rules.policy import AppliedRules

BILLING_TYPES = frozenset({"invoice", "receipt"})
ORDER_TYPES = frozenset({"purchase_order"})
# Document types that print amounts, so that a line the reader missed shows in the net.
PRICED_TYPES = frozenset({"invoice", "credit_note", "receipt", "purchase_order"})


@dataclass
class LineGroup:
    """The document lines paired with one order line (a line may be billed in parts)."""

    order_line: OrderLine
    product: Product
    pairs: list[LinePair]
    base: Uom
    line_unit: Uom
    factor: float

    @property
    def document_base(self) -> float:
        return sum(pair.document_quantity_base or 0.0 for pair in self.pairs)

    def base_of(self, quantity: float) -> float:
        return quantity * self.factor

    def in_line_unit(self, base_quantity: float) -> float:
        return base_quantity / self.factor

    def text(self, base_quantity: float) -> str:
        """'288 Units' in the base unit, rounded as Odoo shows it."""
        return quantity_text(base_quantity, self.base.name, self.base.rounding)

    def text_in_line_unit(self, base_quantity: float) -> str:
        return quantity_text(self.in_line_unit(base_quantity), self.line_unit.name, self.line_unit.rounding)

    def text_both(self, base_quantity: float) -> str:
        """'2 Case of 12 (24 Units)': the order line's unit, then the base unit when it differs."""
        if self.line_unit.id == self.base.id:
            return self.text(base_quantity)
        return f"{self.text_in_line_unit(base_quantity)} ({self.text(base_quantity)})"


def check_pairing(context: CheckContext) -> None:
    """Report document lines that did not pair, and why."""
    for pair in context.match.pairs:
        line = context.document_line(pair)
        if line is None or pair.issue is None:
            continue
        number = context.line_number(pair)
        if pair.issue == "not_an_item":
            context.passed(f"line {number}", "no code, unit or price and like no order line: not an item")
            continue
        printed = line.code or line.description
        if pair.issue == "unknown_product":
            context.add(
                FindingKind.UNKNOWN_PRODUCT, "lines.product",
                f"Line {number}: the code {line.code!r} is not this partner's product code, an internal reference or a barcode in Odoo; it was not matched by description.",
                line=number, document_value=printed, evidence=_vendor_code_proposal(context, pair, line),
            )
        elif pair.issue == "unreadable_text":
            context.add(
                FindingKind.NEEDS_REVIEW, "lines.unreadable",
                f"Line {number}: part of its text could not be read (characters the PDF gives no meaning for); it was not matched to a product.",
                line=number, document_value=printed, evidence={"flag": "replacement_character"},
            )
        elif pair.issue == "ambiguous":
            names = ", ".join(candidate.name for candidate in pair.candidates)
            context.add(
                FindingKind.NEEDS_REVIEW, "lines.ambiguous",
                f"Line {number}: {printed!r} fits more than one Odoo record ({names}); docmatch did not choose.",
                line=number, document_value=printed, odoo_value=names,
                evidence={"candidates": [candidate.model_dump() for candidate in pair.candidates], "score": pair.score, "runner_up_score": pair.runner_up_score},
            )
        elif pair.issue == "not_on_order":
            orders = ", ".join(record.name for record in context.match.records) or "the cited orders"
            context.add(
                FindingKind.LINE_NOT_ON_ORDER, "lines.order",
                f"Line {number}: {printed!r} is not on {orders}.",
                line=number, document_value=printed, odoo_value=pair.product.name if pair.product else None,
                evidence={"product": pair.product.model_dump() if pair.product else None, "method": pair.method},
            )
        elif pair.issue in ("unknown_unit", "incompatible_unit"):
            order_line = context.order_line(pair)
            unit = context.catalog.uoms.get(order_line.uom_id) if order_line else None
            context.add(
                FindingKind.UOM_MISMATCH, "lines.unit",
                f"Line {number}: the unit {line.uom!r} cannot be converted for {pair.product.name if pair.product else 'the product'}: {pair.conversion}.",
                rules=context.rules(context.product(pair)),
                line=number, document_value=line.uom, odoo_value=unit.name if unit else None, evidence=_unit_proposal(context, pair, line),
            )


def _partner_id(context: CheckContext) -> int | None:
    partner = context.partner
    return partner.commercial_id if partner else None


def _vendor_code_proposal(context: CheckContext, pair: LinePair, line: ExtractedLine) -> dict[str, object]:
    """Return the evidence of an unknown code, with the products a reviewer may confirm for it.

    A reviewer who accepts the ticket confirms the pairing when exactly one candidate
    product is left; docmatch then uses the code for that product next time.
    """
    evidence: dict[str, object] = {"code": line.code, "description": line.description}
    partner_id = _partner_id(context)
    if partner_id and line.code:
        evidence["partner_id"] = partner_id
        evidence["vendor_code"] = line.code
        evidence["candidate_product_ids"] = [candidate.id for candidate in pair.candidates if candidate.model == "product.product"]
    return evidence


def _unit_proposal(context: CheckContext, pair: LinePair, line: ExtractedLine) -> dict[str, object]:
    """Return the evidence of an unreadable unit; a product with one packaging proposes it."""
    evidence: dict[str, object] = {"conversion": pair.conversion}
    product = context.product(pair)
    partner_id = _partner_id(context)
    if partner_id and line.uom and product is not None and len(product.packagings) == 1:
        evidence.update(partner_id=partner_id, printed_unit=line.uom, unit_model="product.packaging", unit_id=product.packagings[0].id)
    return evidence


def line_groups(context: CheckContext) -> list[LineGroup]:
    """Group the standing pairs by order line, with the units needed to compare them."""
    grouped: dict[tuple[str, int], list[LinePair]] = defaultdict(list)
    for pair in context.match.pairs:
        if pair.odoo_line is not None and pair.issue is None and pair.unit_factor is not None:
            grouped[(pair.odoo_line.model, pair.odoo_line.id)].append(pair)
    groups = []
    for pairs in grouped.values():
        order_line = context.order_line(pairs[0])
        product = context.product(pairs[0])
        if order_line is None or product is None:
            continue
        factor = line_factor(context.catalog, order_line, product)
        base = context.catalog.uoms.get(product.uom_id)
        line_unit = context.catalog.uoms.get(order_line.uom_id)
        if factor is None or base is None or line_unit is None:
            continue
        groups.append(LineGroup(order_line, product, pairs, base, line_unit, factor))
    return groups


def check_uncomparable_lines(context: CheckContext, groups: list[LineGroup]) -> None:
    """Send to review each paired line whose quantities cannot be compared, rather than pass it.

    Without the product's or the order line's unit, or a conversion between them, no
    quantity, price or total check can run on the line, and saying nothing would make
    the document look clean.
    """
    grouped = {(pair.odoo_line.model, pair.odoo_line.id) for group in groups for pair in group.pairs if pair.odoo_line is not None}
    for pair in context.match.pairs:
        if pair.odoo_line is None or pair.issue is not None or pair.unit_factor is None or (pair.odoo_line.model, pair.odoo_line.id) in grouped:
            continue
        order_line = context.order_line(pair)
        product = context.product(pair)
        reason = _why_uncomparable(context, order_line, product)
        number = context.line_number(pair)
        context.add(
            FindingKind.NEEDS_REVIEW,
            "review.units",
            f"Line {number}: {reason}, so its quantity and price were not compared with {pair.order.name if pair.order else 'the order'}. Please compare the line by hand.",
            line=number,
            odoo_value=pair.odoo_line.name,
            evidence={"order_line": pair.odoo_line.id, "reason": reason},
        )


def _why_uncomparable(context: CheckContext, order_line: OrderLine | None, product: Product | None) -> str:
    if order_line is None or product is None:
        return "the order line or its product is not in the records read from Odoo"
    if context.catalog.uoms.get(product.uom_id) is None:
        return f"the product's unit of measure (id {product.uom_id or 'none'}) is not in the records read from Odoo"
    if context.catalog.uoms.get(order_line.uom_id) is None:
        return f"the order line has no unit of measure Odoo gave (id {order_line.uom_id or 'none'})"
    return "the order line's unit does not convert to the product's unit"


def check_billed_quantities(context: CheckContext, groups: list[LineGroup]) -> None:
    """Vendor invoices: billed against received (or ordered) less billed before."""
    for group in groups:
        rules = context.rules(group.product)
        billed = group.document_base
        ordered = group.base_of(group.order_line.quantity)
        received = group.base_of(group.order_line.qty_moved)
        billed_before = group.base_of(group.order_line.qty_invoiced)
        basis = received if rules.bill_on == "received" else ordered
        due = max(basis - billed_before, 0.0)
        tolerance = rules.quantity
        floor = group.base.rounding
        if tolerance.accepts(billed, due, floor=floor):
            context.passed(f"quantity of order line {group.order_line.id}", f"billed {billed} vs due {due} {group.base.name}")
            continue

        if _unit_slip(context, group, rules, due):
            continue
        if billed > ordered - billed_before and not tolerance.accepts(billed, ordered - billed_before, floor=floor):
            kind, relation = FindingKind.QUANTITY_MISMATCH, "more than ordered"
        elif billed > due:
            kind, relation = FindingKind.BILLED_EXCEEDS_RECEIVED, "more than received" if rules.bill_on == "received" else "more than ordered"
        else:
            kind, relation = FindingKind.QUANTITY_MISMATCH, "less than " + ("received" if rules.bill_on == "received" else "ordered")
        _quantity_finding(context, group, rules, kind, relation, billed, due, floor, {
            "ordered": ordered, "received": received, "billed_before": billed_before, "due": due, "bill_on": rules.bill_on,
        })


def check_credited_quantities(context: CheckContext, groups: list[LineGroup]) -> None:
    """Credit notes: credit what was returned; without a return, never more than was billed."""
    for group in groups:
        rules = context.rules(group.product)
        credited = group.document_base
        floor = group.base.rounding
        returned = returned_quantity(context, group)
        if returned > 0:
            if rules.quantity.accepts(credited, returned, floor=floor):
                context.passed(f"credited quantity of order line {group.order_line.id}", f"{credited} vs returned {returned}")
                continue
            relation = "more than was returned" if credited > returned else "less than was returned"
            _quantity_finding(context, group, rules, FindingKind.QUANTITY_MISMATCH, relation, credited, returned, floor, {"returned": returned})
            continue
        billed_before = group.base_of(group.order_line.qty_invoiced)
        if credited <= billed_before + rules.quantity.allowance(billed_before, floor=floor):
            context.passed(f"credited quantity of order line {group.order_line.id}", f"{credited} within billed {billed_before}")
            continue
        _quantity_finding(context, group, rules, FindingKind.QUANTITY_MISMATCH, "more than was billed", credited, billed_before, floor, {"billed_before": billed_before})


def returned_quantity(context: CheckContext, group: LineGroup) -> float:
    """What done return pickings sent back for the order line, in base units."""
    kind = "purchase" if group.pairs[0].odoo_line and group.pairs[0].odoo_line.model.startswith("purchase") else "sale"
    total = 0.0
    for move_id in get_index(context.catalog).moves_by_order_line.get((kind, group.order_line.id), []):
        move = context.catalog.moves[move_id]
        picking = context.catalog.pickings.get(move.picking_id or -1)
        unit = context.catalog.uoms.get(move.uom_id)
        if picking is None or not picking.is_return or picking.state != "done" or unit is None:
            continue
        total += move.quantity_done * unit.ratio / group.base.ratio
    return total


def check_ordered_quantities(context: CheckContext, groups: list[LineGroup]) -> None:
    """Compare a customer's purchase order with the sale order: the quantities must agree."""
    for group in groups:
        rules = context.rules(group.product)
        document = group.document_base
        ordered = group.base_of(group.order_line.quantity)
        floor = group.base.rounding
        if rules.quantity.accepts(document, ordered, floor=floor):
            context.passed(f"ordered quantity of order line {group.order_line.id}", f"{document} vs {ordered}")
            continue
        if _unit_slip(context, group, rules, ordered):
            continue
        relation = "more than" if document > ordered else "less than"
        _quantity_finding(context, group, rules, FindingKind.QUANTITY_MISMATCH, f"{relation} the sale order", document, ordered, floor, {"ordered": ordered})


def _unit_slip(context: CheckContext, group: LineGroup, rules: AppliedRules, expected_base: float) -> bool:
    """Report a wrong printed unit when the line's amount still fits the order.

    "100 KG @ 1.10 = 110.00" against "100 lb @ 1.10": the quantity and the unit price
    both look wrong once converted, but the amount is what the order expects, so the
    one fault is the unit. It is reported once, as `uom_mismatch`, instead of as a
    quantity and a price difference.
    """
    expected_amount = group.in_line_unit(expected_base) * group.order_line.price_unit * (1 - group.order_line.discount / 100.0)
    document_amount = 0.0
    for pair in group.pairs:
        line = context.document_line(pair)
        if line is None or not line.uom or line.quantity is None or pair.unit_factor is None or abs(pair.unit_factor - group.factor) < 1e-9:
            return False
        price = document_unit_price(line.unit_price, line.quantity, line.amount, getattr(line, "discount", None))
        if price is None:
            return False
        document_amount += abs(line.quantity) * price
    if expected_amount <= 0 or not rules.total.accepts(document_amount, expected_amount):
        return False
    first = group.pairs[0]
    line = context.document_line(first)
    document_base = group.document_base
    context.settled_lines.add(group.order_line.key)
    context.add(
        FindingKind.UOM_MISMATCH,
        "lines.unit",
        f"Line {context.line_number(first)}: the amount fits the order but the unit does not: {format_quantity(abs(line.quantity))} {line.uom} "
        f"is {group.text_both(document_base)}, "
        f"the order expects {group.text_both(expected_base)}. "
        f"Conversion: {first.conversion}.",
        rules=rules,
        tolerance=rules.total.describe(context.currency() or "") + " on the line amount",
        line=context.line_number(first),
        document_value=f"{format_quantity(abs(line.quantity))} {line.uom}",
        odoo_value=group.text_in_line_unit(expected_base),
        evidence={"unit": group.base.name, "document_base": round(document_base, 6), "expected_base": round(expected_base, 6), "conversion": first.conversion,
                  "document_amount": round(document_amount, 2), "expected_amount": round(expected_amount, 2)},
    )
    return True


def _quantity_finding(context: CheckContext, group: LineGroup, rules: AppliedRules, kind: FindingKind, relation: str, document: float, expected: float, floor: float, figures: dict[str, float]) -> None:
    first = group.pairs[0]
    line = context.document_line(first)
    printed = f"{format_quantity(abs(line.quantity))} {line.uom}" if line and line.quantity is not None and line.uom else None
    base_name = group.base.name
    in_line_unit = ""
    if group.line_unit.id != group.base.id:
        in_line_unit = f" ({group.text_in_line_unit(document)})"
    summary = ", ".join(f"{name.replace('_', ' ')} {group.text(value)}" for name, value in figures.items() if isinstance(value, float))
    ratio = f" ({document / expected:.0f}×)" if expected > 0 and document / expected >= 2 else ""
    message = (
        f"Line {context.line_number(first)}: {'billed' if kind != FindingKind.QUANTITY_MISMATCH or context.extraction.doc_type in BILLING_TYPES else 'quantity'} "
        f"{group.text(document)}{in_line_unit}{f' (printed {printed})' if printed else ''} is {relation}: "
        f"expected {group.text(expected)}{f' ({group.text_in_line_unit(expected)})' if in_line_unit else ''} on {group.order_line.description[:60]!r}{ratio}; {summary}. Conversion: {first.conversion}."
    )
    context.add(
        kind,
        rules.quantity.rule,
        message,
        rules=rules,
        tolerance=rules.quantity.describe(base_name, floor=floor, floor_reason=f"one rounding step of {base_name}"),
        line=context.line_number(first),
        document_value=round(document, 6),
        odoo_value=round(expected, 6),
        evidence={"unit": base_name, "conversion": first.conversion, "order_line": group.order_line.id, **{name: round(value, 6) for name, value in figures.items() if isinstance(value, float)}, "summary": summary},
    )


def check_prices(context: CheckContext, groups: list[LineGroup]) -> None:
    """Unit prices against the order line's net price, per unit of the order line."""
    currency = context.currency() or ""
    for group in groups:
        rules = context.rules(group.product)
        expected = group.order_line.price_unit * (1 - group.order_line.discount / 100.0)
        for pair in group.pairs:
            line = context.document_line(pair)
            if line is None or pair.unit_factor is None or group.order_line.key in context.settled_lines:
                continue
            printed_price = document_unit_price(line.unit_price, line.quantity, line.amount, getattr(line, "discount", None))
            if printed_price is None:
                continue
            # Price per base unit, then per unit of the order line.
            document = printed_price / pair.unit_factor * group.factor
            if rules.price.accepts(document, expected):
                context.passed(f"price of line {context.line_number(pair)}", f"{document:.4f} vs {expected:.4f}")
                continue
            per = f" per {group.line_unit.name}"
            converted = "" if abs(pair.unit_factor - group.factor) < 1e-9 else f" ({money(printed_price, currency)} per {line.uom or 'printed unit'} = {money(document, currency)}{per})"
            context.add(
                FindingKind.PRICE_MISMATCH,
                rules.price.rule,
                f"Line {context.line_number(pair)}: unit price {money(document, currency)}{per}{converted} differs from {money(expected, currency)}{per} on the order.",
                rules=rules,
                tolerance=rules.price.describe(currency),
                line=context.line_number(pair),
                document_value=round(document, 6),
                odoo_value=round(expected, 6),
                evidence={
                    "printed_unit_price": printed_price, "printed_unit": line.uom, "order_unit": group.line_unit.name,
                    "conversion": pair.conversion, "discount": group.order_line.discount, "currency": currency or None,
                },
            )


def document_unit_price(unit_price: float | None, quantity: float | None, amount: float | None, discount: float | None) -> float | None:
    """Return the net price per printed unit: the price less a printed discount, else amount ÷ quantity."""
    if unit_price:
        price = abs(unit_price)
        return price * (1 - float(discount) / 100.0) if discount else price
    if amount and quantity:
        return abs(amount) / abs(quantity)
    return None


def check_missing_lines(context: CheckContext) -> None:
    """Order lines the document should list but does not."""
    doc_type = context.extraction.doc_type
    if doc_type in ("credit_note",):
        return
    if not context.extraction.lines:
        # No line was read at all: one question, not a "missing" finding per order line.
        context.add(
            FindingKind.NEEDS_REVIEW,
            "review.lines",
            f"No line items could be read from the document; it cites {', '.join(record.name for record in context.match.records)}. Please compare the lines by hand.",
            evidence={"order_lines": len(context.match.unpaired_odoo_lines)},
        )
        return
    reserved = _lines_under_review(context)
    unread = {order_line.key: amount for order_line, amount in order_lines_not_read(context)}
    absent = []
    for reference in context.match.unpaired_odoo_lines:
        order_line = context.catalog.order_line(reference.model, reference.id)
        if order_line is None or order_line.key in reserved or order_line.product_id in reserved.products:
            continue
        if order_line.key in unread:
            _review_unread_line(context, order_line, unread[order_line.key])
            continue
        product = context.catalog.products.get(order_line.product_id or -1)
        rules = context.rules(product)
        due, what = _due_on_document(context, order_line, rules.bill_on)
        if due <= 0:
            context.passed(f"order line {order_line.id} absent", f"nothing {what} is due on this {doc_type}")
            continue
        absent.append((order_line, rules, due, what))

    unreadable = sum(1 for pair in context.match.pairs if pair.issue == "unreadable_text")
    if 0 < len(absent) <= unreadable:
        # Each absent order line may be one of the lines whose text could not be read,
        # and those lines are under review already.
        context.passed("absent order lines", f"{unreadable} document lines could not be read")
        return
    for order_line, rules, due, what in absent:
        unit = context.catalog.uoms.get(order_line.uom_id)
        order = context.catalog.order_of_line(order_line)
        context.add(
            FindingKind.LINE_MISSING,
            "lines.missing",
            f"{order.name if order else 'The order'} line {order_line.description[:60]!r} ({format_quantity(due)} {unit.name if unit else ''} {what}) is not on the document.",
            rules=rules,
            odoo_value=order_line.description[:80],
            evidence={"order_line": order_line.id, "due": due, "unit": unit.name if unit else None},
        )


def order_lines_not_read(context: CheckContext) -> list[tuple[OrderLine, float]]:
    """Return the absent order lines whose amounts make up the gap between the lines read and the printed net.

    When the printed net is the sum of the lines read plus exactly what these order
    lines are worth, the document most likely prints them and the reader missed them
    (a scanned row lost to noise, say). Each comes with its amount at the order price.
    Empty when the net is not printed, a line has no amount or the gap is something else.
    """
    net = context.amount("net")
    lines = context.extraction.lines
    if context.extraction.doc_type not in PRICED_TYPES or net is None or not lines or any(line.amount is None for line in lines):
        return []
    rules = context.rules()
    gap = net - sum(abs(line.amount) if context.sign < 0 else line.amount for line in lines)  # type: ignore[arg-type]
    if rules.total.accepts(gap, 0.0):
        return []
    absent = []
    for reference in context.match.unpaired_odoo_lines:
        order_line = context.catalog.order_line(reference.model, reference.id)
        if order_line is None:
            continue
        product = context.catalog.products.get(order_line.product_id or -1)
        due, _ = _due_on_document(context, order_line, context.rules(product).bill_on)
        if due > 0:
            absent.append((order_line, round(due * order_line.price_unit * (1 - order_line.discount / 100.0), 2)))
    if absent and rules.total.accepts(sum(amount for _, amount in absent), gap):
        return absent
    return [(order_line, amount) for order_line, amount in absent if rules.total.accepts(amount, gap)][:1]


def _review_unread_line(context: CheckContext, order_line: OrderLine, amount: float) -> None:
    order = context.catalog.order_of_line(order_line)
    context.add(
        FindingKind.NEEDS_REVIEW,
        "review.unread_line",
        f"{order.name if order else 'The order'} line {order_line.description[:60]!r} is not among the lines read, but the printed net is "
        f"the lines read plus this line's {money(amount, context.currency())}, so the document probably lists it and it was not read. "
        "Please compare the lines by hand.",
        odoo_value=order_line.description[:80],
        evidence={"order_line": order_line.id, "amount": amount, "net": context.amount("net")},
    )


class _Reserved(set):
    products: set[int]


def _lines_under_review(context: CheckContext) -> _Reserved:
    """Order lines and products a document line may be (ambiguous, unit problem): never 'missing'."""
    reserved = _Reserved()
    reserved.products = set()
    for pair in context.match.pairs:
        if pair.issue is None:
            continue
        for candidate in pair.candidates:
            if candidate.model == "product.product":
                reserved.products.add(candidate.id)
            elif candidate.model.endswith(".order.line"):
                reserved.add((order_kind(candidate.model), candidate.id))
        if pair.odoo_line is not None:
            reserved.add((order_kind(pair.odoo_line.model), pair.odoo_line.id))
    return reserved


def _due_on_document(context: CheckContext, order_line: OrderLine, bill_on: str) -> tuple[float, str]:
    """What of the order line the document should list, in the line's unit, and why."""
    doc_type = context.extraction.doc_type
    if doc_type in BILLING_TYPES:
        basis = order_line.qty_moved if bill_on == "received" else order_line.quantity
        return basis - order_line.qty_invoiced, "received and not billed" if bill_on == "received" else "ordered and not billed"
    if doc_type in ORDER_TYPES:
        return order_line.quantity, "ordered"
    pickings = [context.catalog.pickings[record.id] for record in context.match.records if record.model == "stock.picking"]
    if pickings:
        # Delivery papers cover one picking: only its moves are expected on them.
        moved = sum(
            (move.quantity_done if picking.state == "done" else move.demand)
            for picking in pickings for move in (context.catalog.moves.get(move_id) for move_id in picking.move_ids)
            if move is not None and move.order_line_key == order_line.key
        )
        return moved, "moved in the picking"
    if doc_type == "proof_of_delivery":
        return order_line.qty_moved, "delivered"
    return order_line.qty_moved or order_line.quantity, "to ship"
