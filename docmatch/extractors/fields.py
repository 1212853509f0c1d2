"""Read header fields: find a printed label, then the value beside or below it.

Labels come from `vocabulary` in six languages. A value is looked for in the rest of
the label's cell, then in the next cell of the same row, then in the cell just below
the label; each field type checks its candidate (a number must hold a digit, a date
must parse) and the first that passes wins. Amounts are read from the rows outside
the line-item table and chosen so that net + tax = total where the page allows it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Callable

from docmatch.extractors.dates import find_date
from docmatch.extractors.numbers import NumberReading, parse_number
from docmatch.extractors.rows import Row
from docmatch.extractors.textlayer import has_replacement
from docmatch.extractors.vocabulary import (
    AMOUNT_LABELS,
    COLUMN_LABELS,
    CURRENCY_LABELS,
    CURRENCY_SYMBOLS,
    DOC_TYPE_TITLES,
    FIELD_LABELS,
    ISO_CURRENCIES,
    NAME_LABELS,
    OTHER_LABELS,
    fold_phrase,
    fold_token,
)
from docmatch.extractors.words import Word, merge_boxes, value_confidence
from docmatch.models import ExtractedField, FieldFlag

log = logging.getLogger(__name__)

# Rule certainty by where the value sat relative to its label.
SAME_CELL_CONFIDENCE = 1.0
RIGHT_CELL_CONFIDENCE = 1.0
BELOW_CONFIDENCE = 0.9
# A label printed this many times the body text height is a title.
TITLE_HEIGHTS = 1.45
# A value below its label may start this many points left of it.
BELOW_LEFT_SLACK = 3.0
# A value below its label must start within this many line heights.
BELOW_MAX_HEIGHTS = 2.6
# A labelled amount sits within this many cells after its label, with at most this
# many words between them ("VAT 19 % on 400,00: 76,00").
AMOUNT_MAX_CELLS = 3
AMOUNT_MAX_WORDS = 4
# Total amounts agree when they differ by at most this much.
AMOUNT_TOLERANCE = 0.011

_ID_STRIP = " :;,.()[]"
# A label followed by one of these words names another field ("Order date", "Invoice address").
_LABEL_EXTENDERS = {
    "date", "datum", "fecha", "data", "dated", "address", "adresse", "adres", "direccion", "indirizzo", "period", "periode", "type",
    "vat", "tax", "ust", "ust-idnr", "tva", "btw", "iva", "id", "email", "e-mail", "phone", "tel", "fax", "contact", "kontakt",
}
_LIST_WORDS = {"/", "&", "+", "and", "und", "et", "en", "y", "e"}
# A tax label followed by one of these words names a tax number, not a tax amount
# ("VAT ID DE291740355", "VAT No. GB123456789", "Tax reg. 12-345").
_TAX_NUMBER_WORDS = {"id", "no", "nr", "idnr", "reg", "registration", "identification", "ident"}
_TIME_RE = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}$")


@dataclass(slots=True)
class Candidate:
    """A value with the words it came from and how sure the rule that read it is."""

    value: object
    words: list[Word]
    page: int
    confidence: float = 1.0
    flags: list[str] = field(default_factory=list)
    alternatives: list[object] = field(default_factory=list)

    def to_field(self) -> ExtractedField:
        confidence = round(min(self.confidence, value_confidence(self.words) if self.words else self.confidence), 3)
        flags = list(self.flags)
        if any(has_replacement(word.text) for word in self.words):
            flags.append(FieldFlag.REPLACEMENT_CHARACTER.value)
        return ExtractedField(
            value=self.value,  # type: ignore[arg-type]
            confidence=confidence,
            page=self.page,
            bbox=merge_boxes(self.words),
            flags=sorted(set(flags)),
            alternatives=self.alternatives,  # type: ignore[arg-type]
        )


@dataclass(slots=True)
class LabelHit:
    row_index: int
    start: int
    end: int


Reader = Callable[[list[Word]], Candidate | None]


# --- label search ---------------------------------------------------------------------


def find_labels(rows: list[Row], phrases: tuple[tuple[str, ...], ...], *, skip: set[int] | None = None) -> list[LabelHit]:
    """Return where any of `phrases` starts a cell, in reading order; longest phrase first.

    A phrase printed much larger than the body text is a title ("Bestellung"), unless a
    colon ends it ("Datum:"), which no title carries. A phrase that the same cell
    continues into another label ("Order date") names something else.
    """
    body = _body_height(rows)
    hits: list[LabelHit] = []
    for row_index, row in enumerate(rows):
        if skip and id(row) in skip:
            continue
        for cell in row.cells:
            start = row.words.index(cell.words[0])
            cell_end = start + len(cell.words)
            for phrase in phrases:
                end = start + len(phrase)
                if tuple(row.tokens[start:end]) != phrase:
                    continue
                extended = end < cell_end and row.tokens[end] in _LABEL_EXTENDERS
                title = row.words[start].bottom - row.words[start].top > TITLE_HEIGHTS * body and not _ends_with_colon(row, end)
                if not extended and not title and not _longer_label_at(row.tokens, start, len(phrase)):
                    hits.append(LabelHit(row_index, start, end))
                break
    return hits


def _ends_with_colon(row: Row, end: int) -> bool:
    """Return whether the label ending before word `end` ends with a colon, on its last word or as the next word."""
    return row.words[end - 1].text.endswith(":") or (end < len(row.words) and row.words[end].text == ":")


def _body_height(rows: list[Row]) -> float:
    heights = sorted(word.bottom - word.top for row in rows for word in row.words)
    return heights[len(heights) // 2] if heights else 10.0


def _longer_label_at(tokens: list[str], start: int, size: int) -> bool:
    """Return whether a longer label of any field starts at `start` ("Date of delivery" beats "Date")."""
    return any(len(phrase) > size and tuple(tokens[start : start + len(phrase)]) == phrase for phrase in _ALL_LABELS_LONGEST)


def value_beside(rows: list[Row], hit: LabelHit, reader: Reader) -> Candidate | None:
    """Read the value after the label on its row, else in the cell below it."""
    row = rows[hit.row_index]
    after = row.words[hit.end :]
    after = [word for word in after if word.text.strip(":") or word is not after[0]]
    cells_after = _cells_from(row, hit.end)
    for words in cells_after[:2]:
        if _is_label(words):
            # Another label is no value. In a row of box headings ("Shipped via | F.O.B.
            # Point | Terms") every cell is one, and the value is under the heading.
            continue
        candidate = reader(words)
        if candidate is not None:
            candidate.page = row.page
            return candidate
    return _value_below(rows, hit, reader)


def _is_label(words: list[Word]) -> bool:
    """Return whether `words` are a label of a header field or of a box and nothing else.

    A name may begin with a label word ("Lieferant GmbH"), so the whole cell must match.
    """
    tokens = tuple(token for word in words if (token := fold_token(word.text.rstrip(":"))))
    return tokens in _ALL_LABELS


def _cells_from(row: Row, start: int) -> list[list[Word]]:
    """Return the word groups after index `start`: rest of its cell, then whole cells."""
    groups: list[list[Word]] = []
    for cell in row.cells:
        cell_start = row.words.index(cell.words[0])
        cell_end = cell_start + len(cell.words)
        if cell_end <= start:
            continue
        words = [word for word in cell.words[max(0, start - cell_start) :] if word.text.strip(":")]
        if words:
            groups.append(words)
    return groups


def _value_below(rows: list[Row], hit: LabelHit, reader: Reader) -> Candidate | None:
    """Read the value under the label, between the label's left edge and the next label on its row."""
    label_row = rows[hit.row_index]
    label_words = label_row.words[hit.start : hit.end]
    left = label_words[0].x0 - BELOW_LEFT_SLACK
    right = label_row.words[hit.end].x0 if hit.end < len(label_row.words) else float("inf")
    label_right = label_words[-1].x1
    for below in rows[hit.row_index + 1 : hit.row_index + 4]:
        if below.page != label_row.page or below.top - label_row.bottom > BELOW_MAX_HEIGHTS * label_row.height:
            return None
        words = [word for word in below.words if left <= word.x0 < right or (word.x0 < label_right and word.x1 > label_words[0].x0)]
        if not words:
            continue
        # Keep to the first cell under the label: the next cell belongs to something else.
        first_cell = next(cell for cell in below.cells if words[0] in cell.words)
        words = [word for word in words if word in first_cell.words]
        candidate = reader(words)
        if candidate is None:
            return None
        candidate.page = below.page
        candidate.confidence = min(candidate.confidence, BELOW_CONFIDENCE)
        return candidate
    return None


