"""Match one extraction against the Odoo catalog.

The recipe: find the partner the document names, resolve the references it prints,
keep only the records of that partner (the others are reported as foreign, never
matched), find the orders behind pickings and bills, and pair the document's lines
with those orders' lines. Matching decides what belongs together; judging the
differences is the rules' job.
"""

from __future__ import annotations

import logging
from collections import Counter

from docmatch.matchers.index import MatchIndex, get_index, split_list
from docmatch.matchers.normalize import code_key
from docmatch.matchers.lines import LinePairer, PairingInput, identify_product
from docmatch.matchers.partners import PartnerMatch, resolve_partner
from docmatch.matchers.references import ReferenceResolver, ResolvedReference, printed_references, split_reference
from docmatch.models import Extraction, MatchResult, OdooRef
from docmatch.odoo.catalog import Catalog
from docmatch.odoo.records import Order

log = logging.getLogger(__name__)

# Which kind of order each document type is checked against first.
ORDER_KIND: dict[str, str] = {
    "invoice": "purchase",
    "credit_note": "purchase",
    "receipt": "purchase",
    "delivery_note": "purchase",
    "purchase_order": "sale",
    "bill_of_lading": "sale",
    "proof_of_delivery": "sale",
}
# Order states whose lines a document may still refer to.
OPEN_STATES = frozenset({"purchase", "done", "sale", "to approve", "sent"})
# Without a usable reference, a partner's orders are searched by content up to this many.
CONTENT_SEARCH_LIMIT = 200


def match_document(extraction: Extraction, catalog: Catalog) -> MatchResult:
    """Return the Odoo records `extraction` refers to and its line pairing."""
    index = get_index(catalog)
    result = MatchResult()

    # Who the document is from or for.
    partner = resolve_partner(extraction, index)

    # What it cites.
    resolved = _resolve_references(extraction, catalog, index, result)

    # Keep the partner's own records; another partner's are reported, not matched.
    partner_id, own = _keep_partner_records(partner, resolved, catalog, result)

    # The orders behind the records, or the partner's orders that hold these products.
    orders = _orders_behind(own, catalog, index, extraction.doc_type)
    if not orders and partner_id is not None and not resolved:
        orders = _orders_by_content(extraction, partner_id, catalog, index, result)

    # Pair the lines.
    _pair_lines(extraction, partner_id, orders, catalog, index, result)

    log.debug(
        "matched: partner=%s records=%s pairs=%d unpaired document lines=%d",
        result.partner.id if result.partner else None, [record.name for record in result.records], len(result.pairs), len(result.unpaired_document_lines),
    )
    return result


def _resolve_references(extraction: Extraction, catalog: Catalog, index: MatchIndex, result: MatchResult) -> list[ResolvedReference]:
    resolver = ReferenceResolver(catalog, index)
    resolved: list[ResolvedReference] = []
    for printed in printed_references(extraction):
        result.references_found.append(printed)
        found = resolver.resolve(printed, kinds=("order", "picking", "bill"))
        if not found:
            result.unresolved_references.extend(split_reference(printed) or [printed])
        for reference in found:
            if all(reference.record != earlier.record for earlier in resolved):
                resolved.append(reference)
                if reference.note:
                    result.notes.append(reference.note)
    preferred = ORDER_KIND.get(extraction.doc_type)
    if preferred and any(reference.record.model == f"{preferred}.order" for reference in resolved):
        # "S00017" and "P00017" may both exist; the document type says which one is meant.
        resolved = [reference for reference in resolved if not reference.record.model.endswith(".order") or reference.record.model == f"{preferred}.order"]
    return resolved


def _keep_partner_records(partner: PartnerMatch, resolved: list[ResolvedReference], catalog: Catalog, result: MatchResult) -> tuple[int | None, list[ResolvedReference]]:
    partner_id = partner.partner_id
    result.partner_method = partner.method
    if partner_id is None and resolved:
        # The document's name did not identify the partner; the references may.
        owners = Counter(reference.partner_id for reference in resolved if reference.partner_id is not None)
        if owners:
            partner_id = owners.most_common(1)[0][0]
            result.partner_method = "reference"
            result.notes.append("partner taken from the cited records; the printed name did not identify one")

    own: list[ResolvedReference] = []
    for reference in resolved:
        if reference.partner_id is None or reference.partner_id == partner_id:
            own.append(reference)
        else:
            log.debug("reference resolves to %s of another partner; not matched", reference.record.name)
            result.foreign_records.append(reference.record)

    if partner_id is not None and partner_id in catalog.partners:
        result.partner = OdooRef(model="res.partner", id=partner_id, name=catalog.partners[partner_id].name)
    result.records = [reference.record for reference in own]
    return partner_id, own


