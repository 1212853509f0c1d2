"""Template explanations: one sentence per finding and a suggested next step per kind.

The template is the default explainer and the fallback of the LLM explainer, so it has
to read well on its own. It only rephrases what the findings hold: the values, the line,
the tolerance and the Odoo record. It never computes a new number, and it never states
whether a document can be approved: reviewers decide.

The text has one paragraph per finding kind, the most severe kind first: the sentences
of that kind's findings, then "Next step: ..." for the kind.
"""

from __future__ import annotations

from collections.abc import Callable

from docmatch.models import Case, Finding, FindingKind, Scalar, Severity
from docmatch.reporting.redact import document_text

# Kinds whose values are amounts of money, printed with two decimals.
MONEY_KINDS = frozenset({FindingKind.PRICE_MISMATCH, FindingKind.TOTAL_MISMATCH, FindingKind.TAX_MISMATCH})

# Past this many findings of one kind, the paragraph counts the rest instead of listing them.
MAX_SENTENCES_PER_KIND = 8

DOC_TYPE_NAMES: dict[str, str] = {
    "invoice": "the invoice",
    "credit_note": "the credit note",
    "purchase_order": "the purchase order",
    "bill_of_lading": "the bill of lading",
    "proof_of_delivery": "the proof of delivery",
    "delivery_note": "the delivery note",
    "receipt": "the receipt",
    "unknown": "the document",
}

NEXT_STEPS: dict[FindingKind, str] = {
    FindingKind.ORDER_NOT_FOUND: "Ask the supplier for the order number, or link the document to its order in Odoo by hand.",
    FindingKind.PARTNER_MISMATCH: "Confirm who issued the document; if the order is right, add the supplier's other name or VAT number to the partner in Odoo.",
    FindingKind.CURRENCY_MISMATCH: "Ask the supplier to reissue the document in the order's currency, or correct the currency of the order in Odoo.",
    FindingKind.DUPLICATE_DOCUMENT: "Compare it with the earlier document and book it only once.",
    FindingKind.UNKNOWN_PRODUCT: "Find the product in Odoo and add the supplier's product code to it, or ask the supplier what was delivered.",
    FindingKind.LINE_NOT_ON_ORDER: "Ask purchasing whether the extra line was agreed; add it to the order if so, otherwise ask the supplier for a corrected document.",
    FindingKind.LINE_MISSING: "Check whether the order line is still to come or was billed on another document.",
    FindingKind.QUANTITY_MISMATCH: "Check the quantity against the receipt and ask the supplier for a corrected document if it is wrong.",
    FindingKind.PRICE_MISMATCH: "Check the agreed price with purchasing; ask for a credit note, or update the order if the new price was agreed.",
    FindingKind.UOM_MISMATCH: "Check the conversion between the two units (for example case and each) before comparing quantities and prices.",
    FindingKind.BILLED_EXCEEDS_RECEIVED: "Hold the line until the rest is received, or ask the supplier for a credit note for the difference.",
    FindingKind.TOTAL_MISMATCH: "Compare the line amounts, discounts and charges with the order to find where the totals part.",
    FindingKind.TAX_MISMATCH: "Check the tax rates and the fiscal position of the supplier and of the products.",
    FindingKind.DATE_OUT_OF_WINDOW: "Check the date with the supplier; a wrong date can put the document in the wrong period.",
    FindingKind.DAMAGED_GOODS: "Open a claim with the carrier or the supplier and attach the proof of delivery.",
    FindingKind.NEEDS_REVIEW: "Check the flagged values against the page image before relying on them.",
    FindingKind.EXTRACTION_FAILED: "Open the file; if it is complete, enter it by hand, otherwise ask the sender for a readable copy.",
}


# Documents from the sales side (customers' orders, the company's own shipping papers)
# call for the customer, sales or the carrier, not the supplier.
SALES_NEXT_STEPS: dict[FindingKind, str] = {
    FindingKind.ORDER_NOT_FOUND: "Ask the customer for their order reference, or link the document to its sale order in Odoo by hand.",
    FindingKind.PARTNER_MISMATCH: "Confirm which customer the document belongs to; if the order is right, add the customer's other name or VAT number to the partner in Odoo.",
    FindingKind.CURRENCY_MISMATCH: "Confirm the currency with the customer, or correct the currency of the sale order in Odoo.",
    FindingKind.UNKNOWN_PRODUCT: "Find the product in Odoo and note the customer's code for it, or ask the customer which product they mean.",
    FindingKind.LINE_NOT_ON_ORDER: "Ask sales whether the extra line was agreed with the customer; add it to the sale order if so.",
    FindingKind.LINE_MISSING: "Check whether the line ships later as a backorder or the customer dropped it, and update the sale order.",
    FindingKind.QUANTITY_MISMATCH: "Check the quantity against the sale order and the delivery; confirm it with the customer or the carrier before correcting either.",
    FindingKind.PRICE_MISMATCH: "Check the agreed price with sales and confirm it with the customer before the order is delivered or invoiced.",
    FindingKind.DATE_OUT_OF_WINDOW: "Check the date with the customer; a wrong date can move the delivery or the invoice into the wrong period.",
    FindingKind.DAMAGED_GOODS: "Open a claim with the carrier, tell the customer, and prepare a replacement or a credit note.",
}
SALES_DOCUMENT_TYPES = {"purchase_order", "bill_of_lading", "proof_of_delivery"}


