"""Normalise printed codes and names into keys that can be looked up.

Three strengths of key, from strict to loose:

    code_key        upper case, separators removed: "p 00017" and "P-00017" -> "P00017"
    confusable_key  code_key with OCR look-alikes folded (0/O, 1/I/l, 5/S, 8/B, as the
                    extractors fold them), so a misreading still finds its candidates
    name_key        lower-case words without punctuation or legal forms, for partner names

Addresses have their own keys: `postcode_key` and `street_key`.

A confusable key only proposes candidates; deciding between them is the caller's job.
"""

from __future__ import annotations

import re
import unicodedata

from docmatch.extractors.confusions import confusable_key as shared_confusable_key

_SEPARATORS = re.compile(r"[\s\-_./#:]+")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Legal forms carry no identity: "Acme GmbH" and "ACME" are the same partner.
_LEGAL_FORMS = frozenset(
    "gmbh ag kg ohg ug mbh co ltd limited inc llc plc corp corporation sa sarl sas bv nv spa srl ab as oy kft sro "
    "the und and e k ek".split()
)


def code_key(text: str | None) -> str:
    """Return `text` upper-cased with separators and accents removed; '' for None."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).upper()
    return _SEPARATORS.sub("", folded)


def confusable_key(text: str | None) -> str:
    """Return the code key with OCR look-alike characters folded together.

    The extractors' folding (0/O/o, 1/I/l/|, 5/S/s, 8/B) is applied to the printed
    text first, so a lower-case "l" joins "1" before upper-casing; the separators
    our code keys ignore are removed after it.
    """
    if not text:
        return ""
    return code_key(shared_confusable_key(unicodedata.normalize("NFKC", text)))


def name_key(text: str | None) -> str:
    """Return a partner or product name as lower-case words without legal forms."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(char for char in folded if not unicodedata.combining(char)).lower()
    words = [word for word in _NON_WORD.split(ascii_text) if word and word not in _LEGAL_FORMS]
    return " ".join(words)


# "Hanauer Landstraße", "Hanauer Landstrasse" and "Hanauer Landstr." name one street.
_STREET_WORD = re.compile(r"(stra(?:ss|ß)e|str\.?)(?=\s|\d|$)", re.IGNORECASE)


def postcode_key(text: str | None) -> str:
    """Return a postcode upper-cased without spaces or a country prefix: 'd-20457' -> '20457'."""
    key = code_key(text).replace(",", "")
    return re.sub(r"^[A-Z]{1,2}-?(?=\d{4,5}$)", "", key)


def street_key(text: str | None) -> str:
    """Return a street as lower-case ASCII words with 'straße', 'strasse' and 'str.' made one."""
    if not text:
        return ""
    return name_key(_STREET_WORD.sub("str", text))


def description_key(text: str | None) -> str:
    """Return a description as lower-case words; digits stay, so sizes keep counting."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(word for word in _NON_WORD.split(folded) if word)


def email_domain(text: str | None) -> str:
    """Return the domain of an e-mail address or web address, lower-cased, without 'www.'."""
    if not text:
        return ""
    value = text.strip().lower()
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    value = re.sub(r"^[a-z]+://", "", value).split("/", 1)[0]
    return value.removeprefix("www.")
