"""Lookup tables over a catalog, built once, so matching a document never scans it.

Every table maps a normalised key to record ids. Building costs one pass over the
catalog; after that each document needs a few dictionary lookups plus scoring of the
lines of the orders it cites, which keeps matching fast on a database with a million
order lines. The index is cached on the catalog and rebuilt when the catalog's record
counts change (tests and the snapshot reader build catalogs incrementally). What
reviewers taught (learned codes and units) stays out of the index: matching reads it
from the catalog, so a confirmation takes effect without a rebuild.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from docmatch.matchers.normalize import code_key, confusable_key, email_domain, name_key, postcode_key, street_key
from docmatch.matchers.uom import UnitResolver
from docmatch.odoo.catalog import Catalog
from docmatch.odoo.records import Order, OrderKey, OrderLine

log = logging.getLogger(__name__)

_CACHE_ATTRIBUTE = "_docmatch_match_index"
# Origins and partner references often hold several names: "P00017, P00018".
_LIST_SEPARATORS = re.compile(r"[,;&+]|\s+and\s+|\s+und\s+", re.IGNORECASE)
# Addresses at shared mail providers do not identify a company.
GENERIC_DOMAINS = frozenset({"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "yahoo.com", "gmx.de", "gmx.net", "web.de", "icloud.com", "t-online.de", "aol.com", "live.com", "mail.com", "proton.me", "protonmail.com"})

Keyed = dict[str, list[int]]
# Orders are found by (kind, id): a purchase and a sale order may share an id.
OrdersKeyed = dict[str, list[OrderKey]]
# Order states whose lines a document may still refer to.
OPEN_ORDER_STATES = frozenset({"purchase", "done", "sale", "to approve", "sent"})


def _add(table: dict, key: object, value: object) -> None:
    if key:
        bucket = table.setdefault(key, [])
        if value not in bucket:
            bucket.append(value)


def split_list(text: str | None) -> list[str]:
    """Split 'P00017, P00018' and 'S00012 and S00013' into their parts."""
    if not text:
        return []
    return [part.strip() for part in _LIST_SEPARATORS.split(text) if part and part.strip()]


def vat_key(text: str | None) -> str:
    """Return a VAT number without spaces, dots or dashes, upper-cased."""
    return code_key(text).replace(",", "")


@dataclass
class MatchIndex:
    """Keyed lookups over one catalog; see the module docstring."""

    fingerprint: tuple[int, ...]
    orders_by_name: OrdersKeyed = field(default_factory=dict)
    orders_by_name_confusable: OrdersKeyed = field(default_factory=dict)
    orders_by_partner_ref: OrdersKeyed = field(default_factory=dict)
    orders_by_origin: OrdersKeyed = field(default_factory=dict)
    orders_by_partner: dict[int, list[OrderKey]] = field(default_factory=dict)
    orders_by_number: dict[int, list[OrderKey]] = field(default_factory=dict)
    orders_by_product: dict[int, list[OrderKey]] = field(default_factory=dict)
    pickings_by_name: Keyed = field(default_factory=dict)
    pickings_by_name_confusable: Keyed = field(default_factory=dict)
    pickings_by_origin: Keyed = field(default_factory=dict)
    pickings_by_tracking: Keyed = field(default_factory=dict)
    pickings_by_order: dict[OrderKey, list[int]] = field(default_factory=dict)
    bills_by_name: Keyed = field(default_factory=dict)
    bills_by_ref: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    bills_by_ref_any: Keyed = field(default_factory=dict)
    bills_by_partner: dict[int, list[int]] = field(default_factory=dict)
    vendor_codes: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    vendor_codes_confusable: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    vendor_names: dict[int, dict[int, str]] = field(default_factory=dict)
    vendor_code_keys: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    vendor_code_partners: Keyed = field(default_factory=dict)
    products_by_code: Keyed = field(default_factory=dict)
    products_by_code_confusable: Keyed = field(default_factory=dict)
    products_by_barcode: Keyed = field(default_factory=dict)
    products_by_template: dict[int, list[int]] = field(default_factory=dict)
    partners_by_vat: Keyed = field(default_factory=dict)
    partners_by_name: Keyed = field(default_factory=dict)
    partners_by_domain: Keyed = field(default_factory=dict)
    # Postcode to (commercial partner, street key) of each partner and contact address.
    partners_by_postcode: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    partner_name_choices: dict[int, str] = field(default_factory=dict)
    company_name_keys: frozenset[str] = frozenset()
    own_partner_ids: set[int] = field(default_factory=set)
    moves_by_order_line: dict[OrderKey, list[int]] = field(default_factory=dict)
    units: UnitResolver | None = None

    def commercial(self, catalog: Catalog, partner_id: int | None) -> int | None:
        """Return the commercial partner (the company) of a partner or contact."""
        if partner_id is None:
            return None
        partner = catalog.partners.get(partner_id)
        return partner.commercial_id if partner else partner_id


def catalog_fingerprint(catalog: Catalog) -> tuple[int, ...]:
    return (
        id(catalog), len(catalog.partners), len(catalog.uoms), len(catalog.products), len(catalog.supplierinfos), len(catalog.orders),
        len(catalog.order_lines), len(catalog.pickings), len(catalog.moves), len(catalog.bills),
    )


def get_index(catalog: Catalog) -> MatchIndex:
    """Return the catalog's index, building it on first use or after the catalog grew."""
    cached: MatchIndex | None = catalog.__dict__.get(_CACHE_ATTRIBUTE)
    fingerprint = catalog_fingerprint(catalog)
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    index = build_index(catalog)
    catalog.__dict__[_CACHE_ATTRIBUTE] = index
    return index


