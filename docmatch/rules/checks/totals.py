"""Totals and tax: the document's own arithmetic, then net and tax against Odoo.

The comparison with Odoo is left out when a line finding already explains the
difference (a quantity or price finding would otherwise be reported twice) or when
some document line is not paired, because then the expected amount is not known.
"""

from __future__ import annotations

from docmatch.models import FindingKind
from docmatch.rules.checks.lines import LineGroup, document_unit_price, order_lines_not_read
from docmatch.rules.context import CheckContext, money

LINE_AMOUNT_KINDS = frozenset({FindingKind.QUANTITY_MISMATCH, FindingKind.PRICE_MISMATCH, FindingKind.BILLED_EXCEEDS_RECEIVED, FindingKind.UOM_MISMATCH,
                               FindingKind.UNKNOWN_PRODUCT, FindingKind.LINE_NOT_ON_ORDER, FindingKind.NEEDS_REVIEW})
PRICED_TYPES = frozenset({"invoice", "credit_note", "receipt", "purchase_order"})


def check_arithmetic(context: CheckContext, groups: list[LineGroup]) -> None:
    """Check that net + tax = total and that the line amounts add up to the net.

    When net + tax misses the total but the printed net and total both agree with
    Odoo, the tax was misread (a second VAT rate on another row, say), not misprinted:
    the tax is then taken as total - net and the arithmetic passes.
    """
    rules = context.rules()
    currency = context.currency() or ""
    net, tax, total = context.amount("net"), context.amount("tax"), context.amount("total")
    if net is not None and tax is not None and total is not None and not rules.total.accepts(net + tax, total):
        expected = odoo_amounts(context, groups)
        if expected is not None and rules.total.accepts(net, expected[0]) and rules.total.accepts(total, expected[0] + expected[1]):
            context.passed("document arithmetic", "net and total agree with Odoo; the printed tax was read wrong")
            context.derived_tax = round(total - net, 2)
        else:
            # The finding brings the doubtful amounts to a person already.
            context.confirmed.update({"net", "tax", "total"})
            context.add(
                FindingKind.TOTAL_MISMATCH, f"{rules.total.rule}.arithmetic",
                f"The document's net {money(net, currency)} plus tax {money(tax, currency)} is {money(net + tax, currency)}, not the printed total {money(total, currency)}.",
                rules=rules, tolerance=rules.total.describe(currency), document_value=total, odoo_value=round(net + tax, 2),
                evidence={"net": net, "tax": tax, "total": total, "compared": "document arithmetic"},
            )
    amounts = [line.amount for line in context.extraction.lines if line.amount is not None]
    if net is not None and amounts and len(amounts) == len(context.extraction.lines):
        lines_sum = round(sum(abs(amount) if context.sign < 0 else amount for amount in amounts), 2)
        if not rules.total.accepts(lines_sum, net) and order_lines_not_read(context):
            # The gap is an order line the reader missed, and that line goes to review.
            context.passed("line amounts against the net", "the difference is an order line that was not read")
        elif not rules.total.accepts(lines_sum, net):
            context.confirmed.update({"net", "total"})
            context.add(
                FindingKind.TOTAL_MISMATCH, f"{rules.total.rule}.lines",
                f"The document's line amounts add up to {money(lines_sum, currency)}, not the printed net {money(net, currency)}.",
                rules=rules, tolerance=rules.total.describe(currency), document_value=net, odoo_value=lines_sum,
                evidence={"lines_sum": lines_sum, "net": net, "compared": "document arithmetic"},
            )