# --- value readers --------------------------------------------------------------------


def read_identifier(words: list[Word]) -> Candidate | None:
    """Read the first word with a digit that is not a date or a time: "SAJ/2017/002", "INV-100".

    A leading "#" is the number sign, not part of the identifier ("Order No: #123123").
    """
    for word in words[:3]:
        text = word.text.strip(_ID_STRIP).lstrip("#")
        if any(char.isdigit() for char in text) and not _DATE_LIKE.match(text) and not _TIME_RE.match(text) and len(text) <= 40:
            return Candidate(text, [word], 0)
    return None


def read_references(words: list[Word]) -> Candidate | None:
    """Read one reference or a printed list of them: "P00022, P00023", "P1 / P2", "P1 und P2"."""
    first = read_identifier(words)
    if first is None:
        return None
    start = words.index(first.words[0])
    found, used = [first.value], [first.words[0]]
    index = start + 1
    while index < len(words):
        word = words[index]
        text = word.text.strip(_ID_STRIP)
        joiner = used[-1].text.endswith((",", ";")) or word.text.lower() in _LIST_WORDS
        if word.text.lower() in _LIST_WORDS:
            index += 1
            continue
        if joiner and any(char.isdigit() for char in text) and not _DATE_LIKE.match(text):
            found.append(text)
            used.append(word)
            index += 1
            continue
        break
    return Candidate(", ".join(str(value) for value in found), used, 0)


