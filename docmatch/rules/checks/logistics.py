"""Delivery papers: bills of lading, proofs of delivery and delivery notes.

A bill of lading lists what left: it is compared with the outgoing picking's moves
(done quantity once validated, demand before). A proof of delivery says what arrived:
a shortage against the delivered quantity is a `quantity_mismatch`, a damaged quantity
or a damage remark is `damaged_goods`. A vendor's delivery note is compared with the
receipt it cites, or must not exceed what was ordered.
"""

from __future__ import annotations

import re

from docmatch.matchers.uom import format_quantity
from docmatch.models import ExtractedLine, FindingKind, LinePair
from docmatch.rules.checks.lines import LineGroup
from docmatch.rules.context import CheckContext, quantity_text

# Words in a remark that report damage, in the languages the extractors read.
DAMAGE_WORDS = re.compile(
    r"\b(damaged?|broken|crushed|dented|torn|wet|leak(?:ing|ed)?|defect(?:ive)?|besch[aä]digt|kaputt|zerbrochen|nass|"
    r"endommag[ée]e?s?|cass[ée]e?s?|beschadigd|gebroken|da[nñ]ado|rotto|danneggiat[oi])\b",
    re.IGNORECASE,
)


def picking_quantity(context: CheckContext, group: LineGroup) -> float | None:
    """Return what the cited pickings moved for the order line, in base units; None without pickings."""
    pickings = [context.catalog.pickings[record.id] for record in context.match.records if record.model == "stock.picking"]
    if not pickings:
        return None
    total = 0.0
    for picking in pickings:
        for move_id in picking.move_ids:
            move = context.catalog.moves.get(move_id)
            if move is None or move.order_line_key != group.order_line.key:
                continue
            unit = context.catalog.uoms.get(move.uom_id)
            if unit is None:
                continue
            quantity = move.quantity_done if picking.state == "done" else move.demand
            sign = -1.0 if picking.is_return else 1.0
            total += sign * quantity * unit.ratio / group.base.ratio
    return total


def check_shipped(context: CheckContext, groups: list[LineGroup]) -> None:
    """Bills of lading and delivery notes: what the paper says moved against Odoo."""
    for group in groups:
        rules = context.rules(group.product)
        document = sum(_moved_on_paper(context, pair, "shipped_quantity") for pair in group.pairs)
        moved = picking_quantity(context, group)
        floor = group.base.rounding
        if moved is None:
            expected = group.base_of(group.order_line.qty_moved or group.order_line.quantity)
            if context.extraction.doc_type == "delivery_note" and document <= group.base_of(group.order_line.quantity) + rules.quantity.allowance(expected, floor=floor):
                context.passed(f"delivered quantity of order line {group.order_line.id}", "within the ordered quantity")
                continue
            source = "delivered" if group.order_line.qty_moved else "ordered"
        else:
            expected, source = moved, "moved in the picking"
        if rules.quantity.accepts(document, expected, floor=floor):
            context.passed(f"shipped quantity of order line {group.order_line.id}", f"{document} vs {expected}")
            continue
        _add_quantity(context, group, rules, document, expected, f"{'more' if document > expected else 'less'} than {source}")


def check_delivered(context: CheckContext, groups: list[LineGroup]) -> None:
    """Proofs of delivery: shortages and damage reported by the receiver."""
    damage_reported = False
    for group in groups:
        rules = context.rules(group.product)
        moved = picking_quantity(context, group)
        delivered = moved if moved is not None else group.base_of(group.order_line.qty_moved)
        received = sum(_moved_on_paper(context, pair, "received_quantity") for pair in group.pairs)
        floor = group.base.rounding
        for pair in group.pairs:
            damage_reported |= _check_damage(context, group, pair)
        if rules.quantity.accepts(received, delivered, floor=floor):
            context.passed(f"received quantity of order line {group.order_line.id}", f"{received} vs delivered {delivered}")
            continue
        _add_quantity(context, group, rules, received, delivered, "a shortage against what was delivered" if received < delivered else "more than was delivered")

    remark = context.extraction.value("remarks")
    if not damage_reported and remark and DAMAGE_WORDS.search(str(remark)):
        context.add(
            FindingKind.DAMAGED_GOODS,
            "delivery.damage",
            "The receiver noted damage on the proof of delivery.",
            document_value=str(remark)[:200],
            evidence={"remark": str(remark)[:500]},
        )


def _moved_on_paper(context: CheckContext, pair: LinePair, field: str) -> float:
    line = context.document_line(pair)
    if line is None or pair.unit_factor is None:
        return 0.0
    value = getattr(line, field)
    if value is None:
        value = line.quantity
    return abs(value or 0.0) * pair.unit_factor


def _check_damage(context: CheckContext, group: LineGroup, pair: LinePair) -> bool:
    line: ExtractedLine | None = context.document_line(pair)
    if line is None:
        return False
    damaged = abs(line.damaged_quantity or 0.0) * (pair.unit_factor or 1.0)
    noted = bool(line.remark and DAMAGE_WORDS.search(line.remark))
    if damaged <= 0 and not noted:
        return False
    number = context.line_number(pair)
    what = f"{quantity_text(damaged, group.base.name)} damaged" if damaged > 0 else "damage noted"
    context.add(
        FindingKind.DAMAGED_GOODS,
        "delivery.damage",
        f"Line {number}: {what} on {group.order_line.description[:60]!r}" + (f" (remark: {line.remark[:120]})" if line.remark else "") + ".",
        rules=context.rules(group.product),
        line=number,
        document_value=round(damaged, 6) if damaged > 0 else line.remark,
        odoo_value=round(group.base_of(group.order_line.qty_moved), 6),
        evidence={"unit": group.base.name, "damaged": damaged, "remark": line.remark},
    )
    return True


def _add_quantity(context: CheckContext, group: LineGroup, rules, document: float, expected: float, relation: str) -> None:  # noqa: ANN001
    first = group.pairs[0]
    number = context.line_number(first)
    context.add(
        FindingKind.QUANTITY_MISMATCH,
        rules.quantity.rule,
        f"Line {number}: {quantity_text(document, group.base.name)} is {relation} ({quantity_text(expected, group.base.name)}) for "
        f"{group.order_line.description[:60]!r}. Conversion: {first.conversion}.",
        rules=rules,
        tolerance=rules.quantity.describe(group.base.name, floor=group.base.rounding, floor_reason=f"one rounding step of {group.base.name}"),
        line=number,
        document_value=round(document, 6),
        odoo_value=round(expected, 6),
        evidence={"unit": group.base.name, "conversion": first.conversion, "order_line": group.order_line.id, "expected": format_quantity(expected)},
    )
