"""Tell where a document ends on a page that prints a second document below it.

Sample pages and some exports print two documents on one page: a delivery note with
an unrelated invoice block under it. The document's own title comes first. A later
row of the same page that contains nothing but the title of another document type,
printed larger than the body text, starts the other document, and its rows are not
read as this one's fields or lines.
"""

from __future__ import annotations

from statistics import median

from docmatch.extractors.rows import Row
from docmatch.extractors.vocabulary import DOC_TYPE_TITLES

# A second title is printed at least this many times the body text height.
OTHER_TITLE_HEIGHTS = 1.2
# Title words that also head sections and columns of one document ("Order", "Bill").
_SECTION_TITLES = {("order",), ("bill",), ("statement",), ("ticket",), ("data",), ("commande",), ("pedido",), ("ordine",), ("ddt",), ("receipt",)}


def own_rows(rows: list[Row], doc_type: str) -> tuple[list[Row], Row | None]:
    """Return the rows of the document titled `doc_type`, and the row that starts another document, if any."""
    start = _own_title(rows, doc_type)
    if start is None:
        return rows, None
    page = rows[start].page
    page_rows = [row for row in rows if row.page == page]
    body = median(word.bottom - word.top for row in page_rows for word in row.words)
    for index in range(start + 1, len(rows)):
        row = rows[index]
        if row.page != page:
            break
        if _titles_other_document(row, doc_type, body):
            return rows[:index], row
    return rows, None


def _own_title(rows: list[Row], doc_type: str) -> int | None:
    """Return the index of the first row whose cell is exactly a title of `doc_type`."""
    phrases = set(DOC_TYPE_TITLES.get(doc_type, ()))
    for index, row in enumerate(rows):
        if row.page != rows[0].page:
            return None
        for cell in row.cells:
            start = row.words.index(cell.words[0])
            if tuple(row.tokens[start : start + len(cell.words)]) in phrases:
                return index
    return None


def _titles_other_document(row: Row, doc_type: str, body: float) -> bool:
    """Return whether `row` is only a large title of a type other than `doc_type`."""
    if len(row.cells) != 1 or row.height < OTHER_TITLE_HEIGHTS * body:
        return False
    tokens = tuple(row.tokens)
    if tokens in _SECTION_TITLES:
        return False
    return any(tokens in phrases for other, phrases in DOC_TYPE_TITLES.items() if other != doc_type)
