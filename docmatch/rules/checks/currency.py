"""The document's currency: read from the document, never assumed, never converted."""

from __future__ import annotations

from docmatch.models import FindingKind
from docmatch.rules.context import CheckContext

# Document types that carry prices and amounts.
PRICED = frozenset({"invoice", "credit_note", "purchase_order", "receipt"})


def check_currency(context: CheckContext) -> bool:
    """Add currency findings; return whether amounts may be compared with the orders.

    A missing currency is a question for a person, not a default. A different currency
    is reported once as `currency_mismatch`; amounts are then not compared at all,
    because any amount difference would only repeat the currency difference.
    """
    if context.extraction.doc_type not in PRICED:
        return True
    currency = context.currency()
    if currency is None:
        context.add(
            FindingKind.NEEDS_REVIEW,
            "currency.missing",
            "The document prints no currency that could be read; docmatch does not assume one. Please confirm the currency.",
            evidence={"field": "currency"},
        )
        return True

    order_currencies = sorted({order.currency.upper() for order in context.orders if order.currency})
    if not order_currencies or order_currencies == [currency]:
        if order_currencies:
            context.confirmed.add("currency")
        context.passed("currency", f"document {currency}, orders {order_currencies or 'without currency'}")
        return True
    odoo_value = ", ".join(order_currencies)
    context.add(
        FindingKind.CURRENCY_MISMATCH,
        "currency.order",
        f"The currency differs: the order is in {odoo_value}, the document in {currency}. Amounts were not converted or compared.",
        tolerance="same currency required (currency.order)",
        document_value=currency,
        odoo_value=odoo_value,
        evidence={"orders": [order.name for order in context.orders]},
    )
    return False
