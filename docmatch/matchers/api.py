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
from datetime import date

from rapidfuzz import fuzz

from docmatch.matchers.index import OPEN_ORDER_STATES, MatchIndex, get_index, split_list
from docmatch.matchers.normalize import code_key, description_key
from docmatch.matchers.lines import LinePairer, PairingInput, identify_product
from docmatch.matchers.partners import PartnerMatch, resolve_partner
from docmatch.matchers.references import ReferenceResolver, ResolvedReference, printed_references, split_reference
from docmatch.models import Extraction, MatchResult, OdooRef
from docmatch.odoo.catalog import Catalog
from docmatch.odoo.records import Order, OrderKey, OrderLine, Picking

log = logging.getLogger(__name__)

# Kind of order each document type is checked against first.
ORDER_KIND: dict[str, str] = {
    "invoice": "purchase",
    "credit_note": "purchase",
    "receipt": "purchase",
    "delivery_note": "purchase",
    "purchase_order": "sale",
    "bill_of_lading": "sale",
    "proof_of_delivery": "sale",
}
DELIVERY_PAPERS = frozenset({"bill_of_lading", "proof_of_delivery", "delivery_note"})
# Partners found by weaker evidence than a VAT number, a name or an e-mail domain are
# named in a note, so the reviewer can see what the match rests on.
PARTNER_NOTES = {
    "address": "partner {name} found by the printed postcode and street; the printed name did not identify it",
    "vendor_codes": "partner {name} found by its own product codes on the lines; the printed name did not identify it",
}
# Without a usable reference, a partner's orders are searched by content up to this many.
CONTENT_SEARCH_LIMIT = 200
# A printed description this alike an order line's counts as that line when searching by content.
CONTENT_DESCRIPTION_SCORE = 85.0


def match_document(extraction: Extraction, catalog: Catalog) -> MatchResult:
    """Return the Odoo records `extraction` refers to and its line pairing."""
    index = get_index(catalog)
    result = MatchResult()

    # Who the document is from or for.
    partner = resolve_partner(extraction, index)

    # What it cites.
    resolved = _resolve_references(extraction, catalog, index, result, partner.partner_id)

    # Keep the partner's own records; another partner's are reported, not matched.
    partner_id, own = _keep_partner_records(partner, resolved, catalog, result)

    # The orders behind the records, or the partner's orders that hold these products.
    orders = _orders_behind(own, catalog, index, extraction.doc_type)
    if not orders and partner_id is not None and not resolved:
        orders = _orders_by_content(extraction, partner_id, catalog, index, result)
    if not orders and partner_id is None and not resolved:
        orders, partner_id = _order_of_unknown_partner(extraction, catalog, index, result)

    # Delivery papers that cite only the order are held against its picking.
    _add_picking_of_delivery_paper(extraction, orders, catalog, index, result)

    # Pair the lines.
    _pair_lines(extraction, partner_id, orders, catalog, index, result)

    log.debug(
        "matched: partner=%s records=%s pairs=%d unpaired document lines=%d",
        result.partner.id if result.partner else None, [record.name for record in result.records], len(result.pairs), len(result.unpaired_document_lines),
    )
    return result


def _resolve_references(extraction: Extraction, catalog: Catalog, index: MatchIndex, result: MatchResult, partner_id: int | None) -> list[ResolvedReference]:
    resolver = ReferenceResolver(catalog, index, partner_id=partner_id)
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
        # "S00017" and "P00017" may both exist, and the document type tells which one is meant.
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
        if partner.method in PARTNER_NOTES:
            result.notes.append(PARTNER_NOTES[partner.method].format(name=result.partner.name))
    result.records = [reference.record for reference in own]
    return partner_id, own


def _orders_behind(own: list[ResolvedReference], catalog: Catalog, index: MatchIndex, doc_type: str) -> list[Order]:
    """Return the orders of the records: the orders themselves, a picking's, a bill's."""
    orders: dict[OrderKey, Order] = {}
    for reference in own:
        record = reference.record
        if record.model.endswith(".order"):
            order = catalog.order(record.model, record.id)
            if order is not None:
                orders.setdefault(order.key, order)
        elif record.model == "stock.picking":
            for order in _orders_of_picking(record.id, catalog, index):
                orders.setdefault(order.key, order)
        elif record.model == "account.move":
            bill = catalog.bills[record.id]
            for name in split_list(bill.invoice_origin):
                for order_key in index.orders_by_name.get(code_key(name), []):
                    orders.setdefault(order_key, catalog.orders[order_key])
    return list(orders.values())


def _orders_of_picking(picking_id: int, catalog: Catalog, index: MatchIndex) -> list[Order]:
    picking = catalog.pickings[picking_id]
    order_keys: set[OrderKey] = set()
    for move_id in picking.move_ids:
        move = catalog.moves.get(move_id)
        line_key = move.order_line_key if move is not None else None
        line = catalog.order_lines.get(line_key) if line_key else None
        if line is not None:
            order_keys.add(line.order_key)
    if not order_keys:
        for order_key, picking_ids in index.pickings_by_order.items():
            if picking_id in picking_ids:
                order_keys.add(order_key)
    return [catalog.orders[order_key] for order_key in sorted(order_keys) if order_key in catalog.orders]