def make_date_reader(day_first: bool | None, *, keep_readings: bool = False) -> Reader:
    """Return a reader of dates; slashed dates are read in the `day_first` order.

    With `keep_readings`, a slashed date whose order was only guessed keeps both
    readings, day first then month first, in `alternatives` beside its value, so that
    a partner's known date order can still settle it.
    """

    def read_date(words: list[Word]) -> Candidate | None:
        for size in range(1, min(len(words), 5) + 1):
            reading = find_date(" ".join(word.text for word in words[:size]), day_first=day_first)
            if reading is None:
                continue
            used = words[:size]
            if reading.value is None:
                return Candidate(None, used, 0, 0.5, [FieldFlag.AMBIGUOUS.value], list(reading.alternatives))
            confidence = 1.0 if reading.self_evident else 0.9
            alternatives = list(reading.alternatives) if keep_readings and not reading.self_evident else []
            return Candidate(reading.value, used, 0, confidence, alternatives=alternatives)
        return None

    return read_date


def read_name(words: list[Word]) -> Candidate | None:
    raw = " ".join(word.text for word in words)
    if raw.rstrip().endswith(":"):
        # "Nummer:" is the next label, not a name.
        return None
    # "Beispiel Lager AG | Feldstraße 39 | 54321 Hithausen": the name is the first part.
    text = re.split(r"\s*[·|•●]\s*", raw)[0].strip(" :,")
    if len(text) > 120 or not is_party_name(text):
        return None
    return Candidate(text, list(words), 0)


def is_party_name(text: str) -> bool:
    """Return whether `text` may name a vendor, customer or carrier.

    A field label ("Rechnungsdatum", "Datum:"), a document title, a label followed only
    by its value ("Datum: 12.03.2024"), a date, an amount or a run of punctuation
    names no party.
    """
    if text.rstrip().endswith(":") or sum(char.isalpha() for char in text) < 2:
        return False
    rest = list(fold_phrase(text))
    while label_size := max((len(phrase) for phrase in _NOT_NAMES if tuple(rest[: len(phrase)]) == phrase), default=0):
        # "Datum Lieferant": labels printed in a row, one after the other.
        rest = rest[label_size:]
    date = find_date(" ".join(rest))
    date_words = set(fold_phrase(date.text)) if date is not None else set()
    return any(sum(char.isalpha() for char in token) >= 2 and not _is_value_word(token, date_words) for token in rest)


def _is_value_word(token: str, date_words: set[str]) -> bool:
    """Return whether `token` is part of a date, a number or a currency rather than of a name."""
    return token in date_words or token.upper() in ISO_CURRENCIES or token in CURRENCY_SYMBOLS or parse_number(token) is not None


