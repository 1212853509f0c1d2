"""Read every header field of a document: identifiers, dates, parties, currency, totals."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

from docmatch.extractors.dates import numeric_order_evidence
from docmatch.extractors.fields import (
    Candidate,
    choose_totals,
    find_amounts,
    find_labels,
    is_party_name,
    make_date_reader,
    read_identifier,
    read_labelled_field,
    read_name,
    read_references,
    read_text,
    value_beside,
)
from docmatch.extractors.patterns import find_order_references
from docmatch.extractors.rows import Cell, Row
from docmatch.extractors.vocabulary import (
    CURRENCY_LABELS,
    CURRENCY_SYMBOLS,
    DELIVERY_ADDRESS_LABELS,
    DOC_TYPE_TITLES,
    FIELD_LABELS,
    ISO_CURRENCIES,
    NAME_LABELS,
    fold_token,
    number_labels,
)
from docmatch.extractors.words import Word, merge_boxes
from docmatch.models import ExtractedField, FieldFlag

log = logging.getLogger(__name__)

# A letterhead this many times the body text height is clearly the sender's name.
LETTERHEAD_CLEAR_HEIGHTS = 1.4
# Certainty of a name taken from the letterhead rather than from a label; a letterhead
# barely larger than the body text is weaker and flagged.
LETTERHEAD_CONFIDENCE = 0.7
WEAK_LETTERHEAD_CONFIDENCE = 0.5
# A party section's "Name:" line lies within this many rows under its heading.
SECTION_ROWS = 5
# Roles of the letterhead (the issuer) and of the address window (the addressee), by document type.
ISSUER_ROLES = {
    "purchase_order": ("customer_name", "vendor_name"),
    "bill_of_lading": ("carrier", "vendor_name"),
    "proof_of_delivery": ("carrier", "vendor_name"),
}
# Issuer types whose totals are not money.
LOGISTICS_TYPES = frozenset({"bill_of_lading", "proof_of_delivery", "delivery_note"})
# The recipient's name starts within this many points of the sender line's left edge.
SENDER_LINE_ALIGN = 12.0
# The sender line lies among the first rows of page one.
SENDER_LINE_ROWS = 40
SENDER_LINE_CONFIDENCE = 0.85
# A party's VAT number is printed within this many points under its name.
PARTY_BLOCK_DEPTH = 120.0
RECIPIENT_CONFIDENCE = 0.8
# Certainty of an unlabelled name read from the block of name and street above the addressee's label.
ISSUER_BLOCK_CONFIDENCE = 0.6
# The street line of that block lies within this many line heights under the name.
ISSUER_BLOCK_GAP_HEIGHTS = 1.5
# Certainty of a date read beside the document number without a label.
UNLABELLED_DATE_CONFIDENCE = 0.8
# Certainty of "$" read as US dollars: other dollars print "$" too.
DOLLAR_SIGN_CONFIDENCE = 0.8

_US_SIGNALS = re.compile(r"\b(USA|U\.S\.A\.|United States)\b|\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b")
_DAY_FIRST_SIGNALS = re.compile(
    r"\b(United Kingdom|UK|England|Scotland|Ireland|India|Australia|New Zealand|Singapore|Hong Kong|GST|VAT|EUR|"
    r"Netherlands|Nederland|Germany|Deutschland|France|Belgium|Belgique|Austria|Spain|Italy|Portugal|Luxembourg|Denmark|Sweden|Norway|Finland|Poland|Switzerland)\b|€|£"
)
_VAT_RE = re.compile(r"\b(ATU\d{8}|BE[01]\d{9}|DE\d{9}|FR[0-9A-Z]{2}\d{9}|NL\d{9}B\d{2}|ES[0-9A-Z]\d{7}[0-9A-Z]|IT\d{11}|GB\d{9}(?:\d{3})?|LU\d{8}|PL\d{10}|DK\d{8}|SE\d{12}|IE\d[0-9A-Z+*]\d{5}[A-Z]{1,2}|PT\d{9}|FI\d{8}|CZ\d{8,10}|CHE\d{9}(?:MWST|TVA|IVA)?)\b")
_SIGNS = ("€", "£", "¥", "₹")
# Separators between the parts of a sender line: "·", "|", "•", "●" or a spaced dash.
_SENDER_SEPARATORS = re.compile(r"\s*[·|•●]\s*|\s+[-–]\s+")
_SALUTATIONS = {"herr", "frau", "herrn", "firma", "mr", "mrs", "ms", "messrs", "monsieur", "madame", "dhr", "mevr", "attn", "z.hd", "sr", "sra", "sig", "sig.ra"}
_CUSTOMER_VAT_LABELS = {"customer vat", "your vat", "ihre ust", "kunden ust", "ust-idnr des kunden", "tva client", "btw klant", "buyer vat"}


@dataclass(frozen=True, slots=True)
class HeaderHints:
    """Facts about the sender known before reading, from a vendor profile or the caller."""

    day_first: bool | None = None
    currency: str | None = None


def read_header(rows: list[Row], *, table_rows: set[int], doc_type: str, language: str | None, hints: HeaderHints | None = None) -> dict[str, ExtractedField]:
    """Return the header fields of the document made of `rows`."""
    hints = hints or HeaderHints()
    skip = table_rows
    day_first = infer_day_first(rows, language, hints)
    # Language and country words only suggest an order; the document's own dates or a caller's hint prove it.
    order_proven = hints.day_first is not None or numeric_order_evidence("\n".join(row.text for row in rows)) is not None
    fields: dict[str, Candidate | None] = {}

    # Identifiers and references.
    fields["number"] = read_labelled_field(rows, "number", read_identifier, skip=skip, labels=number_labels(doc_type))
    fields["po_reference"] = read_labelled_field(rows, "po_reference", read_references, skip=skip)
    for name in ("order_reference", "delivery_note_reference", "customer_number", "tracking_number"):
        fields[name] = read_labelled_field(rows, name, read_identifier, skip=skip)
    fields["number"] = fields["number"] or _number_after_title(rows, doc_type)
    _drop_echoes(fields)
    fields["po_reference"] = _order_references(rows, fields["po_reference"], skip=skip, number=fields["number"])

    # Dates.
    read_date = make_date_reader(day_first, keep_readings=not order_proven)
    for name in ("date", "due_date", "delivery_date"):
        fields[name] = read_labelled_field(rows, name, read_date, skip=skip)
    fields["date"] = fields["date"] or _date_near_number(rows, fields["number"], read_date)
    if doc_type in LOGISTICS_TYPES and fields["date"] is None and fields["delivery_date"] is not None:
        # A proof of delivery or bill of lading is dated by the delivery or shipment it records.
        fields["date"] = fields["delivery_date"]

    # Parties: the letterhead is the issuer, who is the vendor on an invoice, the buyer
    # on a purchase order and the carrier on a bill of lading or proof of delivery.
    fields["vendor_name"] = _party_name(rows, "vendor_name", skip=skip)
    fields["customer_name"] = _party_name(rows, "customer_name", skip=skip)
    fields["carrier"] = read_labelled_field(rows, "carrier", read_name, skip=skip)
    issuer_role, addressee_role = ISSUER_ROLES.get(doc_type, ("vendor_name", "customer_name"))
    sender = _sender_line(rows)
    fields[issuer_role] = fields[issuer_role] or (sender[1] if sender else None) or _letterhead_name(rows) or _issuer_block(rows, skip=skip)
    if fields[addressee_role] is None and sender is not None:
        fields[addressee_role] = _recipient_below(rows, sender[0])
    if fields["customer_name"] is None:
        # Last, the delivery address: the goods' recipient, usually the customer itself.
        fields["customer_name"] = _party_name(rows, "customer_name", skip=skip, labels=DELIVERY_ADDRESS_LABELS)
    fields["remarks"] = read_labelled_field(rows, "remarks", read_text, skip=skip)
    fields.update(_vat_numbers(rows, fields))

    # Money; logistics documents print weights and counts under "Total", not amounts.
    if doc_type not in LOGISTICS_TYPES:
        fields.update(choose_totals(find_amounts(rows, skip=skip)))
    fields["currency"] = read_currency(rows, hints)

    result = {name: candidate.to_field() for name, candidate in fields.items() if candidate is not None}
    for name in ("number", "date", "vendor_name", "customer_name", "po_reference", "order_reference", "currency", "net", "tax", "total"):
        result.setdefault(name, ExtractedField(value=None, confidence=0.0))
    return result


# --- locale ---------------------------------------------------------------------------


def infer_day_first(rows: list[Row], language: str | None, hints: HeaderHints) -> bool | None:
    """Decide whether slashed dates read day-first: hint, the document's own dates, its language, its country."""
    if hints.day_first is not None:
        return hints.day_first
    text = "\n".join(row.text for row in rows)
    evidence = numeric_order_evidence(text)
    if evidence is not None:
        return evidence
    if language and language != "en":
        return True
    us = bool(_US_SIGNALS.search(text))
    elsewhere = bool(_DAY_FIRST_SIGNALS.search(text))
    if us != elsewhere:
        return elsewhere
    return None


