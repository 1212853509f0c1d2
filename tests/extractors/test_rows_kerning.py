"""A capital split off its word by kerning is joined again; a one-letter word before a word space is not."""

from __future__ import annotations

from docmatch.extractors.rows import build_rows
from docmatch.extractors.words import PageWords, Word


def _texts(*words: tuple[str, float, float]) -> list[str]:
    line = [Word(text, x0, 300.0, x1, 309.0, confidence=1.0, size=9.0) for text, x0, x1 in words]
    rows = build_rows(PageWords(1, 595, 842, line, source="text"))
    return [word.text for word in rows[0].words]


def test_kerned_capital_joins_its_word() -> None:
    """GIVEN "F" 0.05 pt before "actuurnummer:" (coolblue1.pdf) THEN one word."""
    assert _texts(("F", 40.0, 45.0), ("actuurnummer:", 45.05, 100.0)) == ["Factuurnummer:"]


def test_unit_letter_before_word_space_stays_apart() -> None:
    """GIVEN "Cream 32% 1 L carton" with 2.5 pt word spaces at 9 pt THEN "L" and "carton" stay two words."""
    words = _texts(("Cream", 141.7, 168.7), ("32%", 171.2, 189.2), ("1", 191.7, 196.7), ("L", 199.3, 204.3), ("carton", 206.8, 231.8))

    assert words == ["Cream", "32%", "1", "L", "carton"]


def test_capital_overlapping_next_word_stays_apart() -> None:
    """GIVEN a capital whose box reaches 4 pt past the start of the next word (two text runs painted apart) THEN no join."""
    assert _texts(("A", 60.0, 66.0), ("t", 62.0, 64.0)) == ["A", "t"]
