"""Document dates against the order and picking dates, in the company's time zone.

Odoo stores datetimes in UTC; a purchase order confirmed at 2024-03-31 22:30 UTC was
placed on 2024-04-01 in Berlin. Comparing calendar dates in the company's zone keeps an
invoice dated 2024-04-01 from looking older than that order.
"""

from __future__ import annotations

from datetime import date, timedelta

from docmatch.models import FindingKind
from docmatch.odoo.records import Order
from docmatch.rules.context import CheckContext

VENDOR_DOCUMENTS = frozenset({"invoice", "credit_note", "receipt", "delivery_note"})
DELIVERY_PAPERS = frozenset({"bill_of_lading", "proof_of_delivery"})


def check_dates(context: CheckContext) -> None:
    issued = context.document_date()
    if issued is None:
        context.passed("dates", "no readable document date")
        return
    doc_type = context.extraction.doc_type
    if doc_type in VENDOR_DOCUMENTS:
        _check_after_order(context, issued)
    elif doc_type == "purchase_order":
        _check_customer_order(context, issued)
    elif doc_type in DELIVERY_PAPERS:
        _check_delivery(context, issued)


def _check_after_order(context: CheckContext, issued: date) -> None:
    rules = context.rules()
    for order in context.orders:
        ordered = context.local_date(order.date_order)
        if ordered is None:
            continue
        earliest = ordered - timedelta(days=rules.before_order_days)
        latest = ordered + timedelta(days=rules.after_order_days)
        window = f"from {_days(rules.before_order_days)} before to {_days(rules.after_order_days)} after the order date, in {context.timezone.key} ({rules.dates_rule})"
        if earliest <= issued <= latest:
            context.passed("document date", f"{issued} within {earliest}..{latest} of {order.name}")
            continue
        relation = "before" if issued < earliest else "long after"
        context.add(
            FindingKind.DATE_OUT_OF_WINDOW,
            f"{rules.dates_rule}.{'before_order_days' if issued < earliest else 'after_order_days'}",
            f"The document is dated {issued}, {relation} the order {order.name} of {ordered} ({context.timezone.key}).",
            rules=rules,
            tolerance=window,
            document_value=issued.isoformat(),
            odoo_value=ordered.isoformat(),
            evidence={"order": order.name, "order_date_utc": order.date_order.isoformat() if order.date_order else None},
        )


def _check_customer_order(context: CheckContext, issued: date) -> None:
    rules = context.rules()
    for order in context.orders:
        _check_requested_delivery(context, order)
        ordered = context.local_date(order.date_order)
        if ordered is None or abs((issued - ordered).days) <= rules.customer_order_days:
            continue
        _out_of_window(
            context, "customer_order_days", f"±{_days(rules.customer_order_days)}",
            f"The customer's order is dated {issued}, {_days(abs((issued - ordered).days))} from the sale order {order.name} of {ordered}.",
            issued, ordered,
        )


def _check_requested_delivery(context: CheckContext, order: Order) -> None:
    """Compare the customer's requested delivery date with the sale order's commitment date.

    A commitment later than the request is an exception a person should see before the
    goods leave late. An earlier one is not, and an order without a commitment date has
    nothing to compare.
    """
    requested = _printed_date(context.extraction.value("delivery_date"))
    promised = context.local_date(order.commitment_date)
    if requested is None or promised is None:
        return
    rules = context.rules()
    late = (promised - requested).days
    if late <= rules.requested_delivery_days:
        context.passed("requested delivery date", f"{order.name} promises {promised} for {requested}")
        return
    _out_of_window(
        context, "requested_delivery_days", f"at most {_days(rules.requested_delivery_days)} later",
        f"The customer requests delivery on {requested}, but the sale order {order.name} commits to {promised}, {_days(late)} later.",
        requested, promised,
        evidence={"order": order.name, "commitment_date_utc": order.commitment_date.isoformat() if order.commitment_date else None},
    )


def _printed_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _check_delivery(context: CheckContext, issued: date) -> None:
    rules = context.rules()
    for record in context.match.records:
        if record.model != "stock.picking":
            continue
        picking = context.catalog.pickings[record.id]
        moved = context.local_date(picking.date_done or picking.scheduled_date)
        if moved is None or abs((issued - moved).days) <= rules.delivery_days:
            continue
        _out_of_window(
            context, "delivery_days", f"±{_days(rules.delivery_days)}",
            f"The document is dated {issued}, {_days(abs((issued - moved).days))} from {picking.name} ({moved}).",
            issued, moved,
        )


def _out_of_window(context: CheckContext, window: str, allowed: str, message: str, document: date, odoo: date, *, evidence: dict[str, object] | None = None) -> None:
    """Add a `date_out_of_window` finding decided by the date rule `window` (e.g. "delivery_days")."""
    rules = context.rules()
    context.add(
        FindingKind.DATE_OUT_OF_WINDOW,
        f"{rules.dates_rule}.{window}",
        message,
        rules=rules,
        tolerance=f"{allowed} ({rules.dates_rule}.{window})",
        document_value=document.isoformat(),
        odoo_value=odoo.isoformat(),
        evidence=evidence,
    )


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