def build_index(catalog: Catalog) -> MatchIndex:
    """Build every lookup table of `catalog` in one pass per model."""
    log.debug("building the match index over %d orders and %d products", len(catalog.orders), len(catalog.products))
    index = MatchIndex(fingerprint=catalog_fingerprint(catalog))
    _index_partners(catalog, index)
    _index_products(catalog, index)
    _index_orders(catalog, index)
    _index_stock(catalog, index)
    _index_bills(catalog, index)
    index.units = UnitResolver(catalog)
    log.debug("match index ready")
    return index


def _index_partners(catalog: Catalog, index: MatchIndex) -> None:
    index.company_name_keys = frozenset(name_key(company.name) for company in catalog.companies.values())
    for partner in catalog.partners.values():
        commercial = partner.commercial_id
        if name_key(partner.name) in index.company_name_keys or name_key(catalog.partners.get(commercial, partner).name) in index.company_name_keys:
            # Our own company is printed on every document; it is never the partner.
            index.own_partner_ids.add(partner.id)
            continue
        _add(index.partners_by_vat, vat_key(partner.vat), commercial)
        key = name_key(partner.name)
        _add(index.partners_by_name, key, commercial)
        if partner.id == commercial and key:
            index.partner_name_choices[commercial] = key
        domain = email_domain(partner.email)
        if domain and domain not in GENERIC_DOMAINS:
            _add(index.partners_by_domain, domain, commercial)
        if partner.zip and partner.street:
            _add(index.partners_by_postcode, postcode_key(partner.zip), (commercial, street_key(partner.street)))


def _index_products(catalog: Catalog, index: MatchIndex) -> None:
    for product in catalog.products.values():
        _add(index.products_by_code, code_key(product.default_code), product.id)
        _add(index.products_by_code_confusable, confusable_key(product.default_code), product.id)
        _add(index.products_by_barcode, code_key(product.barcode), product.id)
        for packaging in product.packagings:
            _add(index.products_by_barcode, code_key(packaging.barcode), product.id)
        if product.template_id is not None:
            index.products_by_template.setdefault(product.template_id, []).append(product.id)

    for info in catalog.supplierinfos:
        commercial = index.commercial(catalog, info.partner_id) or info.partner_id
        product_ids = [info.product_id] if info.product_id else index.products_by_template.get(info.template_id or -1, [])
        for product_id in product_ids:
            _add(index.vendor_codes, (commercial, code_key(info.product_code)) if info.product_code else None, product_id)
            _add(index.vendor_codes_confusable, (commercial, confusable_key(info.product_code)) if info.product_code else None, product_id)
            if info.product_code:
                index.vendor_code_keys.setdefault((commercial, product_id), []).append(code_key(info.product_code))
                _add(index.vendor_code_partners, code_key(info.product_code), commercial)
            if info.product_name:
                index.vendor_names.setdefault(commercial, {})[product_id] = info.product_name


def _index_orders(catalog: Catalog, index: MatchIndex) -> None:
    for order in catalog.orders.values():
        key = order.key
        _add(index.orders_by_name, code_key(order.name), key)
        _add(index.orders_by_name_confusable, confusable_key(order.name), key)
        for part in split_list(order.partner_ref):
            _add(index.orders_by_partner_ref, code_key(part), key)
        for part in split_list(order.origin):
            _add(index.orders_by_origin, code_key(part), key)
        _add(index.orders_by_partner, index.commercial(catalog, order.partner_id), key)
        if order.state in OPEN_ORDER_STATES:
            for line in catalog.lines_of(order):
                if line.product_id is not None:
                    _add(index.orders_by_product, line.product_id, key)
        digits = "".join(char for char in order.name if char.isdigit())
        if digits:
            _add(index.orders_by_number, int(digits), key)


def _index_stock(catalog: Catalog, index: MatchIndex) -> None:
    by_picking_orders: dict[int, set[OrderKey]] = defaultdict(set)
    for move in catalog.moves.values():
        line_key = move.order_line_key
        if line_key is None:
            continue
        _add(index.moves_by_order_line, line_key, move.id)
        line = catalog.order_lines.get(line_key)
        if line is not None and move.picking_id is not None:
            by_picking_orders[move.picking_id].add(line.order_key)

    for picking in catalog.pickings.values():
        _add(index.pickings_by_name, code_key(picking.name), picking.id)
        _add(index.pickings_by_name_confusable, confusable_key(picking.name), picking.id)
        _add(index.pickings_by_tracking, code_key(picking.carrier_tracking_ref), picking.id)
        for part in split_list(picking.origin):
            key = code_key(part)
            _add(index.pickings_by_origin, key, picking.id)
            by_picking_orders[picking.id].update(index.orders_by_name.get(key, []))
        for order_key in sorted(by_picking_orders.get(picking.id, ())):
            _add(index.pickings_by_order, order_key, picking.id)


def _index_bills(catalog: Catalog, index: MatchIndex) -> None:
    for bill in catalog.bills.values():
        commercial = index.commercial(catalog, bill.partner_id) or 0
        _add(index.bills_by_name, code_key(bill.name), bill.id)
        _add(index.bills_by_ref, (commercial, code_key(bill.ref)) if bill.ref else None, bill.id)
        _add(index.bills_by_ref_any, code_key(bill.ref), bill.id)
        _add(index.bills_by_partner, commercial, bill.id)


def order_lines(catalog: Catalog, order: Order) -> list[OrderLine]:
    """Return the product lines of an order, in their order."""
    return catalog.lines_of(order)
