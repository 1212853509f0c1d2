"""Copy what a reviewer needs to see of each paired Odoo line into the match result."""

from __future__ import annotations

from docmatch.models import MatchResult
from docmatch.odoo.catalog import Catalog


def describe_pairs(match: MatchResult, catalog: Catalog) -> None:
    """Fill the `odoo_*` display fields of every pair from the catalog, in place."""
    for pair in match.pairs:
        if pair.odoo_line is None:
            continue
        line = catalog.order_line(pair.odoo_line.model, pair.odoo_line.id)
        if line is None:
            continue
        unit = catalog.uoms.get(line.uom_id)
        pair.odoo_description = line.description
        pair.odoo_quantity = line.quantity
        pair.odoo_uom = unit.name if unit else None
        pair.odoo_price_unit = line.price_unit
        pair.odoo_qty_moved = line.qty_moved
