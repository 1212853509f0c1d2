"""Did the document's references find its order, of the same partner, only once?"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from docmatch.matchers.index import get_index
from docmatch.matchers.normalize import code_key, name_key
from docmatch.matchers.partners import name_similarity
from docmatch.models import FindingKind
from docmatch.rules.context import CheckContext, PriorDocument

# Document types that must refer to an order or picking in Odoo.
NEEDS_ORDER = frozenset({"invoice", "credit_note", "purchase_order", "bill_of_lading", "proof_of_delivery", "delivery_note", "receipt"})
# Types whose number is the partner's own document number (a vendor bill number).
NUMBERED_BY_PARTNER = frozenset({"invoice", "credit_note"})
# A printed partner name this unlike the order's partner is a different partner.
UNLIKE_NAME_SCORE = 50.0
# The same partner is the same in earlier documents from this name similarity up.
SAME_PARTNER_SCORE = 90.0
# A printed partner name is evidence of another partner only from this confidence up.
# Labelled names, sender lines and address blocks are read at 0.8 or more. The largest
# text of the letterhead is a guess at 0.7, and on a scan it may be the title split in
# two ("Rec hnung") or a column label.
PARTNER_NAME_MIN_CONFIDENCE = 0.8
BILL_TYPES = {"invoice": ("in_invoice",), "credit_note": ("in_refund",), "receipt": ("in_receipt", "in_invoice")}


def check_order_found(context: CheckContext) -> bool:
    """Add `partner_mismatch` or `order_not_found`; return whether an order was found."""
    match = context.match
    for record in match.foreign_records:
        owner = _owner_name(context, record.model, record.id)
        context.add(
            FindingKind.PARTNER_MISMATCH,
            "references.partner",
            f"The document cites {record.name}, which belongs to {owner}, not to {match.partner.name if match.partner else 'the document partner'}; it was not matched.",
            document_value=match.partner.name if match.partner else _printed_partner(context),
            odoo_value=owner,
            evidence={"record": record.model_dump(), "references": match.references_found},
        )

    if match.partner is not None and (match.partner_method in ("vat", "name", "email_domain") or _codes_confirm_partner(context)):
        context.confirmed.update({"vendor_name", "customer_name"})
    if match.records:
        context.confirmed.update({"po_reference", "order_reference"})
        _check_printed_partner(context)
        return True
    if match.foreign_records:
        return False
    if context.extraction.doc_type == "unknown":
        # Nothing was compared, which must not read as "agrees with Odoo".
        context.add(
            FindingKind.NEEDS_REVIEW,
            "document.type",
            "docmatch could not tell which kind of document this is (invoice, order or delivery paper) and found no Odoo record it refers to, so nothing was compared.",
            evidence={"references": match.references_found},
        )
        return False
    if context.extraction.doc_type not in NEEDS_ORDER:
        context.passed("order lookup", f"a {context.extraction.doc_type} document needs no order")
        return False
    printed = ", ".join(match.references_found) or "none"
    context.add(
        FindingKind.ORDER_NOT_FOUND,
        "references.order",
        f"No Odoo order or picking was found for the references printed on the document ({printed}).",
        document_value=printed if match.references_found else None,
        evidence={"references": match.references_found, "unresolved": match.unresolved_references, "partner": match.partner.name if match.partner else None},
    )
    return False


def _check_printed_partner(context: CheckContext) -> None:
    """When the partner came from the order, the printed name must still fit it.

    The partner's own product codes on the lines vouch for a doubtful reading of the
    name, but not against a name read with confidence that fits nobody in Odoo.
    """
    if context.match.partner_method not in ("reference", "order_content") or context.match.partner is None:
        return
    printed = _printed_partner(context)
    if not printed:
        return
    score = name_similarity(printed, context.match.partner.name)
    if score >= UNLIKE_NAME_SCORE:
        context.passed("printed partner", f"name similarity {score:.0f} with the order's partner")
        return
    if _codes_confirm_partner(context) and (_printed_partner_doubtful(context) or _printed_name_known(context, printed)):
        context.passed("printed partner", "the lines vouch for the order's partner")
        return
    if _printed_partner_doubtful(context):
        # A doubtful reading of the name is no evidence of another partner.
        _review_printed_partner(context, printed)
        return
    context.add(
        FindingKind.PARTNER_MISMATCH,
        "references.partner",
        f"The document is from {printed!r}, but the order it cites belongs to {context.match.partner.name}.",
        tolerance=f"names at least {UNLIKE_NAME_SCORE:.0f} % alike (references.partner)",
        document_value=printed,
        odoo_value=context.match.partner.name,
        evidence={"name_similarity": round(score, 1)},
    )


def _review_printed_partner(context: CheckContext, printed: str) -> None:
    side = _partner_side(context)
    field = context.extraction.fields[side]
    if set(field.flags) & {"low_confidence", "ambiguous", "replacement_character"}:
        # The review of flagged fields covers this name already.
        return
    context.confirmed.add(side)
    context.add(
        FindingKind.NEEDS_REVIEW,
        f"review.{side}",
        f"The document's {side.replace('_', ' ')} was read as {printed!r} with low confidence ({field.confidence:.2f}), which does not fit "
        f"{context.match.partner.name}, the partner of the order it cites; please confirm who issued the document.",
        document_value=printed,
        odoo_value=context.match.partner.name,
        evidence={"field": side, "confidence": field.confidence, "min_confidence": PARTNER_NAME_MIN_CONFIDENCE, "page": field.page},
    )


def _printed_name_known(context: CheckContext, printed: str) -> bool:
    """Return whether the printed name resembles our own company or any company partner in Odoo.

    Uses the index's name keys with the scorer of `name_similarity`, in one rapidfuzz
    call, because a database may hold a hundred thousand partners.
    """
    index = get_index(context.catalog)
    key = name_key(printed)
    if not key or key in index.company_name_keys:
        return True
    best = process.extractOne(key, index.partner_name_choices, scorer=fuzz.token_set_ratio, score_cutoff=UNLIKE_NAME_SCORE)
    return best is not None


def _codes_confirm_partner(context: CheckContext) -> bool:
    """Tell whether the lines vouch for the partner.

    They do when a line paired by the partner's own product code (only that partner
    prints those codes), or when the printed name is a doubtful reading and every line
    paired with the cited order without any issue.
    """
    pairs = context.match.pairs
    if any(pair.odoo_line is not None and pair.method in ("vendor_code", "learned") for pair in pairs):
        return True
    name_doubtful = any(_name_doubtful(context, name) for name in ("vendor_name", "customer_name"))
    return name_doubtful and bool(pairs) and all(pair.odoo_line is not None and pair.issue is None for pair in pairs)


def check_duplicates(context: CheckContext) -> None:
    """Add `duplicate_document` for a vendor number already billed or processed before."""
    extraction = context.extraction
    if extraction.doc_type not in NUMBERED_BY_PARTNER and extraction.doc_type != "receipt":
        return
    number = extraction.value("number")
    total = context.amount("total")
    issued = context.document_date()
    partner = context.partner

    if partner is not None:
        index = get_index(context.catalog)
        move_types = BILL_TYPES.get(extraction.doc_type, ("in_invoice",))
        for bill_id in index.bills_by_partner.get(partner.commercial_id, []):
            bill = context.catalog.bills[bill_id]
            if bill.state == "cancel" or bill.move_type not in move_types:
                continue
            same_number = number and bill.ref and code_key(bill.ref) == code_key(str(number))
            same_amount_date = total is not None and bill.amount_total is not None and abs(abs(bill.amount_total) - total) < 0.005 and issued and bill.invoice_date == issued
            if same_number or same_amount_date:
                reason = f"vendor number {number}" if same_number else f"the same amount {total:.2f} and date {issued}"
                context.add(
                    FindingKind.DUPLICATE_DOCUMENT,
                    "duplicates.odoo",
                    f"Odoo already holds {bill.name} from {partner.name} with {reason}.",
                    document_value=str(number) if number else None,
                    odoo_value=bill.name,
                    evidence={"bill_id": bill.id, "bill_ref": bill.ref, "bill_state": bill.state, "matched_on": "number" if same_number else "amount_and_date"},
                )
                return

    printed_partner = partner.name if partner else _printed_partner(context)
    for prior in context.prior_documents:
        if prior.doc_type != extraction.doc_type or not _same_partner(prior.partner_name, printed_partner):
            continue
        same_number = number and prior.number and code_key(prior.number) == code_key(str(number))
        same_amount_date = total is not None and prior.total is not None and abs(abs(prior.total) - total) < 0.005 and issued and prior.issue_date == issued
        if same_number or same_amount_date:
            context.add(
                FindingKind.DUPLICATE_DOCUMENT,
                "duplicates.processed",
                _processed_before_message(extraction.doc_type, prior, number, total, issued, same_number=bool(same_number)),
                document_value=str(number) if number else None,
                odoo_value=prior.number,
                evidence={"prior_sha256": prior.sha256, "matched_on": "number" if same_number else "amount_and_date"},
            )
            return


def _processed_before_message(doc_type: str, prior: PriorDocument, number: object, total: float | None, issued: object, *, same_number: bool) -> str:
    kind = doc_type.replace("_", " ")
    if same_number:
        return f"docmatch processed this {kind} before (document {prior.sha256[:12]}): same vendor number {number}."
    under = f" under another number ({prior.number})" if prior.number and number else ""
    return (
        f"This {kind} may be a copy of document {prior.sha256[:12]}{under}: same partner, amount {total:.2f} and date {issued}. "
        "If both are real (a second delivery that day, say), accept the variance."
    )


def _same_partner(first: str | None, second: str | None) -> bool:
    if not first or not second:
        return False
    return name_key(first) == name_key(second) or name_similarity(first, second) >= SAME_PARTNER_SCORE


def _partner_side(context: CheckContext) -> str:
    """Return the field naming the document's partner: the customer on customer papers, else the vendor."""
    return "customer_name" if context.extraction.doc_type in ("purchase_order", "bill_of_lading", "proof_of_delivery") else "vendor_name"


def _name_doubtful(context: CheckContext, name: str) -> bool:
    field = context.extraction.fields.get(name)
    return bool(field and field.value and (field.flags or field.confidence < PARTNER_NAME_MIN_CONFIDENCE))


def _printed_partner_doubtful(context: CheckContext) -> bool:
    return _name_doubtful(context, _partner_side(context))


def _printed_partner(context: CheckContext) -> str | None:
    value = context.extraction.value(_partner_side(context))
    return str(value) if value else None


def _owner_name(context: CheckContext, model: str, record_id: int) -> str:
    catalog = context.catalog
    if model.endswith(".order"):
        order = catalog.order(model, record_id)
        partner_id = order.partner_id if order else None
    elif model == "stock.picking":
        partner_id = catalog.pickings[record_id].partner_id
    else:
        partner_id = catalog.bills[record_id].partner_id
    partner = catalog.partners.get(partner_id or -1)
    return partner.name if partner else "another partner"