# --- identifiers ----------------------------------------------------------------------


def _number_after_title(rows: list[Row], doc_type: str) -> Candidate | None:
    """Read "Invoice SAJ/2017/002" or "RECHNUNG 4711": the document's title followed by its number."""
    titles = DOC_TYPE_TITLES.get(doc_type, ())
    for row in rows[:40]:
        for phrase in titles:
            for cell in row.cells:
                start = row.words.index(cell.words[0])
                if tuple(row.tokens[start : start + len(phrase)]) != phrase:
                    continue
                rest = [word for word in cell.words[len(phrase) :] if fold_token(word.text) not in {"no", ""} and not word.text.startswith("(")]
                candidate = read_identifier(rest) if rest else None
                if candidate is not None:
                    candidate.page = row.page
                    candidate.confidence = 0.9
                    return candidate
    return None


def _date_near_number(rows: list[Row], number: Candidate | None, read_date) -> Candidate | None:  # type: ignore[no-untyped-def]
    """Read an unlabelled date printed with the number ("Invoice 42 of 05.03.2018") or just below it."""
    if number is None or not number.words:
        return None
    anchor = number.words[-1]
    for index, row in enumerate(rows):
        if anchor not in row.words:
            continue
        after = row.words[row.words.index(anchor) + 1 :]
        candidates = [after[position:] for position in range(min(len(after), 4))]
        candidates += [cell.words for below in rows[index + 1 : index + 3] if below.page == row.page for cell in below.cells]
        for words in candidates:
            candidate = read_date(words)
            if candidate is not None and candidate.value is not None:
                candidate.page = row.page
                candidate.confidence = min(candidate.confidence, UNLABELLED_DATE_CONFIDENCE)
                return candidate
        return None
    return None