def odoo_amounts(context: CheckContext, groups: list[LineGroup]) -> tuple[float, float] | None:
    """Return the net and tax Odoo expects for the listed quantities, or None when unknown.

    The net is the order prices of the listed quantities. A line whose printed price
    the price tolerance accepted counts at that price, so that a variance the rules
    allow on a line does not come back as a total difference. The tax applies
    each order line's own rate (its `price_tax` over its `price_subtotal`), or the
    orders' overall rate for a line without one. Unknown when a document line is
    unpaired.
    """
    if not groups or any(pair.issue and pair.issue != "not_an_item" for pair in context.match.pairs):
        return None
    orders = context.orders
    untaxed = sum(order.amount_untaxed or 0.0 for order in orders)
    overall_rate = sum(order.amount_tax or 0.0 for order in orders) / untaxed if untaxed > 0 else None
    net = tax = 0.0
    for group in groups:
        line = group.order_line
        line_net = group.in_line_unit(group.document_base) * _accepted_price(context, group)
        if line.price_tax is not None and line.price_subtotal:
            rate = line.price_tax / line.price_subtotal
        elif overall_rate is not None:
            rate = overall_rate
        else:
            return None
        net += line_net
        tax += line_net * rate
    return round(net, 2), round(tax, 2)


def _accepted_price(context: CheckContext, group: LineGroup) -> float:
    """Return the price per order-line unit the net should carry: the printed one when the tolerance accepted it."""
    ordered = group.order_line.price_unit * (1 - group.order_line.discount / 100.0)
    rules = context.rules(group.product)
    quantity = amount = 0.0
    for pair in group.pairs:
        line = context.document_line(pair)
        printed = document_unit_price(line.unit_price, line.quantity, line.amount, getattr(line, "discount", None)) if line is not None else None
        if printed is None or pair.unit_factor is None or not pair.document_quantity_base:
            return ordered
        price = printed / pair.unit_factor * group.factor
        if not rules.price.accepts(price, ordered):
            return ordered
        quantity += pair.document_quantity_base
        amount += pair.document_quantity_base * price
    return amount / quantity if quantity else ordered


def check_against_orders(context: CheckContext, groups: list[LineGroup]) -> None:
    """Compare the net with the order prices of the listed quantities, and the tax with the orders' rate."""
    if context.extraction.doc_type not in PRICED_TYPES or not groups:
        return
    if any(finding.kind in LINE_AMOUNT_KINDS for finding in context.findings):
        context.passed("net against Odoo", "a line finding already explains any difference")
        return
    if any(pair.issue and pair.issue != "not_an_item" for pair in context.match.pairs):
        context.passed("net against Odoo", "not every document line is paired")
        return
    rules = context.rules()
    currency = context.currency() or ""
    net = context.amount("net")
    amounts = odoo_amounts(context, groups)
    if amounts is None:
        context.passed("net against Odoo", "the expected amounts are not known")
        return
    expected, expected_tax = amounts
    if net is not None and rules.total.accepts(net, expected):
        context.confirmed.add("net")
    if net is not None and not rules.total.accepts(net, expected):
        context.add(
            FindingKind.TOTAL_MISMATCH, rules.total.rule,
            f"The document's net {money(net, currency)} differs from {money(expected, currency)}, the order prices of the listed quantities.",
            rules=rules, tolerance=rules.total.describe(currency), document_value=net, odoo_value=expected,
            evidence={"orders": [order.name for order in context.orders], "compared": "order prices"},
        )
        return
    _check_tax(context, net if net is not None else expected, expected_tax)


def _check_tax(context: CheckContext, net: float, expected: float) -> None:
    tax = context.derived_tax if context.derived_tax is not None else context.amount("tax")
    total = context.amount("total")
    if tax is None and total is not None and context.amount("net") is not None:
        # Some layouts print only net and gross; the tax is their difference.
        tax = round(total - net, 2)
    if tax is None:
        return
    rules = context.rules()
    currency = context.currency() or ""
    if rules.tax.accepts(tax, expected):
        context.passed("tax", f"{tax} vs {expected}")
        context.confirmed.add("tax")
        if total is not None and "net" in context.confirmed and rules.total.accepts(net + tax, total):
            context.confirmed.add("total")
        return
    rate = 100.0 * expected / net if net else 0.0
    context.add(
        FindingKind.TAX_MISMATCH, rules.tax.rule,
        f"The document's tax {money(tax, currency)} differs from {money(expected, currency)}, the order lines' tax ({rate:.2f} % of the net {money(net, currency)}).",
        rules=rules, tolerance=rules.tax.describe(currency), document_value=tax, odoo_value=expected,
        evidence={"rate_percent": round(rate, 4), "net": net},
    )