def next_step(kind: FindingKind, case: Case) -> str:
    """Return the suggested next step for findings of `kind`, for the side the document is on."""
    sales_side = case.document.doc_type in SALES_DOCUMENT_TYPES or any(record.model == "sale.order" for record in case.matched)
    if sales_side and kind in SALES_NEXT_STEPS:
        return SALES_NEXT_STEPS[kind]
    return NEXT_STEPS[kind]


def template_explanation(case: Case) -> str:
    """Return a plain-text explanation built only from the case's findings.

    Each finding gives one sentence. Findings are grouped by kind, the most severe kind
    first, and each kind ends with its next step. A case without findings gets one
    sentence stating that.
    """
    document = document_name(case)
    if not case.findings:
        where = f" with {orders_name(case)}" if case.matched else " with Odoo"
        return f"{_capitalise(document)} agrees{where} within the configured tolerances."

    paragraphs = []
    for kind, findings in _group_by_kind(case.findings):
        sentences = [describe_finding(finding, case) for finding in findings[:MAX_SENTENCES_PER_KIND]]
        hidden = len(findings) - MAX_SENTENCES_PER_KIND
        if hidden > 0:
            sentences.append(f"{hidden} more finding(s) of the same kind are listed with the case.")
        sentences.append(f"Next step: {next_step(kind, case)}")
        paragraphs.append(" ".join(sentences))
    return "\n".join(paragraphs)


def describe_finding(finding: Finding, case: Case) -> str:
    """Return one sentence for one finding; the rule's own message when values are missing."""
    phrase = _PHRASES.get(finding.kind)
    sentence = phrase(finding, case) if phrase else None
    if sentence is None:
        sentence = finding.message.strip().rstrip(".")
    prefix = f"Line {finding.line}: " if finding.line is not None else ""
    tolerance = f" (tolerance: {finding.tolerance})" if finding.tolerance else ""
    return f"{prefix}{_capitalise(sentence) if not prefix else sentence}{tolerance}."


def document_name(case: Case) -> str:
    return DOC_TYPE_NAMES.get(case.document.doc_type, "the document")