def _drop_echoes(fields: dict[str, Candidate | None]) -> None:
    """Drop references equal to the document's own number: they were read from the number's label."""
    number = fields.get("number")
    for name in ("po_reference", "order_reference", "delivery_note_reference"):
        candidate = fields.get(name)
        if candidate is not None and number is not None and candidate.value == number.value and candidate.words == number.words:
            fields[name] = None


def _order_references(rows: list[Row], labelled: Candidate | None, *, skip: set[int], number: Candidate | None) -> Candidate | None:
    """Complete a labelled PO reference to the whole list printed ("P00017, P00018"), or find one in free text."""
    for row in rows:
        if id(row) in skip or (labelled is not None and row.page == labelled.page and labelled.words[0] not in row.words):
            continue
        references = [reference for reference in find_order_references([word.text for word in row.words]) if number is None or reference != number.value]
        if not references:
            continue
        if labelled is None:
            words = [word for word in row.words if any(reference in word.text for reference in references)]
            return Candidate(", ".join(references), words, row.page, 0.9)
        if labelled.value in references and len(references) > 1:
            words = [word for word in row.words if any(reference in word.text for reference in references)]
            return Candidate(", ".join(references), words, row.page, labelled.confidence)
        return labelled
    return labelled


# --- parties --------------------------------------------------------------------------


