"""Find the postal addresses printed in a document's header.

Matching uses an address when neither a VAT number, a name nor an e-mail domain
identifies the partner, as on a scan whose company name came out garbled. The reader
does not decide whose address it is: the matcher looks the postcode up among the
partners and keeps a partner only when its street is printed with it.

A postal line is a postcode followed by a town ("20457 Hamburg", "1017 KH Amsterdam",
"T12 X7PK Cork", "SW1A 1AA London") or a US state and ZIP code ("Springfield, IL 62701").
The street is the text before the postcode in the same cell ("Prinsengracht 512,
1017 KH Amsterdam"), the part before it on a sender line with separators, or else the
cell right above in the same column.
"""

from __future__ import annotations

import logging
import re

from docmatch.extractors.rows import Cell, Row
from docmatch.extractors.words import merge_boxes, value_confidence
from docmatch.models import PrintedAddress

log = logging.getLogger(__name__)

# Postcode shapes, widest first so "1017 KH" is not read as "1017".
_POSTCODE = (
    r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"  # United Kingdom: SW1A 1AA, M1 1AE
    r"|[A-Z]\d{2}\s?[A-Z\d]{4}"  # Ireland (Eircode): T12 X7PK
    r"|[A-Z]\d[A-Z]\s?\d[A-Z]\d"  # Canada: K1A 0B1
    r"|\d{4}\s?[A-Z]{2}(?![a-z])"  # Netherlands: 1017 KH
    r"|(?:[A-Z]{1,2}-)?\d{4,5}"  # most of Europe, with an optional country prefix: D-20457, 20457, 1010
)
_POSTAL_LINE = re.compile(rf"(?<![\w-])(?P<postcode>{_POSTCODE})\s+(?P<city>[A-ZÀ-Ý][\w.'’-]+(?:\s+[\w.'’-]+){{0,3}})")
_US_LINE = re.compile(r"(?P<city>[A-Z][\w.' -]{1,40}),?\s+(?P<state>[A-Z]{2})\s+(?P<postcode>\d{5}(?:-\d{4})?)\b")
# Separators between the parts of a one-line sender address: "·", "|", "•", a comma.
_PARTS = re.compile(r"\s*[·|•●,]\s*|\s+[-–]\s+")
# A street names a house number somewhere, or a PO box.
_STREET = re.compile(r"\d|\b(?:p\.?\s?o\.?\s?box|postfach|postbus|bp|apartado|casella)\b", re.IGNORECASE)
# The street cell above starts or ends within this many points of the postal line's edges,
# lies within this many rows above it and at most this many line heights higher.
COLUMN_ALIGN = 12.0
ROWS_ABOVE = 3
LINE_GAP_HEIGHTS = 2.5
# At most this many addresses are kept; a header prints two or three.
MAX_ADDRESSES = 8


def read_addresses(rows: list[Row], *, table_rows: set[int]) -> list[PrintedAddress]:
    """Return the postal addresses printed outside the line-item table, in reading order."""
    found: list[PrintedAddress] = []
    for index, row in enumerate(rows):
        if index in table_rows:
            continue
        for cell in row.cells or [Cell(row.words)]:
            address = _address_in_cell(cell, rows, index, row.page)
            if address is not None:
                _keep(found, address)
        if len(found) >= MAX_ADDRESSES:
            break
    log.debug("%d postal addresses found", len(found))
    return found


def _keep(found: list[PrintedAddress], address: PrintedAddress) -> None:
    """Add `address` unless it repeats one found, keeping whichever reading names a street."""
    for position, known in enumerate(found):
        if known.postcode == address.postcode and _same_street(known.street, address.street):
            if len(address.street or "") > len(known.street or ""):
                found[position] = address
            return
    found.append(address)


def _same_street(first: str | None, second: str | None) -> bool:
    """Tell whether two readings may name one street: equal, one missing, or one inside the other."""
    if not first or not second:
        return True
    return first in second or second in first


def _address_in_cell(cell: Cell, rows: list[Row], index: int, page: int) -> PrintedAddress | None:
    text = cell.text
    match = _POSTAL_LINE.search(text) or _US_LINE.search(text)
    if match is None:
        return None
    street = _street_before(text[: match.start()]) or _street_above(cell, rows, index, page)
    return PrintedAddress(
        street=street,
        postcode=re.sub(r"^[A-Z]{1,2}-", "", match.group("postcode")),
        city=match.group("city").strip(" ,"),
        page=page,
        bbox=merge_boxes(cell.words),
        confidence=round(value_confidence(cell.words), 3),
    )


def _street_before(prefix: str) -> str | None:
    """Return the last part before the postcode that reads as a street, if any."""
    parts = [part.strip() for part in _PARTS.split(prefix) if part and part.strip()]
    for part in reversed(parts):
        if _STREET.search(part):
            return part
    return None


def _street_above(cell: Cell, rows: list[Row], index: int, page: int) -> str | None:
    """Return the nearest cell above `cell` in its column when it reads as a street.

    Two columns side by side put their lines at different heights, so the row right
    above may belong to the other column. Up to `ROWS_ABOVE` rows are searched for a
    cell aligned with this one on its left or right edge.
    """
    top = min(word.top for word in cell.words)
    for above_index in range(index - 1, max(index - 1 - ROWS_ABOVE, -1), -1):
        above_row = rows[above_index]
        if above_row.page != page or top - above_row.bottom > LINE_GAP_HEIGHTS * above_row.height:
            return None
        for above in above_row.cells or [Cell(above_row.words)]:
            if abs(above.x0 - cell.x0) <= COLUMN_ALIGN or abs(above.x1 - cell.x1) <= COLUMN_ALIGN:
                return above.text.strip() if _STREET.search(above.text) else None
    return None
