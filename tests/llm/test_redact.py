"""Personal data is replaced before a prompt leaves the machine."""

from __future__ import annotations

import pytest

from docmatch.explain.redact import Redactor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Questions to anna.berg@acme-steel.example please", "Questions to [email] please"),
        ("Tel. +49 30 1234 5678, Fax: 030/1234-5679", "Tel. [phone], Fax: [phone]"),
        ("call 0049 30 12345678 today", "call [phone] today"),
        ("IBAN DE89 3704 0044 0532 0130 00 EUR", "IBAN [iban] EUR"),
        ("IBAN GB82WEST12345698765432", "IBAN [iban]"),
        ("Attn: Mr. John Smith", "Attn: Mr. [name]"),
        ("z. Hd. Frau Müller", "z. Hd. Frau [name]"),
        ("Received by: Peter Jansen", "Received by: [name]"),
        ("Dear Dr. Jane Roe,", "Dear Dr. [name],"),
    ],
)
def test_redacts_personal_data(text, expected) -> None:  # type: ignore[no-untyped-def]
    assert Redactor().text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Order P00457 dated 2026-12-04, total 1,418.00 EUR",
        "Quantity 24 CS, 00457, line 3",
        "Acme Steel GmbH, VAT DE123456789",
        "Flange DN50 PN16 galv.",
    ],
)
def test_leaves_business_data(text) -> None:  # type: ignore[no-untyped-def]
    assert Redactor().text(text) == text


def test_categories_switch_off() -> None:
    redactor = Redactor(["email"])

    text = redactor.text("anna@acme.example, Tel. +49 30 1234 5678, Attn: Anna Berg")

    assert text == "[email], Tel. +49 30 1234 5678, Attn: Anna Berg"


def test_person_keys_redacted_whole() -> None:
    redactor = Redactor()

    value = redactor.value({"received_by": "j. doe", "product": "Bolt M8", "signature": ["x"]})

    assert value == {"received_by": "[name]", "product": "Bolt M8", "signature": ["x"]}


def test_counts_redactions() -> None:
    redactor = Redactor()

    redactor.value({"a": "anna@acme.example and bob@acme.example", "contact": "Bob"})

    assert redactor.counts == {"email": 2, "name": 1}
    assert redactor.total == 3


def test_unknown_category_rejected() -> None:
    with pytest.raises(ValueError, match="unknown redaction categories"):
        Redactor(["email", "address"])