def read_text(words: list[Word]) -> Candidate | None:
    text = " ".join(word.text for word in words).strip(" :")
    return Candidate(text, list(words), 0) if text else None


_ALL_LABELS = {phrase for phrases in FIELD_LABELS.values() for phrase in phrases} | set(OTHER_LABELS)
_ALL_LABELS_LONGEST = sorted(_ALL_LABELS, key=len, reverse=True)
# Every printed label and title, none of which is a party's name.
_NOT_NAMES = (
    _ALL_LABELS
    | {phrase for phrases in AMOUNT_LABELS.values() for phrase in phrases}
    | {phrase for phrases in COLUMN_LABELS.values() for phrase in phrases}
    | {phrase for phrases in DOC_TYPE_TITLES.values() for phrase in phrases}
    | set(NAME_LABELS)
    | set(CURRENCY_LABELS)
)


# --- header fields --------------------------------------------------------------------


def read_labelled_field(rows: list[Row], name: str, reader: Reader, *, skip: set[int], labels: tuple[tuple[str, ...], ...] | None = None) -> Candidate | None:
    """Return the first readable value of field `name` on the document, found by `labels` or the field's own."""
    for hit in find_labels(rows, labels or FIELD_LABELS[name], skip=skip):
        candidate = value_beside(rows, hit, reader)
        if candidate is not None:
            return candidate
    return None


# --- amounts --------------------------------------------------------------------------


@dataclass(slots=True)
class AmountHit:
    kind: str
    reading: NumberReading
    words: list[Word]
    page: int
    order: int


def find_amounts(rows: list[Row], *, skip: set[int]) -> list[AmountHit]:
    """Return every labelled net, tax and total amount outside the line-item table.

    A row may hold several ("Excl. VAT 593,36   Subtotal 717,97"): each label owns the
    words up to the next label.
    """
    labels = sorted(((kind, phrase) for kind, phrases in AMOUNT_LABELS.items() for phrase in phrases), key=lambda item: len(item[1]), reverse=True)
    hits: list[AmountHit] = []
    for order, row in enumerate(rows):
        if id(row) in skip:
            continue
        found = _row_amount_labels(row, labels)
        for position, (kind, label_start, label_end) in enumerate(found):
            stop = found[position + 1][1] if position + 1 < len(found) else len(row.words)
            amount = _last_amount(_amount_window(row, label_end, stop))
            if amount is not None:
                hits.append(AmountHit(kind, amount[1], amount[0], row.page, order))
    return hits


def _row_amount_labels(row: Row, labels: list[tuple[str, tuple[str, ...]]]) -> list[tuple[str, int, int]]:
    """Return (kind, start, end) of each amount label starting a cell, after an optional rate ("19% VAT")."""
    found: list[tuple[str, int, int]] = []
    for cell in row.cells:
        start = row.words.index(cell.words[0])
        if cell.words[0].text.endswith("%") and len(cell.words) > 1:
            start += 1
        for kind, phrase in labels:
            if tuple(row.tokens[start : start + len(phrase)]) == phrase:
                end = start + len(phrase)
                if kind == "tax" and end < len(row.tokens) and row.tokens[end] in _TAX_NUMBER_WORDS:
                    break
                found.append((kind, start, end))
                break
    return found


def _amount_window(row: Row, end: int, stop: int) -> list[Word]:
    """Return the words where a labelled amount may sit: after the label, within a few cells and words."""
    label_word = row.words[end - 1]
    allowed = {id(word) for word in row.words[end:stop]}
    cells_seen, window = 0, []
    for cell in row.cells:
        words = [word for word in cell.words if id(word) in allowed]
        if not words:
            continue
        if label_word not in cell.words:
            cells_seen += 1
            if cells_seen > AMOUNT_MAX_CELLS:
                break
        window.extend(words)
    wordy = [word for word in window if sum(char.isalpha() for char in word.text) > 1]
    return [] if len(wordy) > AMOUNT_MAX_WORDS else window


