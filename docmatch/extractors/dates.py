"""Read printed dates in the orders businesses use, without guessing day against month.

ISO dates (`2024-04-07`, `2024/04/07`) are always year-month-day. Numeric dates with
dots (`05.04.2024`) are day-first everywhere they are used. For slashes and dashes
(`05/04/2024`) the order comes from the caller's `day_first` hint. Without a hint, a
date whose two parts are both 12 or less is ambiguous and carries both readings. Month names are read in English, German, French, Dutch, Spanish and Italian.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar janv janvier januari enero ene gennaio gen jänner",
        "february feb februar fevr fevrier février februari febrero febbraio",
        "march mar marz märz maerz mars maart marzo",
        "april apr avril abril aprile",
        "may mai mei mayo maggio mag",
        "june jun juni juin junio giugno giu",
        "july jul juli juillet juil julio luglio lug",
        "august aug august aout août augustus ago agosto",
        "september sep sept septembre septiembre settembre set",
        "october oct oktober okt octobre octubre ottobre ott",
        "november nov novembre noviembre",
        "december dec dezember dez decembre décembre diciembre dic dicembre",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_ISO_RE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_NUMERIC_RE = re.compile(r"(?<!\d)(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)")
_DAY_MONTH_NAME_RE = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er)?\.?\s*(?:de\s+)?([^\W\d_]{3,10})\.?,?\s*(?:de\s+)?(\d{4})(?!\d)")
_MONTH_NAME_DAY_RE = re.compile(r"([^\W\d_]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})(?!\d)")


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date found in text: its ISO value, or both readings when day and month may swap."""

    text: str
    value: str | None
    alternatives: tuple[str, ...] = ()
    # Whether the printed form alone fixes day and month (ISO, dots, month names, a part above 12).
    self_evident: bool = True

    @property
    def ambiguous(self) -> bool:
        return self.value is None and len(self.alternatives) > 1


def find_date(text: str, *, day_first: bool | None = None) -> DateReading | None:
    """Return the first date in `text`, read with the `day_first` hint for slashed dates."""
    folded = _fold(text)
    candidates = [
        reading
        for reading in (
            _iso(folded),
            _numeric(folded, day_first=day_first),
            _day_month_name(folded),
            _month_name_day(folded),
        )
        if reading is not None
    ]
    if not candidates:
        return None
    # The earliest match in the text wins; its position is kept in the reading's text.
    return min(candidates, key=lambda pair: pair[0])[1]


def numeric_order_evidence(text: str) -> bool | None:
    """Return True/False when a slashed date in `text` proves day-first/month-first, else None."""
    for match in _NUMERIC_RE.finditer(_fold(text)):
        if match[2] == ".":
            continue
        first, second = int(match[1]), int(match[3])
        if first > 12 >= second:
            return True
        if second > 12 >= first:
            return False
    return None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _make(year: int, month: int, day: int) -> str | None:
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _iso(text: str) -> tuple[int, DateReading] | None:
    match = _ISO_RE.search(text)
    if not match:
        return None
    value = _make(int(match[1]), int(match[2]), int(match[3]))
    return (match.start(), DateReading(match[0], value)) if value else None


def _numeric(text: str, *, day_first: bool | None) -> tuple[int, DateReading] | None:
    for match in _NUMERIC_RE.finditer(text):
        first, separator, second, year = int(match[1]), match[2], int(match[3]), int(match[4])
        day_month = _make(year, second, first)
        month_day = _make(year, first, second)
        if separator == ".":
            # Dotted numeric dates are day-first in every locale that prints them.
            if day_month:
                return match.start(), DateReading(match[0], day_month)
            continue
        if day_month and not month_day:
            return match.start(), DateReading(match[0], day_month)
        if month_day and not day_month:
            return match.start(), DateReading(match[0], month_day)
        if not (day_month and month_day):
            continue
        if day_month == month_day:
            return match.start(), DateReading(match[0], day_month)
        if day_first is None:
            return match.start(), DateReading(match[0], None, (day_month, month_day), self_evident=False)
        return match.start(), DateReading(match[0], day_month if day_first else month_day, (day_month, month_day), self_evident=False)
    return None


def _day_month_name(text: str) -> tuple[int, DateReading] | None:
    for match in _DAY_MONTH_NAME_RE.finditer(text):
        month = MONTHS.get(match[2].rstrip("."))
        if month:
            value = _make(int(match[3]), month, int(match[1]))
            if value:
                return match.start(), DateReading(match[0], value)
    return None


def _month_name_day(text: str) -> tuple[int, DateReading] | None:
    for match in _MONTH_NAME_DAY_RE.finditer(text):
        month = MONTHS.get(match[1].rstrip("."))
        if month:
            value = _make(int(match[3]), month, int(match[2]))
            if value:
                return match.start(), DateReading(match[0], value)
    return None
