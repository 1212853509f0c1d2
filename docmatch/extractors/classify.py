"""Tell the document type and the main language from the printed words.

A document names its type in its title: the largest words near the top of the first
page, often alone in their cell ("RECHNUNG", "Order N° SO004"). Each title phrase found
scores by its size relative to the page's body text, its place on the page and whether
it stands alone, so "Invoice address" in an order's address block weighs little
against the order's own title.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median

from docmatch.extractors.rows import Row, find_phrase
from docmatch.extractors.vocabulary import DOC_TYPE_STEMS, DOC_TYPE_TITLES, LANGUAGE_WORDS, SELF_BILLING_PHRASES

# Title phrases too common in labels to count fully ("Order number" on an invoice).
_GENERIC = {("order",), ("bill",), ("statement",), ("ticket",), ("data",), ("commande",), ("pedido",), ("ordine",), ("bestellung",), ("ddt",), ("quotation",)}
# Words after a title phrase that make it a label, not a title ("Invoice date").
_LABEL_FOLLOWERS = {"date", "datum", "address", "adresse", "to", "an", "a", "total", "amount", "period", "currency", "reference", "ref", "from", "fecha", "data", "adres", "per"}
# Below this score the type is unknown.
MIN_SCORE = 1.0
# A title split by a stray one-character word counts when printed this many times the
# body text height.
SPLIT_TITLE_HEIGHTS = 1.4


@dataclass(frozen=True, slots=True)
class Classification:
    doc_type: str
    score: float
    language: str | None
    # The page names self-billing, so the buyer issued this invoice for the seller.
    self_billed: bool = False


def classify(rows: list[Row]) -> Classification:
    """Return the document type and language read from `rows` (all pages, in order).

    A "Gutschrift" that names self-billing ("Selbst ausgestellte Rechnung",
    "Gutschriftsverfahren") is an invoice the buyer issued for the seller, not a credit
    note: it bills goods or services, and the seller is still the vendor.
    """
    scores = _type_scores(rows)
    language = detect_language(rows)
    doc_type, score = max(scores.items(), key=lambda item: item[1]) if scores else ("unknown", 0.0)
    if score < MIN_SCORE:
        # No title: the words of the page's labels ("Rechnungsnummer") still tell the type.
        doc_type = _type_from_stems(rows) or "unknown"
    self_billed = doc_type in {"credit_note", "invoice"} and names_self_billing(rows)
    if self_billed:
        doc_type = "invoice"
    return Classification(doc_type, score, language, self_billed)


def names_self_billing(rows: list[Row]) -> bool:
    """Return whether a self-billing phrase appears on the first page."""
    first_page = [row for row in rows if row.page == rows[0].page] if rows else []
    return any(find_phrase(row.tokens, phrase) is not None for row in first_page for phrase in SELF_BILLING_PHRASES)


def _type_from_stems(rows: list[Row]) -> str | None:
    counts: Counter[str] = Counter()
    for row in rows[:60]:
        text = row.text.lower()
        for doc_type, stems in DOC_TYPE_STEMS.items():
            counts[doc_type] += sum(text.count(stem) for stem in stems)
    if not counts or counts.most_common(1)[0][1] == 0:
        return None
    return counts.most_common(1)[0][0]


def detect_language(rows: list[Row]) -> str | None:
    """Return the ISO 639-1 code whose common words occur most, or None."""
    counts: Counter[str] = Counter()
    for row in rows:
        for token in row.tokens:
            for language, words in LANGUAGE_WORDS.items():
                if token in words:
                    counts[language] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _type_scores(rows: list[Row]) -> dict[str, float]:
    first_page = [row for row in rows if row.page == rows[0].page] if rows else []
    if not first_page:
        return {}
    body_size = median(word.bottom - word.top for row in first_page for word in row.words)
    page_bottom = max(row.bottom for row in first_page)
    scores: dict[str, float] = {}
    for row in first_page:
        for doc_type, phrases in DOC_TYPE_TITLES.items():
            for phrase in phrases:
                weight = _phrase_weight(row, phrase, body_size, page_bottom)
                if weight:
                    scores[doc_type] = scores.get(doc_type, 0.0) + weight
                    break
    return scores


def _phrase_weight(row: Row, phrase: tuple[str, ...], body_size: float, page_bottom: float) -> float:
    index = find_phrase(row.tokens, phrase)
    if index is None:
        return _split_title_weight(row, phrase, body_size, page_bottom)
    words = row.words[index : index + len(phrase)]
    size = median(word.bottom - word.top for word in words)
    weight = min((size / max(body_size, 1.0)) ** 2, 9.0)
    if row.top < page_bottom * 0.4:
        weight *= 1.5
    following = row.tokens[index + len(phrase)] if index + len(phrase) < len(row.tokens) else None
    if following in _LABEL_FOLLOWERS:
        weight *= 0.2
    elif _stands_alone(row, index, len(phrase)):
        weight *= 2.0
    if phrase in _GENERIC:
        weight *= 0.4
    return weight


def _split_title_weight(row: Row, phrase: tuple[str, ...], body_size: float, page_bottom: float) -> float:
    """Weigh a title whose words OCR split with a stray letter or mark ("Credit a Note").

    Specks beside large title letters are read as one-character words. Only a title
    printed larger than the body text counts, because in body text such a word may
    be real ("Credit a note to us").
    """
    if len(phrase) < 2:
        return 0.0
    meaningful = [index for index, token in enumerate(row.tokens) if len(token) > 1 or token in phrase]
    found = find_phrase([row.tokens[index] for index in meaningful], phrase)
    if found is None:
        return 0.0
    words = [row.words[index] for index in meaningful[found : found + len(phrase)]]
    size = median(word.bottom - word.top for word in words)
    if size < SPLIT_TITLE_HEIGHTS * max(body_size, 1.0):
        return 0.0
    weight = min((size / max(body_size, 1.0)) ** 2, 9.0)
    return weight * 1.5 if row.top < page_bottom * 0.4 else weight


def _stands_alone(row: Row, index: int, size: int) -> bool:
    """Return whether the phrase fills its cell, allowing a number after it ("Invoice SAJ/2017/002")."""
    first = row.words[index]
    for cell in row.cells:
        if first in cell.words:
            rest = cell.words[cell.words.index(first) + size :]
            starts_cell = cell.words[0] is first
            return starts_cell and (not rest or any(char.isdigit() for char in rest[-1].text))
    return False
