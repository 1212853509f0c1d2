"""Locale-independent reading of printed numbers and dates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docmatch.extractors.dates import find_date
from docmatch.extractors.numbers import parse_number, settle_product


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("1 234,50", 1234.50),
        ("1'234.50", 1234.50),
        ("27,80", 27.80),
        ("27.80", 27.80),
        ("$4.11", 4.11),
        ("€12,00", 12.0),
        ("12,00€", 12.0),
        ("-5,00", -5.0),
        ("5,00-", -5.0),
        ("(12.00)", -12.0),
        ("1100", 1100.0),
        ("0,250", 0.25),
        ("1.234.567", 1234567.0),
        ("12.3456", 12.3456),
        ("19%", 19.0),
    ],
)
def test_numbers_read_in_any_locale(text: str, value: float) -> None:
    reading = parse_number(text)

    assert reading is not None
    assert reading.value == value


@pytest.mark.parametrize("text", ["1,250", "3.000", "12,345"])
def test_three_digit_group_is_ambiguous(text: str) -> None:
    reading = parse_number(text)

    assert reading is not None and reading.ambiguous
    assert reading.value is None
    assert len(reading.alternatives) == 2


@pytest.mark.parametrize("text", ["AA-1100", "05.03.2013", "12/15/2019", "INV-100", "1.2.3", "abc", ""])
def test_codes_and_dates_are_not_numbers(text: str) -> None:
    assert parse_number(text) is None


def test_arithmetic_settles_ambiguous_quantity() -> None:
    settled = settle_product(parse_number("1,250"), parse_number("2,00"), parse_number("2 500,00"))

    assert settled == (1250.0, 2.0, 2500.0)


def test_unfitting_arithmetic_settles_nothing() -> None:
    assert settle_product(parse_number("1,250"), parse_number("2,00"), parse_number("7,00")) is None


@pytest.mark.parametrize(
    ("text", "day_first", "value"),
    [
        ("2003-02-01", True, "2003-02-01"),
        ("2003-02-01", False, "2003-02-01"),
        ("2024/04/07", None, "2024-04-07"),
        ("05.04.2024", None, "2024-04-05"),
        ("05.04.24", None, "2024-04-05"),
        ("05/04/2024", True, "2024-04-05"),
        ("04/05/2024", False, "2024-04-05"),
        ("12/15/2019", None, "2019-12-15"),
        ("15/12/2019", None, "2019-12-15"),
        ("04/04/2024", None, "2024-04-04"),
        ("August 3 , 2014", None, "2014-08-03"),
        ("7. Mai 2014", None, "2014-05-07"),
        ("29 maart 2014", None, "2014-03-29"),
        ("28 novembre 2022", None, "2022-11-28"),
        ("3 de marzo de 2021", None, "2021-03-03"),
    ],
)
def test_dates_read_in_printed_order(text: str, day_first: bool | None, value: str) -> None:
    reading = find_date(text, day_first=day_first)

    assert reading is not None
    assert reading.value == value


def test_unhinted_slashed_date_keeps_both() -> None:
    reading = find_date("05/04/2024", day_first=None)

    assert reading is not None and reading.ambiguous
    assert set(reading.alternatives) == {"2024-04-05", "2024-05-04"}


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2))
def test_amounts_round_trip_in_four_styles(amount: Decimal) -> None:
    english = f"{amount:,.2f}"
    styles = [english, english.replace(",", " "), english.replace(",", "_").replace(".", ",").replace("_", "."), english.replace(",", "")]

    for text in styles:
        reading = parse_number(text)
        assert reading is not None, text
        assert reading.value == float(amount), text


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_three_digit_groups_keep_both_readings(head: int, tail: int) -> None:
    reading = parse_number(f"{head},{tail:03d}")

    assert reading is not None
    assert reading.value is None
    assert set(reading.alternatives) == {float(f"{head}.{tail:03d}"), float(head * 1000 + tail)}


def test_guessed_date_order_keeps_both_readings() -> None:
    """GIVEN a German page with 05/04/2024 and no date that proves the order THEN the value is 5 April and both readings stay."""
    from docmatch.extractors.api import extract_pages
    from docmatch.extractors.words import PageWords, Word

    words = [Word("Rechnung", 57, 100, 110, 110), Word("Rechnungsdatum:", 57, 120, 130, 130), Word("05/04/2024", 140, 120, 190, 130)]

    field = extract_pages([PageWords(1, 595, 842, words)]).fields["date"]

    assert field.value == "2024-04-05"
    assert field.alternatives == ["2024-04-05", "2024-05-04"]


def test_proven_date_order_keeps_one_reading() -> None:
    """GIVEN a page whose due date 25/04/2024 proves day first THEN 05/04/2024 has no second reading."""
    from docmatch.extractors.api import extract_pages
    from docmatch.extractors.words import PageWords, Word

    words = [
        Word("Invoice", 57, 100, 110, 110), Word("Date:", 57, 120, 90, 130), Word("05/04/2024", 140, 120, 190, 130),
        Word("Due", 57, 140, 80, 150), Word("date:", 82, 140, 105, 150), Word("25/04/2024", 140, 140, 190, 150),
    ]

    field = extract_pages([PageWords(1, 595, 842, words)]).fields["date"]

    assert field.value == "2024-04-05"
    assert field.alternatives == []
