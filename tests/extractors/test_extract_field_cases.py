"""PDF-parsing faults reported by users of other tools, rebuilt small, with the values expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from docmatch.errors import EncryptedDocument
from docmatch.extractors import extract_file
from docmatch.extractors.header import HeaderHints
from docmatch.models import Extraction


def _extract(path: Path, **options) -> Extraction:  # type: ignore[no-untyped-def]
    return extract_file(path, **options)


# --- ligatures ------------------------------------------------------------------------


def test_ligatures_become_plain_letters(built: Path) -> None:
    extraction = _extract(built / "ligatures.pdf")

    descriptions = [line.description for line in extraction.lines]
    assert descriptions == ["Steel flange DN50", "Pipe fitting 1/2 in", "Office chair", "Airflow filter"]
    assert all("replacement_character" not in line.flags for line in extraction.lines)


def test_unmapped_ligatures_flagged_without_ocr(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import docmatch.extractors.ocr as ocr

    def unavailable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    monkeypatch.setattr(ocr, "ocr_pdf_page", unavailable)
    extraction = _extract(built / "ligatures-unmapped.pdf")

    assert len(extraction.lines) == 4
    flagged = [line.position for line in extraction.lines if "replacement_character" in line.flags]
    assert flagged == [1, 2, 3, 4]
    assert all("\ufffd" in (line.description or "") for line in extraction.lines)
    assert any("Unicode mapping" in warning for warning in extraction.warnings)
    # The numbers of those lines were read from mapped glyphs and stay usable.
    assert [line.amount for line in extraction.lines] == [50.0, 32.0, 149.0, 37.5]


@pytest.mark.ocr
def test_unmapped_ligatures_reread_by_ocr(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    extraction = _extract(built / "ligatures-unmapped.pdf")

    descriptions = [line.description for line in extraction.lines]
    assert descriptions == ["Steel flange DN50", "Pipe fitting 1/2 in", "Office chair", "Airflow filter"]
    assert all("replacement_character" not in line.flags for line in extraction.lines)


# --- text painted twice ---------------------------------------------------------------


def test_text_painted_twice_is_read_once(built: Path) -> None:
    extraction = _extract(built / "double-drawn.pdf")

    assert extraction.value("net") == 400.00
    assert extraction.value("tax") == 108.00
    assert extraction.value("total") == 508.00
    assert extraction.value("number") == "DD-7781"
    first = extraction.lines[0]
    assert (first.code, first.quantity, first.unit_price, first.amount) == ("AA-1100", 1100.0, 0.20, 220.00)
    assert len(extraction.lines) == 2


def test_text_painted_twice_gives_single_words(built: Path) -> None:
    import pdfplumber

    from docmatch.extractors.textlayer import read_page_words

    with pdfplumber.open(built / "double-drawn.pdf") as pdf:
        words = [word.text for word in read_page_words(pdf.pages[0], 1).words]

    for header_word in ("Pos", "Item", "Description", "Qty", "UoM", "Amount", "DD-7781"):
        assert words.count(header_word) == 1, header_word
    assert "400,00" in words
    assert "440000,,0000" not in words
    assert words.count("1100") == 1


# --- tables over two pages ------------------------------------------------------------


def test_table_continues_over_pages(built: Path) -> None:
    extraction = _extract(built / "multipage.pdf")

    assert [line.position for line in extraction.lines] == list(range(1, 15))
    assert [line.page for line in extraction.lines] == [1] * 9 + [2] * 5
    assert all(line.code and line.code.startswith("MP-") for line in extraction.lines)
    assert round(sum(line.amount for line in extraction.lines), 2) == extraction.value("net") == 1475.00
    assert not any("forward" in (line.description or "").lower() for line in extraction.lines)


# --- decimal separators ---------------------------------------------------------------


@pytest.mark.parametrize("variant", ["comma", "point"])
def test_decimal_comma_and_point_agree(built: Path, variant: str) -> None:
    extraction = _extract(built / f"decimals-{variant}.pdf")

    assert extraction.value("total") == 1234.56
    assert extraction.lines[0].unit_price == 27.80
    assert extraction.lines[1].amount == 1178.96


def test_quantity_settled_by_arithmetic(built: Path) -> None:
    extraction = _extract(built / "decimals-thousands.pdf")

    first = extraction.lines[0]
    assert (first.quantity, first.unit_price, first.amount) == (1250.0, 2.00, 2500.00)
    assert "ambiguous" not in first.flags


def test_unsettled_quantity_flagged(built: Path) -> None:
    extraction = _extract(built / "decimals-thousands.pdf")

    second = extraction.lines[1]
    assert second.quantity is None
    assert "ambiguous" in second.flags
    assert sorted(second.quantity_alternatives) == [1.25, 1250.0]  # type: ignore[attr-defined]


# --- date order -----------------------------------------------------------------------


def test_european_dates_day_first(built: Path) -> None:
    extraction = _extract(built / "dates-eu.pdf")

    assert extraction.value("date") == "2024-04-05"
    assert extraction.value("delivery_date") == "2024-04-07"
    assert extraction.value("due_date") == "2024-05-05"


def test_us_dates_month_first(built: Path) -> None:
    extraction = _extract(built / "dates-us.pdf")

    assert extraction.value("date") == "2024-04-05"


def test_slashed_date_without_hint_flagged(built: Path) -> None:
    extraction = _extract(built / "dates-none.pdf")

    date = extraction.fields["date"]
    assert date.value is None
    assert "ambiguous" in date.flags
    assert sorted(date.alternatives) == ["2024-04-05", "2024-05-04"]


def test_vendor_profile_settles_date_order(built: Path) -> None:
    extraction = _extract(built / "dates-none.pdf", hints=HeaderHints(day_first=False))

    assert extraction.value("date") == "2024-04-05"


# --- currency -------------------------------------------------------------------------


def test_trailing_dollar_reads_usd(built: Path) -> None:
    extraction = _extract(built / "currency-dollar.pdf")

    assert extraction.value("currency") == "USD"
    assert extraction.value("total") == 40.00


def test_missing_currency_flagged(built: Path) -> None:
    extraction = _extract(built / "currency-none.pdf")

    currency = extraction.fields["currency"]
    assert currency.value is None
    assert currency.flags == ["not_found"]
    assert extraction.value("total") == 40.00


# --- encryption -----------------------------------------------------------------------


def test_owner_password_pdf_opens(built: Path) -> None:
    extraction = _extract(built / "protected-owner.pdf")

    assert extraction.value("number") == "LG-2024-118"
    assert len(extraction.lines) == 4


def test_user_password_pdf_raises_encrypted(built: Path) -> None:
    with pytest.raises(EncryptedDocument, match="password"):
        _extract(built / "protected-user.pdf")
