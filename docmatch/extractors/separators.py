"""Settle "3,500" and "1.250" for the whole document once its lines and totals are read.

A number whose only separator precedes exactly three digits is either a thousands
group or three decimals, and `numbers.parse_number` keeps both values. One document
uses one convention, so every such number with the same separator is read the same
way. That leaves two readings of the document, and the first of the steps below that
distinguishes them decides:

1. arithmetic: quantity x unit price = amount on a line, the line amounts against
   the printed net, and net + tax = total. A check that only one reading passes
   counts for it, and all such checks must favour the same reading.
2. the document's other numbers: "1.234,56" or "12,50" prove "," to be the decimal
   mark and "." the thousands separator.
3. money amounts: a line amount, net, tax or total is not printed with three
   decimals unless its currency has three minor digits (KWD, BHD, ...).

Values no step settles stay null with their alternatives and the `ambiguous` flag.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from docmatch.extractors.numbers import amounts_agree, parse_number
from docmatch.extractors.rows import Row
from docmatch.models import ExtractedField, ExtractedLine, Extraction, FieldFlag

log = logging.getLogger(__name__)

LINE_ROLES = ("quantity", "unit_price", "amount", "shipped_quantity", "received_quantity", "damaged_quantity")
TOTAL_FIELDS = ("net", "tax", "total")
# Currencies whose minor unit has three digits (ISO 4217), where "1,250" may be an amount.
THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
# Certainty of a value settled here, below that of a value read without doubt.
SETTLED_CONFIDENCE = 0.9


@dataclass(frozen=True, slots=True)
class Decision:
    """The reading chosen for the document's ambiguous numbers, and the evidence for it."""

    grouping: bool
    reason: str


def settle_ambiguous_numbers(extraction: Extraction, rows: list[Row], *, settled_marks: Counter[str] | None = None) -> None:
    """Give the ambiguous line values and totals of `extraction` one value each, where the document decides it.

    `rows` are all rows of the document and `settled_marks` counts the decimal marks
    that line arithmetic already proved ("1,250" settled as 1250 proves "."): both are
    the evidence of step 2. Changes `extraction` in place and adds a warning that
    names the reading chosen.
    """
    if not _has_ambiguous_values(extraction):
        return
    proven, separators = _scan_marks(rows)
    proven.update(settled_marks or Counter())
    if len(separators) != 1:
        # TODO: "1,250" and "3.500" in one document need the separator of each value,
        # which the extraction does not keep; both stay ambiguous until it does.
        return
    separator = separators.pop()

    decision = _by_arithmetic(extraction) or _by_other_numbers(proven, separator) or _by_money_decimals(extraction)
    if decision is None:
        log.debug("ambiguous numbers left open: nothing in the document settles them")
        return
    _apply(extraction, decision.grouping)
    role = "the thousands separator" if decision.grouping else "the decimal mark"
    extraction.warnings.append(f"numbers printed with a single '{separator}' before three digits were read with '{separator}' as {role}, because {decision.reason}")
    log.debug("ambiguous numbers settled: grouping=%s", decision.grouping)


def _has_ambiguous_values(extraction: Extraction) -> bool:
    return any(_line_alternatives(line, role) for line in extraction.lines for role in LINE_ROLES) or any(
        _field_alternatives(extraction.fields.get(name)) for name in TOTAL_FIELDS
    )


def _scan_marks(rows: list[Row]) -> tuple[Counter[str], set[str]]:
    """Count the decimal marks the unambiguous numbers prove, and collect the separators of ambiguous ones."""
    proven: Counter[str] = Counter()
    separators: set[str] = set()
    for row in rows:
        for word in row.words:
            reading = parse_number(word.text)
            if reading is None or reading.mark is None:
                continue
            if reading.ambiguous:
                separators.add(reading.mark)
            else:
                proven[reading.mark] += 1
    return proven, separators


# --- the three steps ------------------------------------------------------------------


def _by_arithmetic(extraction: Extraction) -> Decision | None:
    """Decide by the checks that one reading passes and the other fails."""
    grouped, decimal = _checks(extraction, grouping=True), _checks(extraction, grouping=False)
    favours = {grouped[name] for name in grouped if name in decimal and grouped[name] != decimal[name]}
    if len(favours) != 1:
        return None
    grouping = favours.pop()
    return Decision(grouping, "only that reading makes the document's arithmetic fit")


def _by_other_numbers(proven: Counter[str], separator: str) -> Decision | None:
    """Decide by the decimal mark the document's other numbers use, when they all use one.

    A document that proves both marks contradicts itself, so it decides nothing.
    """
    if len(proven) != 1:
        return None
    mark = next(iter(proven))
    return Decision(mark != separator, f"the document's other numbers use '{mark}' as the decimal mark")


