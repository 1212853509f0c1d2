"""Is the document usable at all, and which of its values need a person's eye."""

from __future__ import annotations

from docmatch.matchers.normalize import name_key
from docmatch.models import FieldFlag, FindingKind
from docmatch.rules.context import CheckContext

# Header fields whose doubtful reading matters to a decision.
REVIEWED_FIELDS = ("number", "date", "currency", "net", "tax", "total", "po_reference", "order_reference", "vendor_name", "customer_name", "due_date")
# Flags that make a read value doubtful. `not_found` is left out: a value the document
# does not state is judged by the check that needs it (a missing currency, say).
REVIEW_FLAGS = frozenset(flag.value for flag in FieldFlag) - {"not_found"}


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
    for position, line in enumerate(context.extraction.lines, start=1):
        flags = sorted(set(line.flags) & REVIEW_FLAGS)
        if flags and position - 1 not in settled:
            context.add(
                FindingKind.NEEDS_REVIEW,
                "review.line",
                f"Line {line.position or position} could not be read with certainty ({', '.join(flags)}); please confirm it.",
                line=line.position or position,
                document_value=line.code or line.description,
                evidence={"flags": flags, "page": line.page},
            )


def _lines_odoo_confirms(context: CheckContext) -> set[int]:
    """Return the 0-based lines that paired with an order line and drew no finding."""
    flagged_lines = {finding.line for finding in context.findings if finding.line is not None}
    return {
        pair.document_line
        for pair in context.match.pairs
        if pair.document_line is not None and pair.odoo_line is not None and pair.issue is None and context.line_number(pair) not in flagged_lines
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