def _party_name(rows: list[Row], name: str, *, skip: set[int], labels: tuple[tuple[str, ...], ...] | None = None) -> Candidate | None:
    """Read the name under a party label, or in the "Name:" line of a party section ("Seller / Name: ...")."""
    for hit in find_labels(rows, labels or FIELD_LABELS[name], skip=skip):
        if not _stands_as_label(rows[hit.row_index], hit.end):
            # "Invoice to pay by transfer ..." is a sentence, not the "Invoice to" label.
            continue
        for row in rows[hit.row_index + 1 : hit.row_index + SECTION_ROWS]:
            name_hits = [other for other in find_labels([row], NAME_LABELS)]
            if name_hits:
                candidate = value_beside([row], name_hits[0], read_name)
                if candidate is not None:
                    return candidate
        candidate = value_beside(rows, hit, read_name)
        if candidate is not None:
            return candidate
    return None


def _sender_line(rows: list[Row]) -> tuple[int, Candidate] | None:
    """Find the sender line above the address window ("Hansa GmbH · Street 12 · 20457 Hamburg").

    Returns its row index and the sender's name, the text before the first separator.
    """
    first_page = [row for row in rows[:SENDER_LINE_ROWS] if row.page == rows[0].page]
    page_bottom = max((row.bottom for row in first_page), default=0.0)
    for index, row in enumerate(first_page):
        if row.top > page_bottom * 0.5:
            break
        if len(_SENDER_SEPARATORS.split(row.text)) < 3 or not any(char.isdigit() for char in row.text):
            continue
        words = _words_before_separator(row.words)
        name = " ".join(word.text for word in words).strip(" ,")
        if sum(char.isalpha() for char in name) >= 3:
            return index, Candidate(name, words, row.page, SENDER_LINE_CONFIDENCE)
    return None


def _words_before_separator(words: list[Word]) -> list[Word]:
    before: list[Word] = []
    for word in words:
        if _SENDER_SEPARATORS.fullmatch(word.text) or word.text in {"-", "–"}:
            break
        if any(mark in word.text for mark in "·|•●"):
            head = re.split(r"[·|•●]", word.text)[0]
            if head:
                before.append(Word(head, word.x0, word.top, word.x0 + (word.x1 - word.x0) * len(head) / len(word.text), word.bottom, word.confidence, word.font, word.size))
            break
        before.append(word)
    return before


def _recipient_below(rows: list[Row], index: int) -> Candidate | None:
    """Read the first line of the address window under the sender line at `index`."""
    anchor = rows[index]
    for below in rows[index + 1 : index + 4]:
        if below.page != anchor.page:
            break
        first = next((cell for cell in below.cells if abs(cell.x0 - anchor.words[0].x0) < SENDER_LINE_ALIGN), None)
        candidate = read_name(first.words) if first else None
        if candidate is not None and fold_token(str(candidate.value)) in _SALUTATIONS:
            # "Herr" on its own line: the name follows on the next one.
            continue
        if candidate is not None and not _SENDER_SEPARATORS.search(candidate.value):  # type: ignore[arg-type]
            candidate.page = below.page
            candidate.confidence = RECIPIENT_CONFIDENCE
            return candidate
    return None


def _stands_as_label(row: Row, end: int) -> bool:
    """Return whether a party label ends its cell or ends with a colon, as labels do."""
    last = row.words[end - 1]
    cell = next(cell for cell in row.cells if last in cell.words)
    return cell.words[-1] is last or last.text.endswith(":") or (end < len(row.words) and row.words[end].text == ":")


def _letterhead_name(rows: list[Row]) -> Candidate | None:
    """Read the largest text near the top of page one that is not the document's title."""
    first = [row for row in rows if row.page == rows[0].page] if rows else []
    if not first:
        return None
    page_bottom = max(row.bottom for row in first)
    titles = {phrase for phrases in DOC_TYPE_TITLES.values() for phrase in phrases}
    body = median(word.bottom - word.top for row in first for word in row.words)
    best: tuple[float, list[Word], int] | None = None
    for row in first:
        if row.top > page_bottom * 0.3:
            break
        for cell in row.cells:
            tokens = tuple(fold_token(word.text) for word in cell.words)
            text = cell.text
            if tokens[:1] and any(tokens[: len(phrase)] == phrase for phrase in titles) or sum(char.isalpha() for char in text) < 3 or text.startswith("#"):
                continue
            if not is_party_name(text):
                # "SHIPPING ADDRESS" set a little larger is a label, not the sender's name.
                continue
            size = median(word.bottom - word.top for word in cell.words)
            if size > body * 1.15 and (best is None or size > best[0]):
                best = (size, cell.words, row.page)
    if best is None:
        return None
    text = " ".join(word.text for word in best[1])
    if best[0] >= body * LETTERHEAD_CLEAR_HEIGHTS:
        return Candidate(text, best[1], best[2], LETTERHEAD_CONFIDENCE)
    return Candidate(text, best[1], best[2], WEAK_LETTERHEAD_CONFIDENCE, [FieldFlag.LOW_CONFIDENCE.value])