def _by_money_decimals(extraction: Extraction) -> Decision | None:
    """Decide that a money amount with three decimals is a thousands group instead."""
    currency = extraction.fields.get("currency")
    if currency is not None and currency.value in THREE_DECIMAL_CURRENCIES:
        return None
    has_money = any(_line_alternatives(line, "amount") for line in extraction.lines) or any(_field_alternatives(extraction.fields.get(name)) for name in TOTAL_FIELDS)
    if not has_money:
        return None
    return Decision(True, "money amounts are not printed with three decimals in this currency")


def _checks(extraction: Extraction, *, grouping: bool) -> dict[str, bool]:
    """Return each arithmetic check that can be made under one reading, and whether it holds.

    A check that touches no ambiguous value is left out, because it tells the two
    readings apart in no way.
    """
    results: dict[str, bool] = {}
    touched = False
    amounts: list[float | None] = []
    for index, line in enumerate(extraction.lines):
        values = {role: _line_value(line, role, grouping) for role in ("quantity", "unit_price", "amount")}
        line_touched = any(_line_alternatives(line, role) for role in values)
        touched = touched or bool(_line_alternatives(line, "amount"))
        amounts.append(values["amount"])
        if line_touched and None not in values.values():
            results[f"line {index}"] = amounts_agree(values["quantity"] * values["unit_price"], values["amount"])  # type: ignore[operator]

    net, tax, total = (_field_value(extraction.fields.get(name), grouping) for name in TOTAL_FIELDS)
    net_touched = bool(_field_alternatives(extraction.fields.get("net")))
    if amounts and None not in amounts and net is not None and (touched or net_touched):
        results["lines against net"] = amounts_agree(sum(amounts), net)  # type: ignore[arg-type]
    totals_touched = any(_field_alternatives(extraction.fields.get(name)) for name in TOTAL_FIELDS)
    if totals_touched and None not in (net, tax, total):
        results["net + tax = total"] = amounts_agree(net + tax, total)  # type: ignore[operator]
    return results


# --- reading values under one reading -------------------------------------------------


def _line_alternatives(line: ExtractedLine, role: str) -> list[float]:
    alternatives = getattr(line, f"{role}_alternatives", None) or []
    return alternatives if _is_separator_pair(alternatives) else []


def _field_alternatives(field: ExtractedField | None) -> list[float]:
    if field is None or field.value is not None:
        return []
    return field.alternatives if _is_separator_pair(field.alternatives) else []  # type: ignore[return-value]


def _is_separator_pair(alternatives: list) -> bool:  # type: ignore[type-arg]
    """Return whether `alternatives` are the two readings of one separator: x and 1000 x."""
    if len(alternatives) != 2 or not all(isinstance(value, (int, float)) for value in alternatives):
        return False
    small, large = sorted((abs(value) for value in alternatives))
    return abs(small * 1000 - large) < 0.5


def _pick(alternatives: list[float], grouping: bool) -> float:
    return max(alternatives, key=abs) if grouping else min(alternatives, key=abs)


def _line_value(line: ExtractedLine, role: str, grouping: bool) -> float | None:
    alternatives = _line_alternatives(line, role)
    return _pick(alternatives, grouping) if alternatives else getattr(line, role)


def _field_value(field: ExtractedField | None, grouping: bool) -> float | None:
    if field is None:
        return None
    alternatives = _field_alternatives(field)
    if alternatives:
        return _pick(alternatives, grouping)
    return field.value if isinstance(field.value, (int, float)) else None


def _apply(extraction: Extraction, grouping: bool) -> None:
    """Set every ambiguous line value and total to its value under the chosen reading."""
    for line in extraction.lines:
        for role in LINE_ROLES:
            alternatives = _line_alternatives(line, role)
            if alternatives:
                setattr(line, role, _pick(alternatives, grouping))
                line.__pydantic_extra__.pop(f"{role}_alternatives", None)  # type: ignore[union-attr]
        if line.quantity is None:
            line.quantity = line.shipped_quantity if line.shipped_quantity is not None else line.received_quantity
        if not any(getattr(line, f"{role}_alternatives", None) for role in LINE_ROLES):
            line.flags = [flag for flag in line.flags if flag != FieldFlag.AMBIGUOUS.value]
    for name in TOTAL_FIELDS:
        field = extraction.fields.get(name)
        alternatives = _field_alternatives(field)
        if field is None or not alternatives:
            continue
        field.value = _pick(alternatives, grouping)
        field.alternatives = []
        field.confidence = SETTLED_CONFIDENCE
        field.flags = [flag for flag in field.flags if flag != FieldFlag.AMBIGUOUS.value]
