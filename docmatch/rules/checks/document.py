"""Is the document usable at all, and which of its values need a person's eye."""

from __future__ import annotations

from datetime import date

from docmatch.matchers.normalize import name_key
from docmatch.matchers.uom import format_quantity
from docmatch.models import ExtractedLine, FieldFlag, Finding, FindingKind
from docmatch.rules.context import CheckContext

# Header fields whose doubtful reading matters to a decision.
REVIEWED_FIELDS = ("number", "date", "currency", "net", "tax", "total", "po_reference", "order_reference", "vendor_name", "customer_name", "due_date")
# Flags that make a read value doubtful. `not_found` is left out: a value the document
# does not state is judged by the check that needs it (a missing currency, say).
REVIEW_FLAGS = frozenset(flag.value for flag in FieldFlag) - {"not_found"}
# The reason given for a paired line whose quantity could not be read at all.
NO_QUANTITY = "no_quantity"
# Findings that rest on the values printed on one line (its quantity, unit or price).
# On a doubtful line they become `needs_review`. `damaged_goods` is left out because a
# damage note needs a person whichever way its figures were read.
LINE_VALUE_KINDS = frozenset({FindingKind.QUANTITY_MISMATCH, FindingKind.PRICE_MISMATCH, FindingKind.UOM_MISMATCH, FindingKind.BILLED_EXCEEDS_RECEIVED})


def check_readable(context: CheckContext) -> bool:
    """Add `extraction_failed` when nothing was read; return whether checks can go on."""
    extraction = context.extraction
    has_values = any(field.value not in (None, "") for field in extraction.fields.values())
    if has_values or extraction.lines:
        return True
    reason = "; ".join(extraction.warnings) or "no header field and no line item was found"
    context.add(
        FindingKind.EXTRACTION_FAILED,
        "extraction",
        f"Nothing could be read from the document: {reason}.",
        evidence={"warnings": extraction.warnings, "doc_type": extraction.doc_type},
    )
    return False


DATE_FIELDS = ("date", "due_date", "delivery_date")
# Countries whose businesses print numeric dates month first, as Odoo names them.
MONTH_FIRST_COUNTRIES = frozenset({"united states", "united states of america", "usa"})


def read_open_dates(context: CheckContext) -> None:
    """Read the dates the page left open in the partner's date order, when the rules give one.

    A slashed date with both parts up to 12 has two readings, day first and month
    first, and the extractor keeps both. The partner's `date_order` rule, when the
    rules file has one, settles which reading it is; else a partner in the United
    States prints month first. Otherwise the date goes to review.
    """
    date_order, source = _date_order(context)
    if date_order is None:
        return
    for name in DATE_FIELDS:
        field = context.extraction.fields.get(name)
        # An open date has no value; a guessed one has a value and keeps both readings.
        open_date = field is not None and field.value is None and FieldFlag.AMBIGUOUS.value in field.flags
        guessed = field is not None and field.value is not None and not field.flags
        if field is None or not (open_date or guessed) or len(field.alternatives) != 2:
            continue
        # The extractor lists the day-first reading first.
        chosen = field.alternatives[0 if date_order == "day_first" else 1]
        try:
            context.profile_dates[name] = date.fromisoformat(str(chosen))
        except ValueError:
            continue
        context.confirmed.add(name)
        context.passed(f"{name} order", f"{chosen} by {source}")


def _date_order(context: CheckContext) -> tuple[str | None, str | None]:
    """Return how the partner prints dates and the source of that: its rule, else its country."""
    rules = context.rules()
    if rules.date_order is not None:
        return rules.date_order, rules.date_order_rule
    partner = context.partner
    if partner is not None and partner.country and partner.country.strip().lower() in MONTH_FIRST_COUNTRIES:
        return "month_first", f"the partner's country in Odoo ({partner.country})"
    return None, None


def check_flagged_values(context: CheckContext) -> None:
    """Add `needs_review` for each doubtful value the extractor flagged and Odoo did not confirm."""
    bystanders = _bystander_names(context)
    for name in REVIEWED_FIELDS:
        field = context.extraction.fields.get(name)
        if field is None or name in context.confirmed:
            continue
        if name in ("vendor_name", "customer_name") and name_key(str(field.value or "")) in bystanders:
            # The carrier or our own company: not a value any decision rests on.
            continue
        flags = sorted(set(field.flags) & REVIEW_FLAGS)
        if not flags:
            continue
        context.add(
            FindingKind.NEEDS_REVIEW,
            f"review.{name}",
            f"The document's {name.replace('_', ' ')} could not be read with certainty ({', '.join(flags)}); please confirm it.",
            document_value=field.value,
            evidence={"field": name, "flags": flags, "alternatives": list(field.alternatives), "page": field.page},
        )

    settled = _lines_odoo_confirms(context)
    doubts = line_doubts(context)
    reviewed = {finding.line for finding in context.findings if finding.kind == FindingKind.NEEDS_REVIEW and finding.line is not None}
    for position, line in enumerate(context.extraction.lines, start=1):
        reasons = doubts.get(position - 1, [])
        number = line.position or position
        if reasons and position - 1 not in settled and number not in reviewed:
            context.add(
                FindingKind.NEEDS_REVIEW,
                "review.line",
                f"Line {number} could not be read with certainty ({', '.join(reasons)}){_corrections_note(line)}; please confirm it.",
                line=number,
                document_value=line.code or line.description,
                evidence={"flags": reasons, "page": line.page, **_corrections_evidence(line)},
            )


