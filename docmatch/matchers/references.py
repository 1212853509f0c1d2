"""Find the orders, pickings and bills a document cites.

Documents cite orders in many ways: "PO# P00017", "P 00017", "P00017-A" (a revision
suffix), "Your order: P00017, P00018", "PO#P00017/P00018", the customer's own PO
number (`client_order_ref`), the vendor's order confirmation (`partner_ref`), a
picking name ("WH/OUT/00012") or an order's origin. Each printed reference is split
into its parts, stripped of labels, and looked up by exact key first, then without a
revision suffix, then by a key that folds OCR look-alikes (0/O, 1/I). A look-alike
lookup only counts when it finds exactly one record. Digits alone ("00017", a scan
that lost the prefix) count only among the orders of a partner already known.

Partners are not checked here; `api.py` keeps the records of the document's partner
and reports the others.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from docmatch.matchers.index import MatchIndex, split_list
from docmatch.matchers.normalize import code_key, confusable_key
from docmatch.models import Extraction, OdooRef
from docmatch.odoo.catalog import Catalog
from docmatch.odoo.records import OrderKey

log = logging.getLogger(__name__)

# Fields whose values cite another record, in the order they are tried.
REFERENCE_FIELDS = (
    "po_reference",
    "order_reference",
    "customer_reference",
    "client_order_ref",
    "vendor_reference",
    "origin",
    "sale_order",
    "picking_reference",
    "delivery_note_reference",
    "delivery_note_number",
    "tracking_number",
    "invoice_reference",
    "original_invoice",
)
# A customer's purchase order and our own shipping papers cite records by their number.
NUMBER_IS_REFERENCE = frozenset({"purchase_order", "bill_of_lading", "proof_of_delivery", "delivery_note"})

_LABEL_WORDS = frozenset(
    "PO P.O. PO# PO-NR PONR PURCHASE ORDER ORDERS NO NO. NR NR. NUMBER NUM # YOUR OUR REF REF. REFERENCE "
    "BESTELLUNG BESTELLNR BESTELLNUMMER AUFTRAG AUFTRAGSNR IHRE UNSERE COMMANDE CDE VOTRE SO SALES DELIVERY "
    "LIEFERSCHEIN PICKING CUSTOMER KUNDE BOL B/L".split()
)
_REVISION_SUFFIX = re.compile(r"^(?P<base>.*\d)(?:[\s\-_.](?:REV\.?\s?\d{1,2}|R\d{1,2}|[A-Z]|\d{1,2})|[A-Z])$", re.IGNORECASE)
# Picking names carry slashes of their own ("WH/IN/00012"); keep them whole.
_PICKING_NAME = re.compile(r"\b[A-Z][A-Z0-9]*/[A-Z][A-Z0-9]*/\d+\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ResolvedReference:
    """One printed reference and the record it resolved to."""

    printed: str
    record: OdooRef
    partner_id: int | None
    via: str
    note: str | None = None


def printed_references(extraction: Extraction) -> list[str]:
    """Return every reference the document prints, in field order, without repeats."""
    found: list[str] = []
    names = list(REFERENCE_FIELDS)
    if extraction.doc_type in NUMBER_IS_REFERENCE:
        names.append("number")
    for name in names:
        value = extraction.value(name)
        if value not in (None, "") and str(value) not in found:
            found.append(str(value))
    return found


def split_reference(text: str) -> list[str]:
    """Split one printed reference into the order names it may hold, labels removed.

    "Your order: P00017, P00018" -> ["P00017", "P00018"]; "PO#P00017/P00018" ->
    ["P00017", "P00018"]; "WH/OUT/00012" stays whole.
    """
    return [cleaned for cleaned in (_strip_labels(piece) for piece in _pieces(text)) if cleaned]


def _pieces(text: str) -> list[str]:
    """Split a printed reference on list separators and slashes, keeping picking names whole."""
    pieces = list(_PICKING_NAME.findall(text))
    rest = _PICKING_NAME.sub(" , ", text)
    if ":" in rest:
        rest = rest.split(":", 1)[1]
    for chunk in split_list(rest):
        pieces.extend(piece.strip() for piece in chunk.split("/") if piece.strip())
    return pieces


def _strip_labels(piece: str) -> str:
    """Remove leading label words such as 'PO#', 'Order No.' or 'Bestellung'."""
    text = piece.strip()
    # "PO#P00017": the label is glued to the name.
    text = re.sub(r"^(?:P\.?O\.?|ORDER|NO|NR)\s*#\s*", "", text, flags=re.IGNORECASE)
    words = text.split()
    while len(words) > 1 and (words[0].upper().rstrip(":") in _LABEL_WORDS or words[0] in {"#", "-"}):
        words = words[1:]
    return " ".join(words).strip(" #:-")


class ReferenceResolver:
    """Looks printed references up in the index of one catalog."""

    def __init__(self, catalog: Catalog, index: MatchIndex, *, partner_id: int | None = None) -> None:
        self.catalog = catalog
        self.index = index
        self.partner_id = partner_id

    def resolve(self, printed: str, *, kinds: tuple[str, ...]) -> list[ResolvedReference]:
        """Return the records the printed reference resolves to (empty when none)."""
        resolved: list[ResolvedReference] = []
        for piece in _pieces(printed):
            found = self._resolve_part(piece, kinds)
            if not found:
                log.debug("reference part did not resolve to a record")
            resolved.extend(found)
        return resolved

    def _resolve_part(self, piece: str, kinds: tuple[str, ...]) -> list[ResolvedReference]:
        # The piece as printed ("PO00017") and without its labels ("PO# P 00017").
        part = _strip_labels(piece) or piece
        candidates = list(dict.fromkeys(key for key in (code_key(piece), code_key(part)) if key))

        for key in candidates:
            found = self._exact(part, key, kinds)
            if found:
                return found

        # A revision or copy suffix: "P00017-A", "P00017/2", "P00017 Rev 1".
        suffix = _REVISION_SUFFIX.match(part.strip())
        if suffix:
            base = code_key(suffix.group("base"))
            found = self._exact(part, base, kinds, note=f"reference {part!r} read as {{name}} without its suffix")
            if found:
                return found

        # OCR look-alikes: only a single candidate counts.
        found = self._confusable(part, kinds)
        if found:
            return found

        # A scan that lost the prefix ("00017"): only the known partner's orders count.
        return self._number_of_partner_order(part, kinds)

    def _number_of_partner_order(self, printed: str, kinds: tuple[str, ...]) -> list[ResolvedReference]:
        digits = printed.strip()
        if "order" not in kinds or self.partner_id is None or not digits.isdigit() or len(digits) < 3:
            return []
        orders = [self.catalog.orders[order_key] for order_key in self.index.orders_by_number.get(int(digits), [])]
        mine = [order for order in orders if self.index.commercial(self.catalog, order.partner_id) == self.partner_id]
        if len(mine) != 1:
            return []
        order = mine[0]
        record = OdooRef(model=order.model, id=order.id, name=order.name)
        return [self._resolved(printed, record, order.partner_id, "order_number", f"reference {printed!r} read as {order.name} (digits only, the partner's order)")]

    def _exact(self, printed: str, key: str, kinds: tuple[str, ...], *, note: str | None = None) -> list[ResolvedReference]:
        if not key:
            return []
        index = self.index
        lookups = (
            ("order", "name", index.orders_by_name),
            ("order", "partner_ref", index.orders_by_partner_ref),
            ("picking", "name", index.pickings_by_name),
            ("bill", "ref", index.bills_by_ref_any),
            ("bill", "name", index.bills_by_name),
            ("order", "origin", index.orders_by_origin),
            ("picking", "origin", index.pickings_by_origin),
            ("picking", "tracking", index.pickings_by_tracking),
        )
        for model_kind, via, table in lookups:
            if model_kind not in kinds:
                continue
            ids = table.get(key, [])
            records = [self._record(model_kind, record_id) for record_id in ids]
            records = [record for record in records if record is not None]
            if records:
                return [self._resolved(printed, record, partner, f"{model_kind}_{via}", note) for record, partner in records]
        return []

    def _confusable(self, printed: str, kinds: tuple[str, ...]) -> list[ResolvedReference]:
        key = confusable_key(printed)
        ids: list[tuple[str, int | OrderKey]] = []
        if "order" in kinds:
            ids += [("order", record_id) for record_id in self.index.orders_by_name_confusable.get(key, [])]
        if "picking" in kinds:
            ids += [("picking", record_id) for record_id in self.index.pickings_by_name_confusable.get(key, [])]
        if len(ids) != 1:
            if len(ids) > 1:
                log.debug("reference is a look-alike of %d records; none chosen", len(ids))
            return []
        found = self._record(*ids[0])
        if found is None:
            return []
        record, partner = found
        return [self._resolved(printed, record, partner, f"{ids[0][0]}_name_lookalike", f"reference {printed!r} read as {record.name} (look-alike characters)")]

    def _record(self, model_kind: str, record_id: int | OrderKey) -> tuple[OdooRef, int | None] | None:
        """Return the record and its partner; orders come as (kind, id), the rest as ids."""
        catalog = self.catalog
        if isinstance(record_id, tuple):
            order = catalog.orders.get(record_id) if model_kind == "order" else None
            return (OdooRef(model=order.model, id=order.id, name=order.name), order.partner_id) if order else None
        if model_kind == "picking":
            picking = catalog.pickings.get(record_id)
            return (OdooRef(model="stock.picking", id=picking.id, name=picking.name), picking.partner_id) if picking else None
        bill = catalog.bills.get(record_id)
        return (OdooRef(model="account.move", id=bill.id, name=bill.name), bill.partner_id) if bill else None

    def _resolved(self, printed: str, record: OdooRef, partner_id: int | None, via: str, note: str | None) -> ResolvedReference:
        commercial = self.index.commercial(self.catalog, partner_id)
        text = note.format(name=record.name) if note else None
        return ResolvedReference(printed=printed, record=record, partner_id=commercial, via=via, note=text)