def _issuer_block(rows: list[Row], *, skip: set[int]) -> Candidate | None:
    """Read the issuer's name printed at body size over its street, above the addressee's label.

    "Tyche Softwares" over "24, Godfrey Avenue" and then "Billing address / John Doe":
    the addressee's name follows its label, so the first name-over-street block above
    the label is the sender's. Without such a label the block may be the address window,
    and nothing is read.
    """
    hits = [hit for hit in find_labels(rows, FIELD_LABELS["customer_name"], skip=skip) if rows[hit.row_index].page == rows[0].page]
    if not hits:
        return None
    above = rows[: hits[0].row_index]
    titles = {phrase for phrases in DOC_TYPE_TITLES.values() for phrase in phrases}
    for row, below in zip(above, above[1:]):
        first = row.cells[0]
        street = next((cell for cell in below.cells if abs(cell.x0 - first.x0) <= SENDER_LINE_ALIGN), None)
        if street is None or not any(char.isdigit() for char in street.text) or below.top - row.bottom > ISSUER_BLOCK_GAP_HEIGHTS * row.height:
            continue
        if tuple(fold_token(word.text) for word in first.words) in titles or any(char.isdigit() for char in first.text):
            continue
        candidate = read_name(first.words)
        if candidate is not None:
            candidate.page, candidate.confidence = row.page, ISSUER_BLOCK_CONFIDENCE
            return candidate
    return None


def _vat_numbers(rows: list[Row], parties: dict[str, Candidate | None]) -> dict[str, Candidate]:
    """Read the VAT numbers and give each to the party whose block it is printed in.

    Each cell is read on its own, so two blocks side by side ("VAT ID: DE…" under the
    supplier, "VAT ID: NL…" under the customer) give two numbers. A number labelled as the
    customer's is the customer's. Otherwise it belongs to the party whose name is printed
    above it in the same column, or else to the vendor first.
    """
    found: dict[str, Candidate] = {}
    for row in rows:
        for cell in row.cells or [Cell(row.words)]:
            joined, spans = _vat_text(cell.words)
            label = " ".join(fold_token(word.text) for word in cell.words)
            for match in _VAT_RE.finditer(joined):
                if any(candidate.value == match[1] for candidate in found.values()):
                    continue
                words = [word for word, start, end in spans if start < match.end() and end > match.start()]
                candidate = Candidate(match[1], words, row.page, 0.8)
                labelled = "customer_vat" if any(marker in label for marker in _CUSTOMER_VAT_LABELS) else None
                name = labelled or _party_above(candidate, cell.x0, parties) or ("vendor_vat" if "vendor_vat" not in found else "customer_vat")
                found.setdefault(name, candidate)
    return found


def _party_above(vat: Candidate, left: float, parties: dict[str, Candidate | None]) -> str | None:
    """Return "vendor_vat" or "customer_vat" for the nearest party name above the VAT number's cell.

    `left` is where the cell starts, label included ("USt-IdNr.: DE…"), which is where
    the lines of an address block start.
    """
    vat_box = merge_boxes(vat.words)
    if vat_box is None:
        return None
    nearest: tuple[float, str] | None = None
    for party, vat_name in (("vendor_name", "vendor_vat"), ("customer_name", "customer_vat")):
        name = parties.get(party)
        name_box = merge_boxes(name.words) if name is not None and name.words else None
        if name_box is None or name.page != vat.page or abs(name_box[0] - left) > SENDER_LINE_ALIGN:
            continue
        depth = vat_box[1] - name_box[3]
        if 0 <= depth <= PARTY_BLOCK_DEPTH and (nearest is None or depth < nearest[0]):
            nearest = (depth, vat_name)
    return nearest[1] if nearest else None


