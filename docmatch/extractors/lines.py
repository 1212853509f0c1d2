"""Read line items by clustering words into the columns of the printed table.

Tables of business documents rarely have ruling lines, so the columns come from the
header row: each header cell ("Qty", "Einzelpreis", "Montant HT") names a role and
spans an x-range, and the words of each following row go to the column they overlap.
Arithmetic then checks and, where the header is missing or unclear, decides the roles:
in a row where one number times another equals a third, those are quantity, unit
price and amount. A table may continue on later pages under a repeated header;
carried-forward and brought-forward rows are skipped, and the rows of totals end it.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from docmatch.extractors.confusions import resolve_line_amounts
from docmatch.extractors.numbers import NumberReading, other_mark, parse_number, settle_product
from docmatch.extractors.patterns import find_quantities_with_units
from docmatch.extractors.rows import Cell, Row
from docmatch.extractors.textlayer import has_replacement
from docmatch.extractors.vocabulary import AMOUNT_LABELS, CARRY_ROWS, COLUMN_LABELS, COUNT_WORDS, TABLE_END_ROWS, fold_token
from docmatch.extractors.words import Word, merge_boxes, value_confidence
from docmatch.models import ExtractedLine, FieldFlag
from docmatch.units import printed_unit_words

log = logging.getLogger(__name__)

# Roles that make a header row a line-item header when one of each group is present.
_MEASURE_ROLES = {"quantity", "unit_price", "amount", "shipped_quantity", "received_quantity"}
_ITEM_ROLES = {"description", "code", "position"}
# Header rows this many line heights apart or closer form one header.
HEADER_ROWS_GAP_HEIGHTS = 3.0
# A row this many line heights below the table's last row is not part of it.
TABLE_GAP_HEIGHTS = 4.0
# ... unless the table's own rows lie further apart: then this many times its widest gap.
TABLE_GAP_GROWTH = 1.5
# A continuation row joins the item above when it lies within this many line heights.
CONTINUATION_GAP_HEIGHTS = 1.9
# The second line of one wrapped cell starts within this many line heights under the first;
# separate rows of a table are spaced wider.
WRAPPED_LINE_GAP_HEIGHTS = 0.5
# A word's wrapped end starts within this many line heights of the word's left edge.
WRAPPED_WORD_ALIGN_HEIGHTS = 0.5
# Rule certainty of a row read by header columns alone, without arithmetic agreement.
HEADER_ONLY_CONFIDENCE = 0.85
# Rule certainty of an OCR'd row whose numbers only multiply out once look-alikes or a
# dropped decimal point are read differently: below a clean read, so the line is doubted.
CORRECTED_CONFIDENCE = 0.8
# The cells whose arithmetic (quantity x unit price = amount) can correct an OCR reading.
_PRICED_ROLES = ("quantity", "unit_price", "amount")
# The unit codes the matcher converts, and printed words for units it has no code for.
_UOM_WORDS = printed_unit_words() | {
    "stk.", "st", "st.", "stück", "kg", "g", "lb", "t", "l", "ml", "m", "m²", "h", "hr", "hrs", "hour", "hours", "std", "std.", "day", "days",
    "set", "x", "stuks", "pièce", "pièces", "unité", "unités", "ud", "uds", "pz", "month", "months", "hur", "pce.", "unit(s)", "units(s)",
    "lot", "forfait", "pauschal", "pausch.",
}
_TOTAL_PHRASES = tuple({phrase for phrases in AMOUNT_LABELS.values() for phrase in phrases})
_QUANTITY_ROLES = ("quantity", "shipped_quantity", "received_quantity")
# Columns whose numbers are never a line's quantity, unit price or amount.
_RATE_ROLES = frozenset({"tax_rate", "discount"})
# Single header words, to tell a header word wrapped over two lines ("Meng" + "e").
_HEADER_WORDS = frozenset(token for phrases in COLUMN_LABELS.values() for phrase in phrases for token in phrase)
_CODE_RE = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9./_-]{2,}$|^\d{5,14}$")


@dataclass(slots=True)
class Column:
    role: str
    x0: float
    x1: float


@dataclass(slots=True)
class TableRead:
    lines: list[ExtractedLine] = field(default_factory=list)
    # Rows that belong to the table (header, items, continuations, carried rows).
    table_rows: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    # Decimal marks ("." or ",") proven by ambiguous numbers that a line's arithmetic settled.
    settled_marks: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class _Item:
    rows: list[Row]
    cells: dict[str, list[Word]]
    numbers: dict[str, NumberReading]
    confidence: float
    flags: list[str]
    # OCR readings changed by the line's arithmetic, as "unit price '1715' read as 17.15".
    corrections: list[str] = field(default_factory=list)
    # Values of the cells that several readings of an OCR'd row leave open, by role.
    alternatives: dict[str, list[float]] = field(default_factory=dict)


def read_lines(rows: list[Row], *, priced: bool = True, ocr_pages: frozenset[int] = frozenset()) -> TableRead:
    """Return the line items printed in `rows` (every page, top to bottom).

    `priced` is False for delivery notes, bills of lading and proofs of delivery: they
    print no prices, so no arithmetic is looked for and only a header makes a table.
    On the pages in `ocr_pages` (1-based), a priced row whose numbers do not parse or
    do not multiply out is read again with the OCR look-alikes and dropped decimal
    points of `confusions.resolve_line_amounts`; text-layer numbers are never changed.
    """
    scan = _TableScan(priced=priced, ocr_pages=ocr_pages)
    for row in rows:
        scan.feed(row)
    scan.result.lines = [_to_line(position, item) for position, item in enumerate(scan.items, start=1)]
    scan.result.settled_marks = _settled_marks(scan.items)
    for line, item in zip(scan.result.lines, scan.items, strict=True):
        if item.corrections:
            scan.result.warnings.append(f"line {line.position}: {', '.join(item.corrections)}, because only then quantity x unit price = amount")
    return scan.result


def _settled_marks(items: list[_Item]) -> Counter[str]:
    """Count the decimal marks that settled readings prove: "1,250" settled as 1250 proves "." decimal."""
    marks: Counter[str] = Counter()
    for item in items:
        for reading in item.numbers.values():
            printed = parse_number(reading.text)
            if reading.value is None or printed is None or not printed.ambiguous or printed.mark is None:
                continue
            as_decimals = abs(reading.value) == min(abs(value) for value in printed.alternatives)
            marks[printed.mark if as_decimals else other_mark(printed.mark)] += 1
    return marks


@dataclass(slots=True)
class _TableScan:
    """The state of one pass over the rows: the current header, the items so far, where the table ends."""

    priced: bool
    ocr_pages: frozenset[int] = frozenset()
    result: TableRead = field(default_factory=TableRead)
    columns: list[Column] | None = None
    items: list[_Item] = field(default_factory=list)
    in_table: bool = False
    page: int | None = None
    last_bottom: float = 0.0
    header_bottom: float = 0.0
    widest_gap: float = 0.0
    previous: Row | None = None
    # Text rows under the header and above the first item, which may lead its description.
    leading: list[Row] = field(default_factory=list)

    def feed(self, row: Row) -> None:
        """Take the next row: a header, a carried total, an item, a part of an item, or none."""
        self._enter_page(row)
        previous, self.previous = self.previous, row
        header = header_columns(row, priced=self.priced)
        if header is None and previous is not None:
            # "Meng" above "e": a header word wrapped over two lines names its column only when joined.
            joined = join_wrapped_words(previous, row)
            header = header_columns(joined, priced=self.priced) if joined is not None else None
            if header:
                self.result.table_rows.add(id(previous))
        if header:
            # A header printed over several rows names some columns in each.
            follows_header = self.columns is not None and row.page == self.page and row.top - self.header_bottom <= HEADER_ROWS_GAP_HEIGHTS * row.height
            self.columns = _merge_headers(header, self.columns) if follows_header else header  # type: ignore[arg-type]
            self.in_table, self.header_bottom = True, row.bottom
            self.leading = []
            self._keep(row)
            return
        if _is_carry_row(row):
            self.result.table_rows.add(id(row))
            return
        if self.in_table and _ends_table(row) and _arithmetic_triple(_numeric_words(row)) is None:
            self.in_table = False
            return
        if self.in_table and _counts_items(row, self.items):
            # "46 Packstücke" under items of 10, 11, 12 and 13: the table's count, not an item.
            self.in_table = False
            self.result.table_rows.add(id(row))
            return
        item = self._item(row)
        if item is not None:
            self._lead(item)
            self.items.append(item)
            self._keep(row)
            return
        if self.in_table and self.items:
            self._attach(row)
        elif self.in_table and self.columns and not _numeric_words(row):
            self.leading.append(row)

    def _lead(self, item: _Item) -> None:
        """Put the text line printed tight above the first item at the start of its description.

        A cell centred in a tall row prints its quantity beside its second line, so the
        item's name sits on the line above ("T-Shirt with Logo" over "SKU: ... 1").
        """
        # TODO: only the first item is read this way. The name of a later centred item
        # still joins the item above it as a continuation line.
        leading, self.leading = self.leading, []
        if self.items or not leading or not self.columns:
            return
        above, first = leading[-1], item.rows[0]
        if above.page != first.page or first.top - above.bottom > WRAPPED_LINE_GAP_HEIGHTS * first.height:
            return
        item.rows.insert(0, above)
        item.cells["description"] = [*_continuation_words(above, self.columns), *item.cells.get("description", [])]
        self.result.table_rows.add(id(above))

    def _enter_page(self, row: Row) -> None:
        if row.page != self.page:
            self.page, self.last_bottom, self.widest_gap = row.page, 0.0, 0.0
            return
        if not (self.in_table and self.last_bottom):
            return
        gap = row.top - self.last_bottom
        if gap > max(TABLE_GAP_HEIGHTS * row.height, TABLE_GAP_GROWTH * self.widest_gap):
            # A gap wider than any inside the table: the paragraph under it is not part of it.
            self.in_table = False
        else:
            self.widest_gap = max(self.widest_gap, gap)

    def _keep(self, row: Row) -> None:
        self.result.table_rows.add(id(row))
        self.last_bottom = row.bottom

    def _item(self, row: Row) -> _Item | None:
        item = _read_item_row(row, self.columns if self.in_table else None, priced=self.priced, ocr=row.page in self.ocr_pages)
        if item is None and self.priced and not self.in_table and self.columns and self.items and row.page == self.items[-1].rows[0].page:
            # A subtotal may split one table ("Non Food ... Subtotal ... Food"): rows under
            # the same header count again when their arithmetic fits.
            item = _read_item_row(row, self.columns)
            item = item if item is not None and item.confidence == 1.0 else None
        return item

    def _attach(self, row: Row) -> None:
        """Join `row` to the item above as its amount or description, or end the table."""
        previous = self.items[-1]
        if self.columns and _completes_amount(previous, row, self.columns):
            # "198,00" printed on the row under its item, where quantity x price was missing it.
            self._keep(row)
        elif self.columns and _measures(row, self.columns):
            # Numbers in the measure columns that make no item: under a net, tax or total
            # label the totals block has begun; otherwise a note of the item above.
            self.in_table = not _names_a_total(row)
            self.last_bottom = row.bottom
        elif _continues(previous, row, self.columns):
            previous.rows.append(row)
            previous.cells.setdefault("description", []).extend(_continuation_words(row, self.columns))
            self._keep(row)
        else:
            # A note between items ("Partial delivery OK"): the table goes on below it.
            self.last_bottom = row.bottom


# --- header ---------------------------------------------------------------------------


def header_columns(row: Row, *, priced: bool = True) -> list[Column] | None:
    """Return the columns named by `row` if it is a line-item header, else None.

    An unpriced document (`priced` False) may list only what and how many ("Product |
    Quantity", "Menge | Artikel"): two columns make its header when both are named and
    no other word is on the row.
    """
    if sum(1 for word in row.words if parse_number(word.text) is not None) > 1:
        return None
    columns: list[Column] = []
    for cell in row.cells:
        columns.extend(_cell_columns(row, cell))
    roles = {column.role for column in columns}
    measures = roles & _MEASURE_ROLES
    if not priced and len(columns) == 2 and len(roles & _ITEM_ROLES) == 1 and len(roles & set(_QUANTITY_ROLES)) == 1:
        return columns
    # A header names what the rows are (a description) or at least two measures; a
    # row of field labels ("POD No. / Delivered on / Customer PO") does neither.
    if not measures or len(roles - {"other"}) < 3 or ("description" not in roles and len(measures) < 2):
        return None
    return columns


def join_wrapped_words(upper: Row, lower: Row) -> Row | None:
    """Return `upper` with the word ends that `lower` prints under it joined on, or None.

    A narrow header cell wraps a word ("Meng" over "e", "Einzel-" over "preis"). Every
    word of `lower` must start under the left edge of a word of `upper`, set tight
    below it, and each joined word must be a header word that the upper part alone is not.
    """
    if lower.page != upper.page or lower.top - upper.bottom > WRAPPED_LINE_GAP_HEIGHTS * upper.height:
        return None
    ends: dict[int, Word] = {}
    for word in lower.words:
        align = WRAPPED_WORD_ALIGN_HEIGHTS * (word.bottom - word.top)
        above = next((index for index, head in enumerate(upper.words) if abs(head.x0 - word.x0) <= align), None)
        if above is None or above in ends:
            return None
        head = upper.words[above]
        joined = _joined_text(head.text, word.text)
        if fold_token(joined) not in _HEADER_WORDS or fold_token(head.text) in _HEADER_WORDS:
            return None
        ends[above] = Word(joined, head.x0, head.top, max(head.x1, word.x1), word.bottom, min(head.confidence, word.confidence), head.font, head.size)
    replaced = {id(upper.words[index]): word for index, word in ends.items()}
    words = [replaced.get(id(word), word) for word in upper.words]
    cells = [Cell([replaced.get(id(word), word) for word in cell.words]) for cell in upper.cells]
    return Row(upper.page, words, cells, [fold_token(word.text) for word in words])


def _joined_text(head: str, end: str) -> str:
    """Join a word's two printed parts, dropping the hyphen that marked the break."""
    return head[:-1] + end if head.endswith("-") else head + end


def _merge_headers(lower: list[Column], upper: list[Column]) -> list[Column]:
    """Return the lower header row's columns plus the upper row's named columns it does not overlap."""
    extra = [
        column
        for column in upper
        if column.role != "other" and not any(min(column.x1, other.x1) > max(column.x0, other.x0) for other in lower)
    ]
    return sorted([*lower, *extra], key=lambda column: column.x0)


def _cell_columns(row: Row, cell) -> list[Column]:  # type: ignore[no-untyped-def]
    start = row.words.index(cell.words[0])
    tokens = row.tokens[start : start + len(cell.words)]
    columns: list[Column] = []
    position = 0
    while position < len(tokens):
        role, size = _match_role(tokens, position)
        words = cell.words[position : position + max(size, 1)]
        if role is None:
            role = "other"
        if columns and columns[-1].role == role == "other":
            columns[-1].x1 = words[-1].x1
        else:
            columns.append(Column(role, words[0].x0, words[-1].x1))
        position += max(size, 1)
    return _merge_other_into_neighbour(columns)


def _match_role(tokens: list[str], position: int) -> tuple[str | None, int]:
    best: tuple[str | None, int] = (None, 0)
    for role, phrases in COLUMN_LABELS.items():
        for phrase in phrases:
            if len(phrase) > best[1] and tuple(tokens[position : position + len(phrase)]) == phrase:
                best = (role, len(phrase))
    return best


def _merge_other_into_neighbour(columns: list[Column]) -> list[Column]:
    """Words like "excl." or "(EUR)" inside a header cell belong to the column before them."""
    merged: list[Column] = []
    for column in columns:
        if column.role == "other" and merged:
            merged[-1].x1 = max(merged[-1].x1, column.x1)
            continue
        merged.append(column)
    return merged


# --- item rows ------------------------------------------------------------------------


def _read_item_row(row: Row, columns: list[Column] | None, *, priced: bool = True, ocr: bool = False) -> _Item | None:
    numbers = _numeric_words(row)
    cells = _assign_to_columns(row, columns) if columns else {}
    if not priced and not columns:
        return None
    triple = _header_triple(numbers, columns, discounts=_discounts(row, cells), strict=not columns) if priced else None
    if columns:
        readings = {role: reading for role in ("quantity", "unit_price", "amount", "shipped_quantity", "received_quantity", "damaged_quantity") if (reading := _cell_number(cells.get(role)))}
        if triple:
            _apply_triple(cells, readings, _order_by_header(triple, columns))
            return _Item([row], cells, readings, 1.0, [])
        corrected = _corrected_item(row, cells, readings) if ocr and priced else None
        if corrected is not None:
            return corrected
        if not _has_item_numbers(readings, columns) and not ("amount" in readings and _position(cells.get("position"))):
            return None
        return _Item([row], cells, readings, HEADER_ONLY_CONFIDENCE, [])
    if triple is None:
        # TODO: an OCR'd row without a table header is not corrected, because which of its
        # words are quantity, price and amount is unknown until its numbers multiply out.
        return None
    cells = _cells_without_header(row, triple)
    readings: dict[str, NumberReading] = {}
    _apply_triple(cells, readings, triple)
    return _Item([row], cells, readings, 1.0, [])


def _corrected_item(row: Row, cells: dict[str, list[Word]], readings: dict[str, NumberReading]) -> _Item | None:
    """Read an OCR'd row's quantity, unit price and amount again when they do not multiply out as printed.

    The other readings of the cells decide the item. When exactly one combination fits,
    it carries the corrected values and the flag `ocr_confusable`. When several fit, it
    keeps the values as read with their alternatives and the flag `ambiguous`. When none
    fits although a cell parses only as a look-alike, it gets `arithmetic_failed`.
    Returns None when a cell is missing or has no digit, or when nothing needs
    correcting. The header reading is kept then.
    """
    texts = {role: " ".join(word.text for word in cells.get(role, [])) for role in _PRICED_ROLES}
    if not all(any(char.isdigit() for char in text) for text in texts.values()):
        # Words alone ("Set", "Box") are no numbers, however their letters look.
        return None
    resolved = resolve_line_amounts(texts["quantity"], texts["unit_price"], texts["amount"])
    if None in (resolved.quantity, resolved.unit_price, resolved.amount):
        return None
    if FieldFlag.ARITHMETIC_FAILED.value in resolved.flags:
        if all(role in readings for role in _PRICED_ROLES):
            # Every cell parsed: `_to_line` flags the failed arithmetic itself.
            return None
        return _Item([row], cells, readings, HEADER_ONLY_CONFIDENCE, [FieldFlag.ARITHMETIC_FAILED.value])

    fits = [(resolved.quantity, resolved.unit_price, resolved.amount), *resolved.alternatives]
    if len(fits) > 1:
        alternatives = {role: list(dict.fromkeys(float(fit[index]) for fit in fits)) for index, role in enumerate(_PRICED_ROLES)}
        disputed = {role: values for role, values in alternatives.items() if len(values) > 1}
        return _Item([row], cells, readings, HEADER_ONLY_CONFIDENCE, [FieldFlag.AMBIGUOUS.value], alternatives=disputed)

    corrected = dict(readings)
    corrections: list[str] = []
    for role, value in zip(_PRICED_ROLES, fits[0], strict=True):
        printed = readings.get(role)
        if printed is None or printed.value is None or abs(printed.value - float(value)) > 1e-9:
            corrections.append(f"{role.replace('_', ' ')} '{texts[role]}' read as {value}")
        corrected[role] = NumberReading(texts[role], float(value), (), _decimal_places(value))
    if not corrections:
        return None
    log.debug("OCR reading of a line corrected by its arithmetic: %d values", len(corrections))
    return _Item([row], cells, corrected, CORRECTED_CONFIDENCE, [FieldFlag.OCR_CONFUSABLE.value], corrections=corrections)


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _has_item_numbers(readings: dict[str, NumberReading], columns: list[Column]) -> bool:
    """Return whether the readings make an item: a quantity, or an amount in a table without a quantity column."""
    quantity_roles = ("quantity", "shipped_quantity", "received_quantity")
    if any(role in readings for role in quantity_roles):
        return True
    has_quantity_column = any(column.role in quantity_roles for column in columns)
    return not has_quantity_column and "amount" in readings


def _numeric_words(row: Row) -> list[tuple[list[Word], NumberReading]]:
    """Return the numbers of `row`, joining digit groups split by a space ("2 500,00")."""
    found: list[tuple[list[Word], NumberReading]] = []
    words = row.words
    index = 0
    while index < len(words):
        word = words[index]
        if index + 1 < len(words) and re.fullmatch(r"\d{1,3}", word.text) and re.fullmatch(r"\d{3}(?:[.,]\d+)?\S{0,2}", words[index + 1].text):
            gap = words[index + 1].x0 - word.x1
            if gap < 0.45 * max(word.bottom - word.top, 1.0):
                joined = parse_number(word.text + " " + words[index + 1].text)
                if joined is not None:
                    found.append(([word, words[index + 1]], joined))
                    index += 2
                    continue
        reading = parse_number(word.text)
        if reading is not None and not word.text.endswith("%"):
            found.append(([word], reading))
        index += 1
    return found


def _arithmetic_triple(numbers: list[tuple[list[Word], NumberReading]], *, discounts: tuple[float, ...] = (), strict: bool = False) -> tuple[tuple, tuple, tuple, tuple[float, float, float]] | None:
    """Return the (quantity, price, amount) entries, left to right, whose product fits.

    A line discount printed in the row (`discounts`, in percent) may lie between price
    and amount. `strict` (no table header to go by) requires an amount with decimals and
    no leading-zero quantity, so that phone numbers ("07 08 56") make no line.
    """
    for factor in (1.0, *(1 - discount / 100 for discount in discounts)):
        for k in range(len(numbers) - 1, 1, -1):
            for j in range(k - 1, 0, -1):
                for i in range(j - 1, -1, -1):
                    quantity, price, amount = numbers[i], numbers[j], numbers[k]
                    if _is_zero(amount[1]) or (strict and not _plausible_without_header(quantity[1], amount[1])):
                        continue
                    settled = settle_product(quantity[1], price[1], amount[1], factor=factor)
                    if settled is not None:
                        return quantity, price, amount, settled
    return None


def _header_triple(numbers: list[tuple[list[Word], NumberReading]], columns: list[Column] | None, *, discounts: tuple[float, ...], strict: bool):  # type: ignore[no-untyped-def]
    """Return the arithmetic triple of the row, leaving out the numbers under tax and discount columns first.

    In "3 | $10.00 | $3.00 | $30.00" under "Qty | Price | Tax | Amount", 10 x 3 = 30 fits
    as well as 3 x 10 = 30, and the tax column must not take part.
    """
    if columns:
        measures = [number for number in numbers if _best_column(number[0][0], columns).role not in _RATE_ROLES]
        if len(measures) < len(numbers):
            triple = _arithmetic_triple(measures, discounts=discounts, strict=strict)
            if triple is not None:
                return triple
    return _arithmetic_triple(numbers, discounts=discounts, strict=strict)


def _plausible_without_header(quantity: NumberReading, amount: NumberReading) -> bool:
    return amount.decimals >= 2 and not (len(quantity.text) > 1 and quantity.text[0] == "0" and quantity.text[1].isdigit())


def _discounts(row: Row, cells: dict[str, list[Word]]) -> tuple[float, ...]:
    """Percentages printed in the row (a rate or a discount), and the discount column's value."""
    found = [reading.value for word in row.words if word.text.endswith("%") and (reading := parse_number(word.text)) and reading.value and 0 < reading.value < 100]
    column = _cell_number(cells.get("discount"))
    if column is not None and column.value and 0 < column.value < 100:
        found.append(column.value)
    return tuple(dict.fromkeys(found))  # type: ignore[arg-type]


def _completes_amount(item: _Item, row: Row, columns: list[Column]) -> bool:
    """Attach the amount printed under an item that shows quantity and price but no amount.

    Returns whether `row` was that amount: its only measure, fitting quantity x price.
    """
    numbers = item.numbers
    if "amount" in numbers or "quantity" not in numbers or "unit_price" not in numbers or row.page != item.rows[-1].page:
        return False
    cells = _assign_to_columns(row, columns)
    if any(_cell_number(cells.get(role)) is not None for role in ("quantity", "unit_price")):
        return False
    amount = _cell_number(cells.get("amount"))
    if amount is None or settle_product(numbers["quantity"], numbers["unit_price"], amount) is None:
        return False
    numbers["amount"] = amount
    item.cells["amount"] = cells["amount"]
    item.rows.append(row)
    item.confidence = 1.0
    return True


def _names_a_total(row: Row) -> bool:
    """Return whether a net, tax or total label appears anywhere in `row`."""
    return any(phrase == tuple(row.tokens[index : index + len(phrase)]) for phrase in _TOTAL_PHRASES for index in range(len(row.tokens)))


def _measures(row: Row, columns: list[Column]) -> bool:
    """Return whether `row` prints a number in a quantity, price or amount column."""
    cells = _assign_to_columns(row, columns)
    return any(_cell_number(cells.get(role)) is not None for role in ("quantity", "unit_price", "amount"))


def _order_by_header(triple, columns: list[Column]):  # type: ignore[no-untyped-def]
    """Swap quantity and price when the header prints the price column first."""
    quantity, price, amount, (quantity_value, price_value, amount_value) = triple
    quantity_role = _best_column(quantity[0][0], columns).role
    price_role = _best_column(price[0][0], columns).role
    quantity_roles = {"quantity", "shipped_quantity", "received_quantity"}
    if price_role in quantity_roles and quantity_role not in quantity_roles:
        return price, quantity, amount, (price_value, quantity_value, amount_value)
    return triple


def _is_zero(reading: NumberReading) -> bool:
    return reading.value == 0


def _apply_triple(cells: dict[str, list[Word]], readings: dict[str, NumberReading], triple) -> None:  # type: ignore[no-untyped-def]
    (quantity_words, quantity), (price_words, price), (amount_words, amount), settled = triple
    for role, words, reading, value in (("quantity", quantity_words, quantity, settled[0]), ("unit_price", price_words, price, settled[1]), ("amount", amount_words, amount, settled[2])):
        for other in list(cells):
            if other != role and other not in {"description"}:
                cells[other] = [word for word in cells[other] if word not in words]
        cells[role] = words
        readings[role] = NumberReading(reading.text, value, (), reading.decimals)


def _assign_to_columns(row: Row, columns: list[Column]) -> dict[str, list[Word]]:
    cells: dict[str, list[Word]] = {}
    for word in row.words:
        column = _best_column(word, columns)
        cells.setdefault(column.role, []).append(word)
    return cells


def _best_column(word: Word, columns: list[Column]) -> Column:
    def distance(column: Column) -> float:
        overlap = min(word.x1, column.x1) - max(word.x0, column.x0)
        if overlap > 0:
            return -overlap
        return min(abs(word.x0 - column.x1), abs(column.x0 - word.x1))

    best = min(columns, key=distance)
    # A number printed well clear of every measure column is part of the text beside it:
    # "Price is inclusive of a discount of Rs -40.00" under a description is no quantity.
    # Numbers under a header overlap it, or sit within their own or its width of it.
    if best.role in _MEASURE_ROLES and distance(best) > max(word.x1 - word.x0, best.x1 - best.x0):
        text_columns = [column for column in columns if column.role not in _MEASURE_ROLES]
        if text_columns:
            return min(text_columns, key=distance)
    return best


def _cells_without_header(row: Row, triple) -> dict[str, list[Word]]:  # type: ignore[no-untyped-def]
    (quantity_words, _), _, _, _ = triple
    left = [word for word in row.words if word.x1 <= quantity_words[0].x0]
    cells: dict[str, list[Word]] = {}
    after_quantity = [word for word in row.words if word.x0 >= quantity_words[-1].x1]
    if after_quantity and after_quantity[0].text.lower().rstrip(".") in _UOM_WORDS | {w.rstrip(".") for w in _UOM_WORDS}:
        cells["uom"] = [after_quantity[0]]
    if left and re.fullmatch(r"\d{1,3}", left[0].text) and len(left) > 1:
        cells["position"] = [left.pop(0)]
    if left and _CODE_RE.match(left[0].text) and len(left) > 1:
        cells["code"] = [left.pop(0)]
    if left and left[-1].text.lower().rstrip(".") in _UOM_WORDS and len(left) > 1:
        cells["uom"] = [left.pop()]
    cells["description"] = left
    return cells


def _cell_number(words: list[Word] | None) -> NumberReading | None:
    if not words:
        return None
    text = "".join(word.text for word in words) if len(words) > 1 else words[0].text
    reading = parse_number(text) or parse_number(" ".join(word.text for word in words))
    if reading is None:
        readings = [parse_number(word.text) for word in words]
        numeric = [reading for reading in readings if reading is not None]
        return numeric[-1] if numeric else None
    return reading


# --- table boundaries -----------------------------------------------------------------


def _is_carry_row(row: Row) -> bool:
    """Return whether `row` carries a running total between pages: a carry phrase starts a cell, one number follows.

    One number only: "2 Transport 120,00 120,00" is a freight line, not "Transport" as
    the German carried-forward.
    """
    return _first_phrase_start(row, CARRY_ROWS) and len(_numeric_words(row)) == 1


def _first_phrase_start(row: Row, phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Return whether one of `phrases` starts a cell of `row`."""
    for cell in row.cells:
        start = row.words.index(cell.words[0])
        for phrase in phrases:
            if tuple(row.tokens[start : start + len(phrase)]) == phrase:
                return True
    return False


def _counts_items(row: Row, items: list[_Item]) -> bool:
    """Return whether `row` prints the count of the items above: their quantities' sum, named by a count word.

    "46 Packstücke" under quantities 10, 11, 12 and 13 counts the packages. A row with
    any word other than its number and count, unit or total words is an item.
    """
    numbers = _numeric_words(row)
    quantities = [next((item.numbers[role].value for role in _QUANTITY_ROLES if role in item.numbers), None) for item in items]
    if len(numbers) != 1 or len(items) < 2 or None in quantities:
        return False
    words = [fold_token(word.text) for word in row.words if word not in numbers[0][0]]
    if not words or not all(word in COUNT_WORDS or word in _UOM_WORDS for word in words):
        return False
    return abs(sum(quantities) - (numbers[0][1].value or 0.0)) < 1e-9  # type: ignore[arg-type]


def _ends_table(row: Row) -> bool:
    """Return whether `row` starts the totals: a net or total label with an amount, or leading the row."""
    if not _first_phrase_start(row, TABLE_END_ROWS):
        return False
    leads = any(tuple(row.tokens[: len(phrase)]) == phrase for phrase in TABLE_END_ROWS)
    return leads or bool(_numeric_words(row))


def _continues(item: _Item, row: Row, columns: list[Column] | None) -> bool:
    previous = item.rows[-1]
    if row.page != previous.page or row.top - previous.bottom > CONTINUATION_GAP_HEIGHTS * previous.height:
        return False
    if columns and _measures(row, columns):
        return False
    if _numeric_words(row) and columns is None:
        return False
    return bool(_continuation_words(row, columns))


def _continuation_words(row: Row, columns: list[Column] | None) -> list[Word]:
    if not columns:
        return []
    # Words without a letter or digit are left-over rules and specks ("|"), not text.
    return [word for word in row.words if any(char.isalnum() for char in word.text) and _best_column(word, columns).role in {"description", "code", "other"}]


# --- conversion -----------------------------------------------------------------------


def _to_line(position: int, item: _Item) -> ExtractedLine:
    cells, numbers = item.cells, item.numbers
    words = [word for row in item.rows for word in row.words]
    text_of = lambda role: " ".join(word.text for word in cells.get(role, [])) or None  # noqa: E731
    flags = list(item.flags)
    if len(cells.get("uom", [])) > 1:
        # A long description runs into the unit column: only the last word is the unit.
        cells["description"] = [*cells.get("description", []), *cells["uom"][:-1]]
        cells["uom"] = cells["uom"][-1:]
    if not cells.get("description") and cells.get("code") and not _looks_like_code(cells["code"]):
        # "Artikel" heads the item's code or its name; without a description column, words are its name.
        cells["description"], cells["code"] = cells.pop("code"), []
    line = ExtractedLine(
        position=_position(cells.get("position")) or position,
        code=_code(cells),
        description=text_of("description"),
        uom=_uom(cells),
        confidence=round(min(item.confidence, value_confidence(words)), 3),
        page=item.rows[0].page,
        bbox=merge_boxes(words),
    )
    for role in ("quantity", "unit_price", "amount", "shipped_quantity", "received_quantity", "damaged_quantity"):
        reading = numbers.get(role)
        if reading is None:
            continue
        if reading.ambiguous:
            flags.append(FieldFlag.AMBIGUOUS.value)
            setattr(line, f"{role}_alternatives", list(reading.alternatives))
            continue
        setattr(line, role, reading.value)
    for role, values in item.alternatives.items():
        # Several OCR readings fit the arithmetic: the value as read stays, beside the others.
        setattr(line, f"{role}_alternatives", values)
    if item.corrections:
        line.corrections = list(item.corrections)  # type: ignore[attr-defined]
    if line.quantity is None:
        # Logistics documents print what moved; that is the line's quantity.
        line.quantity = line.shipped_quantity if line.shipped_quantity is not None else line.received_quantity
    if line.uom is None and line.quantity is not None and "quantity" in numbers:
        line.uom = _unit_after_quantity(item.rows[0], numbers["quantity"])
    if line.remark is None and cells.get("remark"):
        line.remark = text_of("remark")
    if any(has_replacement(word.text) for word in words):
        flags.append(FieldFlag.REPLACEMENT_CHARACTER.value)
    if line.quantity is not None and line.unit_price is not None and line.amount is not None and item.confidence < 1.0:
        if abs(abs(line.quantity * line.unit_price) - abs(line.amount)) > max(0.011, abs(line.amount) * 0.0005) and not _has_discount_columns(cells):
            flags.append(FieldFlag.ARITHMETIC_FAILED.value)
    line.flags = sorted(set(flags))
    return line


def _unit_after_quantity(row: Row, quantity: NumberReading) -> str | None:
    """Return the unit printed right after the quantity ("20 Stk."), found by token pattern."""
    for pair in find_quantities_with_units([word.text for word in row.words]):
        if pair.quantity == quantity.text:
            return pair.unit
    return None


def _uom(cells: dict[str, list[Word]]) -> str | None:
    words = cells.get("uom")
    return words[-1].text if words else None


def _has_discount_columns(cells: dict[str, list[Word]]) -> bool:
    return "other" in cells


def _position(words: list[Word] | None) -> int | None:
    if not words:
        return None
    text = words[0].text.rstrip(".")
    return int(text) if text.isdigit() and len(text) <= 4 else None


def _looks_like_code(words: list[Word]) -> bool:
    """Return whether a code cell is one word with a digit ("4711", "GX-24592-A"), as codes are."""
    return len(words) == 1 and any(char.isdigit() for char in words[0].text)


def _code(cells: dict[str, list[Word]]) -> str | None:
    words = cells.get("code")
    if not words:
        return None
    return " ".join(word.text for word in words)