def orders_name(case: Case) -> str:
    """Name the Odoo records the case matched, e.g. "P00457" or "P00017 and P00018"."""
    names = [record.name for record in case.matched]
    if not names:
        return "the Odoo record"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def format_value(value: Scalar, *, money: bool = False) -> str:
    """Write a value as a reviewer reads it: 24 rather than 24.0, 1310.90 for an amount, no float noise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value).strip()
    if money:
        return f"{value:.2f}"
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    text = f"{value:.6f}".rstrip("0")
    # At least two decimals, as amounts and quantities are printed: 1310.90, 0.50.
    return text if len(text.split(".")[1]) >= 2 else text + "0"


# --- one phrase per finding kind -----------------------------------------------------------


def _both(finding: Finding) -> bool:
    return finding.document_value not in (None, "") and finding.odoo_value not in (None, "")


def _document_side(finding: Finding) -> bool:
    return finding.document_value not in (None, "")


def _with_unit(value: Scalar, finding: Finding, side: str) -> str:
    """Append the unit the rule put in the evidence, if any: the currency of an amount, else the unit of measure.

    Quantity rules compare both sides in one unit and store its name under "unit".
    """
    money = finding.kind in MONEY_KINDS
    unit_key = "currency" if money else "uom"
    unit = finding.evidence.get(f"{side}_{unit_key}") or finding.evidence.get(unit_key)
    if not unit and not money:
        unit = finding.evidence.get("unit")
    text = format_value(value, money=money)
    return f"{text} {unit}" if isinstance(unit, str) and unit else text


def finding_value(finding: Finding, side: str) -> str:
    """Write the document's or Odoo's value of `finding` as the sentences do: "80 Units", "19.90 EUR".

    Args:
        side: "document" or "odoo".

    Returns:
        The value with its unit, or "" when that side has no value.
    """
    value = finding.document_value if side == "document" else finding.odoo_value
    if value is None or value == "":
        return ""
    return _with_unit(value, finding, side)


def _order_not_found(finding: Finding, case: Case) -> str | None:
    if _document_side(finding):
        return f"no Odoo order matches the reference {format_value(finding.document_value)} on {document_name(case)}"
    return f"{document_name(case)} cites no order that could be found in Odoo"


def _pair(label: str) -> Callable[[Finding, Case], str | None]:
    """Phrase for a value the document and Odoo both carry: '<label> X on the invoice, Y on P00457'."""

    def phrase(finding: Finding, case: Case) -> str | None:
        if not _both(finding):
            return None
        document_value = _with_unit(finding.document_value, finding, "document")
        odoo_value = _with_unit(finding.odoo_value, finding, "odoo")
        return f"{label} {document_value} on {document_name(case)}, {odoo_value} on {orders_name(case)}"

    return phrase


def _partner_mismatch(finding: Finding, case: Case) -> str | None:
    if not _both(finding):
        return None
    return (
        f"{document_name(case)} names the supplier {format_value(finding.document_value)}, "
        f"but {orders_name(case)} belongs to {format_value(finding.odoo_value)}"
    )


def _duplicate(finding: Finding, case: Case) -> str | None:
    if finding.odoo_value in (None, ""):
        return None
    return f"{document_name(case)} repeats {format_value(finding.odoo_value)}, which docmatch has already seen"


def _unknown_product(finding: Finding, case: Case) -> str | None:
    if not _document_side(finding):
        return None
    return f"the product {format_value(finding.document_value)} is not known in Odoo"


def _line_not_on_order(finding: Finding, case: Case) -> str | None:
    if not _document_side(finding):
        return None
    return f"{format_value(finding.document_value)} is not on {orders_name(case)}"


def _line_missing(finding: Finding, case: Case) -> str | None:
    if finding.odoo_value in (None, ""):
        return None
    return f"the order line {format_value(finding.odoo_value)} of {orders_name(case)} is missing from {document_name(case)}"


def _billed_exceeds_received(finding: Finding, case: Case) -> str | None:
    if not _both(finding):
        return None
    billed = _with_unit(finding.document_value, finding, "document")
    received = _with_unit(finding.odoo_value, finding, "odoo")
    return f"{billed} billed, but only {received} received in Odoo"


def _date_out_of_window(finding: Finding, case: Case) -> str | None:
    if not _document_side(finding):
        return None
    window = f" ({format_value(finding.odoo_value)})" if finding.odoo_value not in (None, "") else ""
    return f"the date {format_value(finding.document_value)} on {document_name(case)} is outside the expected window{window}"


def _damaged_goods(finding: Finding, case: Case) -> str | None:
    if not _document_side(finding):
        return None
    return f"{_with_unit(finding.document_value, finding, 'document')} reported damaged on {document_name(case)}"


def _extraction_failed(finding: Finding, case: Case) -> str | None:
    reason = finding.evidence.get("reason")
    if not isinstance(reason, str) or not reason:
        return None
    return f"{document_name(case)} could not be read: {document_text(case, reason)}"


_PHRASES: dict[FindingKind, Callable[[Finding, Case], str | None]] = {
    FindingKind.ORDER_NOT_FOUND: _order_not_found,
    FindingKind.PARTNER_MISMATCH: _partner_mismatch,
    FindingKind.CURRENCY_MISMATCH: _pair("currency"),
    FindingKind.DUPLICATE_DOCUMENT: _duplicate,
    FindingKind.UNKNOWN_PRODUCT: _unknown_product,
    FindingKind.LINE_NOT_ON_ORDER: _line_not_on_order,
    FindingKind.LINE_MISSING: _line_missing,
    FindingKind.QUANTITY_MISMATCH: _pair("quantity"),
    FindingKind.PRICE_MISMATCH: _pair("unit price"),
    FindingKind.UOM_MISMATCH: _pair("unit of measure"),
    FindingKind.BILLED_EXCEEDS_RECEIVED: _billed_exceeds_received,
    FindingKind.TOTAL_MISMATCH: _pair("total"),
    FindingKind.TAX_MISMATCH: _pair("tax"),
    FindingKind.DATE_OUT_OF_WINDOW: _date_out_of_window,
    FindingKind.DAMAGED_GOODS: _damaged_goods,
    FindingKind.EXTRACTION_FAILED: _extraction_failed,
}


def _group_by_kind(findings: list[Finding]) -> list[tuple[FindingKind, list[Finding]]]:
    """Group findings by kind: most severe kind first, then in the order the rules gave."""
    groups: dict[FindingKind, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.kind, []).append(finding)

    def worst(kind: FindingKind) -> int:
        return max(Severity(finding.severity).rank for finding in groups[kind])

    order = list(groups)
    return [(kind, groups[kind]) for kind in sorted(order, key=lambda kind: (-worst(kind), order.index(kind)))]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