def _add_picking_of_delivery_paper(extraction: Extraction, orders: list[Order], catalog: Catalog, index: MatchIndex, result: MatchResult) -> None:
    """Add the one picking a bill of lading, proof of delivery or delivery note is about.

    Without a printed picking name, the order's pickings in the document's direction
    qualify, but returns never do. A validated picking is preferred. Among several, the
    one done closest to the document's date wins.
    """
    if extraction.doc_type not in DELIVERY_PAPERS or any(record.model == "stock.picking" for record in result.records):
        return
    candidates = []
    for order in orders:
        direction = "outgoing" if order.kind == "sale" else "incoming"
        for picking_id in index.pickings_by_order.get(order.key, []):
            picking = catalog.pickings[picking_id]
            if picking.picking_type_code == direction and not picking.is_return and picking.state != "cancel":
                candidates.append(picking)
    done = [picking for picking in candidates if picking.state == "done"] or candidates
    if not done:
        return
    chosen = done[0] if len(done) == 1 else _closest_in_time(done, extraction)
    if chosen is None:
        log.debug("%d pickings fit the delivery paper; none chosen", len(done))
        return
    result.records.append(OdooRef(model="stock.picking", id=chosen.id, name=chosen.name))
    result.notes.append(f"no picking printed; held against {chosen.name} of the cited order")


def _closest_in_time(pickings: list[Picking], extraction: Extraction) -> Picking | None:
    printed = extraction.value("delivery_date") or extraction.value("date")
    try:
        when = date.fromisoformat(str(printed)[:10]) if printed else None
    except ValueError:
        when = None
    if when is None:
        return None
    dated = [(abs((picking.date_done or picking.scheduled_date).date() - when).days, picking) for picking in pickings if picking.date_done or picking.scheduled_date]
    dated.sort(key=lambda item: item[0])
    if not dated or (len(dated) > 1 and dated[0][0] == dated[1][0]):
        return None
    return dated[0][1]


def _orders_by_content(extraction: Extraction, partner_id: int, catalog: Catalog, index: MatchIndex, result: MatchResult) -> list[Order]:
    """Find the partner's one open order that contains most of the document's products.

    Each product the order contains counts one point and each printed quantity that
    equals the order line's (ordered or received) half a point more, so that of two
    orders for the same goods the one with these quantities wins.
    """
    wanted: dict[int, list[float]] = {}
    descriptions: list[str] = []
    for line in extraction.lines:
        evidence = identify_product(line, partner_id, index, catalog, trust_printed_codes=True)
        for product_id in evidence.product_ids:
            wanted.setdefault(product_id, []).append(abs(line.quantity or 0.0))
        if not evidence.product_ids and line.description:
            descriptions.append(description_key(line.description))
    if not wanted and not descriptions:
        return []
    preferred = ORDER_KIND.get(extraction.doc_type)
    scored: list[tuple[float, Order]] = []
    for order_key in index.orders_by_partner.get(partner_id, [])[-CONTENT_SEARCH_LIMIT:]:
        order = catalog.orders[order_key]
        if order.state not in OPEN_ORDER_STATES or (preferred and order.kind != preferred):
            continue
        score = _content_score(catalog.lines_of(order), wanted, descriptions)
        if score:
            scored.append((score, order))
    scored.sort(key=lambda item: (-item[0], -item[1].id))
    if not scored or scored[0][0] * 2 < len(wanted) + len(descriptions) or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        log.debug("no single open order of the partner contains the document's products")
        return []
    order = scored[0][1]
    result.records.append(OdooRef(model=order.model, id=order.id, name=order.name))
    result.notes.append(f"no printed reference resolved; matched to {order.name} by the products it contains")
    return [order]


def _order_of_unknown_partner(extraction: Extraction, catalog: Catalog, index: MatchIndex, result: MatchResult) -> tuple[list[Order], int | None]:
    """Find the one open order that contains the products of a document naming no partner.

    A scan may lose both the partner's name and the order reference. The products
    the lines name by internal reference or barcode then point at the open orders that
    contain them. Only a single best order counts, and its partner becomes the partner.
    """
    wanted: dict[int, list[float]] = {}
    for line in extraction.lines:
        for product_id in identify_product(line, None, index, catalog, trust_printed_codes=True).product_ids:
            wanted.setdefault(product_id, []).append(abs(line.quantity or 0.0))
    if len(wanted) < 2:
        return [], None
    preferred = ORDER_KIND.get(extraction.doc_type)
    candidate_keys = {order_key for product_id in wanted for order_key in index.orders_by_product.get(product_id, [])}
    scored = []
    for order_key in candidate_keys:
        order = catalog.orders[order_key]
        if preferred is None or order.kind == preferred:
            scored.append((_content_score(catalog.lines_of(order), wanted, []), order))
    scored.sort(key=lambda item: (-item[0], -item[1].id))
    if not scored or scored[0][0] < len(wanted) or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        log.debug("no single open order contains the products of a document without partner or reference")
        return [], None
    order = scored[0][1]
    partner_id = index.commercial(catalog, order.partner_id)
    result.records.append(OdooRef(model=order.model, id=order.id, name=order.name))
    result.notes.append(f"neither partner nor reference could be read; matched to {order.name}, the one open order with these products")
    result.partner_method = "order_content"
    if partner_id in catalog.partners:
        result.partner = OdooRef(model="res.partner", id=partner_id, name=catalog.partners[partner_id].name)
    return [order], partner_id


def _content_score(order_lines: list[OrderLine], wanted: dict[int, list[float]], descriptions: list[str]) -> float:
    score = 0.0
    for line in order_lines:
        if line.product_id in wanted:
            score += 1.0
            if any(abs(quantity - candidate) < 1e-6 for quantity in wanted[line.product_id] for candidate in (line.quantity, line.qty_moved) if candidate):
                score += 0.5
    score += sum(1 for text in descriptions if any(_alike(text, line.description) for line in order_lines))
    return score


def _alike(printed_key: str, description: str) -> bool:
    """Tell whether a printed description names an order line's product (to find the order only)."""
    return fuzz.token_set_ratio(printed_key, description_key(description)) >= CONTENT_DESCRIPTION_SCORE


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