def _vat_text(words: list[Word]) -> tuple[str, list[tuple[Word, int, int]]]:
    """Join a cell's words for VAT matching, with each word's span in the joined text.

    Digit groups and a country prefix are glued ("DE 204 681 399" reads "DE204681399"),
    other words keep a space, so a label run into the number ("USt-IdNr. DE…", "VAT ID
    NL…") still leaves the word boundary the pattern needs.
    """
    text = ""
    spans: list[tuple[Word, int, int]] = []
    for word in words:
        piece = word.text.replace(".", "").upper() if any(char.isdigit() for char in word.text) else word.text.upper()
        glue = text and piece[:1].isdigit() and (text[-1].isdigit() or re.search(r"(?:^| )[A-Z]{2,3}$", text))
        if text and not glue:
            text += " "
        spans.append((word, len(text), len(text) + len(piece)))
        text += piece
    return text, spans


# --- currency -------------------------------------------------------------------------


def read_currency(rows: list[Row], hints: HeaderHints) -> Candidate:
    """Return the ISO 4217 currency the document states; null and flagged when it states none."""
    labelled = _labelled_currency(rows)
    if labelled is not None:
        return labelled
    codes: Counter[str] = Counter()
    symbols: Counter[str] = Counter()
    where: dict[str, tuple[list[Word], int]] = {}
    for row in rows:
        for word in row.words:
            for code, kind in _currencies_in(word.text):
                (codes if kind == "code" else symbols)[code] += 1
                where.setdefault(code, ([word], row.page))
    if codes:
        code = codes.most_common(1)[0][0]
        return Candidate(code, *where[code])
    if symbols:
        code = symbols.most_common(1)[0][0]
        confidence = DOLLAR_SIGN_CONFIDENCE if code == "USD" else 1.0
        return Candidate(code, where[code][0], where[code][1], confidence)
    if hints.currency:
        return Candidate(hints.currency, [], 1, 0.7, [FieldFlag.LOW_CONFIDENCE.value])
    return Candidate(None, [], 1, 0.0, [FieldFlag.NOT_FOUND.value])


def _labelled_currency(rows: list[Row]) -> Candidate | None:
    def read(words: list[Word]) -> Candidate | None:
        for word in words[:2]:
            found = _currencies_in(word.text)
            if found:
                return Candidate(found[0][0], [word], 0)
        return None

    for hit in find_labels(rows, CURRENCY_LABELS):
        candidate = value_beside(rows, hit, read)
        if candidate is not None:
            return candidate
    return None


def _currencies_in(text: str) -> list[tuple[str, str]]:
    """Return (ISO code, "code" or "symbol") for each currency mark in one printed word."""
    found: list[tuple[str, str]] = []
    stripped = text.strip(" .,:;()*")
    if stripped.upper() in ISO_CURRENCIES and (stripped.isupper() or len(stripped) == 3 and stripped.upper() == stripped):
        return [(stripped.upper(), "code")]
    letters = re.sub(r"[\d.,\s'+\-()]", "", stripped).lower()
    glued_to_amount = any(char.isdigit() for char in stripped)
    if glued_to_amount and letters.upper() in ISO_CURRENCIES:
        # "EUR12,00" or "12,00EUR".
        return [(letters.upper(), "code")]
    embedded_sign = next((sign for sign in _SIGNS if sign in stripped and len(stripped) > 1), None)
    if embedded_sign and letters not in CURRENCY_SYMBOLS:
        # "Einzel/€" in a column header, "€3.50" in a description.
        found.append((CURRENCY_SYMBOLS[embedded_sign], "symbol"))
    elif letters in CURRENCY_SYMBOLS and letters not in {"eur", "usd", "chf", "euro", "euros"}:
        found.append((CURRENCY_SYMBOLS[letters], "symbol"))
    elif letters in {"euro", "euros"}:
        found.append(("EUR", "code"))
    return found