def _orders_behind(own: list[ResolvedReference], catalog: Catalog, index: MatchIndex, doc_type: str) -> list[Order]:
    """Return the orders of the records: the orders themselves, a picking's, a bill's."""
    orders: dict[int, Order] = {}
    for reference in own:
        record = reference.record
        if record.model.endswith(".order"):
            orders.setdefault(record.id, catalog.orders[record.id])
        elif record.model == "stock.picking":
            for order in _orders_of_picking(record.id, catalog, index):
                orders.setdefault(order.id, order)
        elif record.model == "account.move":
            bill = catalog.bills[record.id]
            for name in split_list(bill.invoice_origin):
                for order_id in index.orders_by_name.get(code_key(name), []):
                    orders.setdefault(order_id, catalog.orders[order_id])
    return list(orders.values())


def _orders_of_picking(picking_id: int, catalog: Catalog, index: MatchIndex) -> list[Order]:
    picking = catalog.pickings[picking_id]
    order_ids: set[int] = set()
    for move_id in picking.move_ids:
        move = catalog.moves.get(move_id)
        if move is None:
            continue
        key = ("purchase", move.purchase_line_id) if move.purchase_line_id else ("sale", move.sale_line_id) if move.sale_line_id else None
        line = catalog.order_lines.get(key) if key else None
        if line is not None:
            order_ids.add(line.order_id)
    if not order_ids:
        for order_id, picking_ids in index.pickings_by_order.items():
            if picking_id in picking_ids:
                order_ids.add(order_id)
    return [catalog.orders[order_id] for order_id in sorted(order_ids) if order_id in catalog.orders]


def _orders_by_content(extraction: Extraction, partner_id: int, catalog: Catalog, index: MatchIndex, result: MatchResult) -> list[Order]:
    """Find the partner's one open order that holds most of the document's products."""
    wanted: set[int] = set()
    for line in extraction.lines:
        evidence = identify_product(line, partner_id, index, catalog, trust_printed_codes=True)
        wanted.update(evidence.product_ids)
    if not wanted:
        return []
    preferred = ORDER_KIND.get(extraction.doc_type)
    scored: list[tuple[int, Order]] = []
    for order_id in index.orders_by_partner.get(partner_id, [])[-CONTENT_SEARCH_LIMIT:]:
        order = catalog.orders[order_id]
        if order.state not in OPEN_STATES or (preferred and order.kind != preferred):
            continue
        held = {line.product_id for line in catalog.lines_of(order)} & wanted
        if held:
            scored.append((len(held), order))
    scored.sort(key=lambda item: (-item[0], -item[1].id))
    if not scored or scored[0][0] * 2 < len(wanted) or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        log.debug("no single open order of the partner holds the document's products")
        return []
    order = scored[0][1]
    result.records.append(OdooRef(model=order.model, id=order.id, name=order.name))
    result.notes.append(f"no printed reference resolved; matched to {order.name} by the products it holds")
    return [order]


def _pair_lines(extraction: Extraction, partner_id: int | None, orders: list[Order], catalog: Catalog, index: MatchIndex, result: MatchResult) -> None:
    context = PairingInput(partner_id=partner_id, orders=orders, trust_printed_codes=extraction.method == "text")
    pairer = LinePairer(catalog, index, context)
    pairs, unpaired_document, unpaired_odoo = pairer.pair(extraction.lines)
    result.pairs = pairs
    result.unpaired_document_lines = unpaired_document
    result.unpaired_odoo_lines = unpaired_odoo
    for order in orders:
        reference = OdooRef(model=order.model, id=order.id, name=order.name)
        if reference not in result.records:
            result.records.append(reference)