def line_doubts(context: CheckContext) -> dict[int, list[str]]:
    """Return why each doubtful document line (0-based) cannot ground a finding.

    A line is doubtful when the extractor flagged it, or when it paired with an order
    line but no quantity was read from it, because a missing quantity is not zero.
    """
    paired = {pair.document_line for pair in context.match.pairs if pair.document_line is not None and pair.odoo_line is not None}
    doubts: dict[int, list[str]] = {}
    for index, line in enumerate(context.extraction.lines):
        reasons = sorted(set(line.flags) & REVIEW_FLAGS)
        if line.quantity is None and index in paired:
            reasons.append(NO_QUANTITY)
        if reasons:
            doubts[index] = reasons
    return doubts


def review_doubtful_lines(context: CheckContext) -> None:
    """Turn a line finding that rests on a doubtful reading into `needs_review`.

    A scan may read "1.15" as "1715" or miss a quantity. Odoo confirms such a line when
    its values agree. When they do not, the difference may be the reading's, so a
    person confirms the line instead of receiving a mismatch of the wrong kind.
    """
    doubts = line_doubts(context)
    if not doubts:
        return
    numbers = {line.position or index + 1: index for index, line in enumerate(context.extraction.lines)}
    findings = []
    for finding in context.findings:
        index = numbers.get(finding.line) if finding.line is not None else None
        reasons = doubts.get(index) if index is not None else None
        if finding.kind not in LINE_VALUE_KINDS or not reasons:
            findings.append(finding)
            continue
        findings.append(_review_instead(context, finding, reasons, context.extraction.lines[index]))  # type: ignore[index]
    context.findings[:] = findings


def _corrections(line: ExtractedLine) -> list[str]:
    """Return the OCR readings the extractor corrected on `line` by its arithmetic, as "unit price '1715' read as 17.15"."""
    return list(getattr(line, "corrections", None) or [])


def _corrections_note(line: ExtractedLine) -> str:
    corrections = _corrections(line)
    return f"; the scan was read with corrections: {', '.join(corrections)}" if corrections else ""


def _corrections_evidence(line: ExtractedLine) -> dict[str, list[str]]:
    corrections = _corrections(line)
    return {"corrections": corrections} if corrections else {}


def _review_instead(context: CheckContext, finding: Finding, reasons: list[str], line: ExtractedLine) -> Finding:
    if NO_QUANTITY in reasons:
        expected = finding.odoo_value
        if isinstance(expected, (int, float)):
            expected = f"{format_quantity(float(expected))} {finding.evidence.get('unit') or ''}".strip()
        read = f"no quantity was read, so it was not compared with the {expected} that Odoo expects."
    else:
        prefix = f"Line {finding.line}: "
        read = "as read, " + (finding.message[len(prefix):] if finding.message.startswith(prefix) else finding.message)
    return Finding(
        kind=FindingKind.NEEDS_REVIEW,
        severity=context.policy.severity_of(FindingKind.NEEDS_REVIEW, context.rules()),
        rule="review.line",
        tolerance=finding.tolerance,
        line=finding.line,
        document_value=finding.document_value,
        odoo_value=finding.odoo_value,
        message=f"Line {finding.line} could not be read with certainty ({', '.join(reasons)}{_corrections_note(line)}), so no {finding.kind.value} is reported: {read} Please confirm the line.",
        evidence={**finding.evidence, "flags": reasons, "withheld_kind": finding.kind.value, "withheld_rule": finding.rule, **_corrections_evidence(line)},
    )


def _lines_odoo_confirms(context: CheckContext) -> set[int]:
    """Return the 0-based lines that paired with an order line, had a quantity and drew no finding."""
    flagged_lines = {finding.line for finding in context.findings if finding.line is not None}
    return {
        pair.document_line
        for pair in context.match.pairs
        if pair.document_line is not None and pair.odoo_line is not None and pair.issue is None and context.line_number(pair) not in flagged_lines
        and (line := context.document_line(pair)) is not None and line.quantity is not None
    }


def _bystander_names(context: CheckContext) -> set[str]:
    names = {name_key(company.name) for company in context.catalog.companies.values()}
    carrier = context.extraction.value("carrier")
    if carrier:
        names.add(name_key(str(carrier)))
    return names - {""}


def check_signs(context: CheckContext) -> None:
    """Check that the amounts carry one sign: all negative or all positive on a credit note.

    Quantities are left out, because credit notes often print positive quantities
    beside negative amounts.
    """
    values = [float(line.amount) for line in context.extraction.lines if line.amount]
    values += [float(value) for value in (context.extraction.value(name) for name in ("net", "total")) if isinstance(value, (int, float)) and value]
    if not values:
        return
    negative = sum(1 for value in values if value < 0)
    if negative == 0 or negative == len(values):
        if negative and context.extraction.doc_type != "credit_note":
            context.add(
                FindingKind.NEEDS_REVIEW,
                "review.sign",
                "Every amount on the document is negative although it is not a credit note; please confirm the document type.",
                document_value=context.extraction.doc_type,
            )
        return
    if context.extraction.doc_type == "credit_note":
        context.add(
            FindingKind.NEEDS_REVIEW,
            "review.sign",
            "The credit note mixes positive and negative amounts; a credit note is matched with one sign for the whole document.",
            evidence={"negative_values": negative, "values": len(values)},
        )
