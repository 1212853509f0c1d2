"""Replace personal data with placeholders before a prompt leaves the machine.

Four categories, each switched on or off by `DOCMATCH_LLM_REDACT`:

    email   addresses like jane.doe@example.com                 -> [email]
    phone   numbers after a cue (Tel, Phone, Fax, Mobile, ...)
            and international numbers starting with + or 00     -> [phone]
    iban    IBANs with a valid check sum, and IBAN-shaped
            strings with at least 12 digits (OCR misreads)      -> [iban]
    name    a person's name after a title (Mr, Mrs, Dr, Herr,
            Frau, Mme, ...) or a cue (Attn, Contact, z. Hd.,
            Received by, Signed by, Driver, ...), and the whole
            value of evidence keys that name a person           -> [name]

Names are found only where such a cue marks them: there is no language model on the
machine that could tell "Anna Berg" from "Acme Steel" in free text. National phone
numbers without a cue are left alone, because they cannot be distinguished from amounts
and reference numbers. Company names are not personal data and stay.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from stdnum import iban as stdnum_iban

CATEGORIES: tuple[str, ...] = ("email", "phone", "iban", "name")

# Evidence keys whose whole value is a person, whatever it looks like.
PERSON_KEYS = frozenset(
    {
        "contact", "contact_name", "contact_person", "person", "buyer", "salesperson", "user", "user_name",
        "signed_by", "received_by", "receiver", "driver", "requested_by", "responsible", "employee", "reviewer",
    }
)

# An IBAN-shaped string that fails the check sum is still redacted when it contains this many digits.
IBAN_MIN_DIGITS = 12
# Digits an international phone number must have (E.164 allows at most 15).
PHONE_MIN_DIGITS = 8
PHONE_MAX_DIGITS = 15

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_PHONE_CUED = re.compile(
    r"(?i)\b(?:tel|phone|telephone|telefon|t[ée]l[ée]phone|telefono|fax|mobile|mob|cell|gsm|handy)\b"
    r"\.?\s*(?:no\.?|nr\.?|number)?\s*[:.]?\s*(\+?[\d(][\d\s()./-]{5,}\d)"
)
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00)[1-9][\d\s()./-]{6,}\d")
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Hr|Fr|Mme|Mlle|Sr|Sra|Dhr|Mevr|Sig|Sig\.ra)\.?"
_NAME = r"((?:[A-ZÀ-Þ][\w'’-]+)(?:\s+[A-ZÀ-Þ][\w'’-]+){0,2})"
_TITLE_NAME = re.compile(rf"\b{_TITLES}\s+{_NAME}")
_CUE_NAME = re.compile(
    r"(?i:\b(?:attn|attention|contact(?: person)?|z\.\s?hd\.?|zu händen|ansprechpartner(?:in)?|"
    r"requested by|ordered by|buyer|sales ?person|signed by|received by|delivered by|driver|signature|"
    r"contactpersoon|à l'attention de|a la atención de))\s*[:.]?\s+"
    rf"(?:{_TITLES}\s+)?{_NAME}"
)


class Redactor:
    """Replace the personal data of the chosen categories in text and in nested values."""

    def __init__(self, categories: Iterable[str] = CATEGORIES) -> None:
        unknown = set(categories) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown redaction categories {sorted(unknown)}; use {list(CATEGORIES)}")
        self.categories = frozenset(categories)
        self.counts: Counter[str] = Counter()

    def text(self, value: str) -> str:
        """Return `value` with each enabled category replaced by its placeholder."""
        # E-mail first: an address can hold digits that look like a phone number.
        if "email" in self.categories:
            value = self._sub(_EMAIL, value, "email")
        if "iban" in self.categories:
            value = _IBAN.sub(self._iban_replacement, value)
        if "phone" in self.categories:
            value = self._sub(_PHONE_CUED, value, "phone", group=1)
            value = _PHONE_INTERNATIONAL.sub(self._phone_replacement, value)
        if "name" in self.categories:
            value = self._sub(_CUE_NAME, value, "name", group=1)
            value = self._sub(_TITLE_NAME, value, "name", group=1)
        return value

    def value(self, value: Any, *, key: str | None = None) -> Any:
        """Return a copy of a JSON-like value with every string redacted."""
        if isinstance(value, str):
            if key is not None and key.lower() in PERSON_KEYS and "name" in self.categories and value.strip():
                self.counts["name"] += 1
                return "[name]"
            return self.text(value)
        if isinstance(value, dict):
            return {name: self.value(item, key=str(name)) for name, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item, key=key) for item in value]
        return value

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def _sub(self, pattern: re.Pattern[str], text: str, category: str, *, group: int = 0) -> str:
        def replace(match: re.Match[str]) -> str:
            self.counts[category] += 1
            whole = match.group(0)
            if group == 0:
                return f"[{category}]"
            start, end = match.start(group) - match.start(0), match.end(group) - match.start(0)
            return whole[:start] + f"[{category}]" + whole[end:]

        return pattern.sub(replace, text)

    def _iban_replacement(self, match: re.Match[str]) -> str:
        candidate = match.group(0)
        length = _valid_iban_prefix(candidate)
        if length is not None:
            self.counts["iban"] += 1
            return "[iban]" + candidate[length:]
        if sum(char.isdigit() for char in candidate) >= IBAN_MIN_DIGITS:
            self.counts["iban"] += 1
            return "[iban]"
        return candidate

    def _phone_replacement(self, match: re.Match[str]) -> str:
        digits = sum(char.isdigit() for char in match.group(0))
        if PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
            self.counts["phone"] += 1
            return "[phone]"
        return match.group(0)


def _valid_iban_prefix(candidate: str) -> int | None:
    """Return the length of the longest prefix of `candidate` that is a valid IBAN.

    The pattern is greedy, so "DE89 3704 0044 0532 0130 00 EUR" reaches into the word
    after the IBAN; shorter prefixes find where the IBAN ends.
    """
    for end in range(len(candidate), 14, -1):
        prefix = candidate[:end].rstrip()
        if stdnum_iban.is_valid(prefix):
            return len(prefix)
    return None