def _last_amount(words: list[Word]) -> tuple[list[Word], NumberReading] | None:
    for index in range(len(words) - 1, -1, -1):
        text = words[index].text
        if text.endswith("%"):
            return None if index == len(words) - 1 else _last_amount(words[index + 1 :])
        reading = parse_number(text)
        if reading is None:
            continue
        # "1 234,50" printed with a space between the digit groups.
        if index > 0 and re.fullmatch(r"\d{1,3}", words[index - 1].text) and re.fullmatch(r"\d{3}[.,]\d{2}\S{0,2}", text):
            joined = parse_number(words[index - 1].text + " " + text)
            if joined is not None and words[index].x0 - words[index - 1].x1 < 0.45 * (words[index].bottom - words[index].top):
                return [words[index - 1], words[index]], joined
        return [words[index]], reading
    return None


def choose_totals(hits: list[AmountHit]) -> dict[str, Candidate]:
    """Pick net, tax and total so that net + tax = total when the printed amounts allow it.

    A printed tax is tried before the sum of the tax rows of one totals block (one row
    per VAT rate), and both before "no tax". Ambiguous readings ("1,250") take part with
    each of their values and are settled when one of them fits.
    """
    by_kind: dict[str, list[AmountHit]] = {"net": [], "tax": [], "total": []}
    for hit in hits:
        by_kind[hit.kind].append(hit)
    taxes = _tax_options([hit for hit in by_kind["tax"] if hit.reading.value is not None], by_kind["net"], by_kind["total"])
    for tax_words, tax_value, tax_page in taxes:
        for total in reversed(by_kind["total"]):
            for net in by_kind["net"]:
                for net_value in _readings(net.reading):
                    for total_value in _readings(total.reading):
                        if abs(net_value + tax_value - total_value) <= AMOUNT_TOLERANCE:
                            chosen = {"net": Candidate(net_value, net.words, net.page), "total": Candidate(total_value, total.words, total.page)}
                            if tax_words:
                                chosen["tax"] = Candidate(round(tax_value, 2), tax_words, tax_page)
                            return chosen
    return _unchecked_totals(by_kind)


def _readings(reading: NumberReading) -> tuple[float, ...]:
    return (reading.value,) if reading.value is not None else reading.alternatives


def _tax_options(taxes: list[AmountHit], nets: list[AmountHit], totals: list[AmountHit]) -> list[tuple[list[Word], float, int]]:
    """Return each printed tax, then the sums of several tax rows, then no tax at all.

    A document with several VAT rates prints one tax row per rate between the net and
    the total. Those rows are summed as one block. The sum of every tax row on the page
    comes last, because it may take in a tax-labelled number outside the totals block.
    """
    options = [(hit.words, float(hit.reading.value), hit.page) for hit in reversed(taxes)]  # type: ignore[arg-type]
    groups = [_block_taxes(taxes, net, totals) for net in nets]
    groups.append(taxes)
    seen: set[tuple[int, ...]] = set()
    for group in groups:
        key = tuple(hit.order for hit in group)
        if len(group) < 2 or key in seen:
            continue
        seen.add(key)
        summed = round(sum(float(hit.reading.value) for hit in group), 2)  # type: ignore[arg-type]
        options.append(([word for hit in group for word in hit.words], summed, group[0].page))
    options.append(([], 0.0, 0))
    return options


def _block_taxes(taxes: list[AmountHit], net: AmountHit, totals: list[AmountHit]) -> list[AmountHit]:
    """Return the tax rows after `net` and before the first total row that follows it."""
    following = [total.order for total in totals if total.order > net.order]
    end = min(following) if following else None
    return [hit for hit in taxes if hit.order > net.order and (end is None or hit.order < end)]


def _unchecked_totals(by_kind: dict[str, list[AmountHit]]) -> dict[str, Candidate]:
    """Without a fitting combination: the first net and tax, the last total, flagged where unsure."""
    chosen: dict[str, Candidate] = {}
    picks = {"net": by_kind["net"][:1], "tax": by_kind["tax"][:1], "total": by_kind["total"][-1:]}
    for kind, hits in picks.items():
        if not hits:
            continue
        hit = hits[0]
        if hit.reading.ambiguous:
            chosen[kind] = Candidate(None, hit.words, hit.page, 0.5, [FieldFlag.AMBIGUOUS.value], list(hit.reading.alternatives))
        else:
            chosen[kind] = Candidate(hit.reading.value, hit.words, hit.page)
    if {"net", "tax", "total"} <= chosen.keys() and all(candidate.value is not None for candidate in chosen.values()):
        for candidate in chosen.values():
            candidate.flags.append(FieldFlag.ARITHMETIC_FAILED.value)
    return chosen
