"""The YAML policy: validated with line numbers, merged over the defaults, overridden per partner and category."""

from __future__ import annotations

import pytest

from docmatch.errors import RulesError
from docmatch.models import Finding, FindingKind, Severity
from docmatch.odoo.records import Partner
from docmatch.rules import load_policy

from .helpers import CatalogBuilder, extraction, findings_for, kinds


def write(tmp_path, text: str):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_defaults_load_and_open_tickets_for_medium_and_high():
    policy = load_policy()
    assert policy.ticket_severities == ("medium", "high")
    low = Finding(kind=FindingKind.NEEDS_REVIEW, severity=Severity.LOW, rule="r", message="m")
    high = low.model_copy(update={"severity": Severity.HIGH})
    assert not policy.opens_ticket([low])
    assert policy.opens_ticket([low, high])
    assert not policy.opens_ticket([])


def test_a_file_with_only_overrides_keeps_every_other_default(tmp_path):
    policy = load_policy(write(tmp_path, "defaults:\n  price: {percent: 2}\n"))
    rules = policy.rules_for()
    assert (rules.price.percent, rules.price.absolute, rules.price.rule) == (2, 0, "defaults.price")
    assert rules.total.absolute == 0.05
    assert policy.severity_of(FindingKind.BILLED_EXCEEDS_RECEIVED) == Severity.HIGH


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("defaults:\n  price:\n    percent: -1\n", 3, "greater than or equal"),
        ("defaults:\n  quantity: {percent: 1}\n  prise: {percent: 1}\n", 3, "prise"),
        ("severity:\n  price_mismatch: urgent\n", 2, "price_mismatch"),
        ("severity:\n  price_mistake: low\n", 2, "price_mistake"),
        ("tickets:\n  open_for: [medium, critical]\n", 2, "open_for"),
        ("partners:\n  Acme:\n    bill_on: shipped\n", 3, "bill_on"),
        ("defaults:\n  price: [1, 2\n", 3, "not valid YAML"),
        ("- just\n- a list\n", 1, "mapping"),
    ],
)
def test_invalid_rules_name_the_file_and_line(tmp_path, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as raised:
        load_policy(path)
    assert raised.value.line == line
    assert raised.value.path == str(path)
    assert words in str(raised.value)
    assert f"rules.yaml:{line}" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("defaults:\n  pric: {percent: 2}\n", 2, "defaults.pric: unknown key; did you mean price?"),
        ("defaults:\n  price: {percnt: 2}\n", 2, "defaults.price.percnt: unknown key; did you mean percent?"),
        ("defautls:\n  price: {percent: 2}\n", 1, "defautls: unknown key; did you mean defaults?"),
        ("partners:\n  Acme:\n    dates:\n      before_order_day: 3\n", 4, "partners.Acme.dates.before_order_day: unknown key; did you mean before_order_days?"),
        ("severity:\n  price_mistake: low\n", 2, "severity.price_mistake: unknown key; did you mean price_mismatch?"),
        ("severity:\n  price_mismatch: hihg\n", 2, "severity.price_mismatch: invalid value 'hihg'; did you mean high?"),
        ("defaults:\n  bill_on: recieved\n", 2, "defaults.bill_on: invalid value 'recieved'; did you mean received?"),
        ("tickets:\n  open: [high]\n", 2, "tickets.open: unknown key; use one of open_for"),
        ("defaults:\n  zzz: 1\n", 2, "defaults.zzz: unknown key; use one of quantity, price, total, tax, dates, bill_on, date_order, severity"),
    ],
)
def test_misspelt_rules_key_suggests_closest(tmp_path, text, line, message):
    """GIVEN a rules file with a misspelt key or value
    WHEN it is loaded THEN the error keeps the file and line and offers the closest allowed word."""
    path = write(tmp_path, text)

    with pytest.raises(RulesError) as raised:
        load_policy(path)

    assert raised.value.line == line
    assert raised.value.message == f"{path}:{line}: {message}"


def test_unrelated_value_gets_no_suggestion(tmp_path):
    path = write(tmp_path, "severity:\n  price_mismatch: urgent\n")

    with pytest.raises(RulesError) as raised:
        load_policy(path)

    assert "did you mean" not in raised.value.message
    assert "'low', 'medium' or 'high'" in raised.value.message


def test_missing_rules_file_is_a_clear_error(tmp_path):
    with pytest.raises(RulesError, match="not found"):
        load_policy(tmp_path / "absent.yaml")


POLICY = """
tickets:
  open_for: [high]
defaults:
  price: {percent: 1}
categories:
  "All / Bulk":
    quantity: {percent: 2}
  "All / Bulk / Resin":
    quantity: {percent: 5, absolute: 1}
partners:
  "Acme Industrial Supply Ltd":
    price: {percent: 3}
    severity: {price_mismatch: low}
  "id:20":
    dates: {before_order_days: 5}
"""


def test_overrides_apply_from_general_to_specific(tmp_path):
    policy = load_policy(write(tmp_path, POLICY))
    acme = Partner(10, "ACME Industrial Supply Ltd.")
    beta = Partner(20, "Beta Parts GmbH")

    assert policy.rules_for(acme).price.rule == "partners.Acme Industrial Supply Ltd.price"
    assert policy.rules_for(acme).price.percent == 3
    assert policy.rules_for(beta).price.rule == "defaults.price"
    assert policy.rules_for(beta).before_order_days == 5
    assert policy.rules_for(beta, "All / Bulk / Granulate").quantity.percent == 2
    resin = policy.rules_for(beta, "All / Bulk / Resin / PP")
    assert (resin.quantity.percent, resin.quantity.absolute, resin.quantity.rule) == (5, 1, "categories.All / Bulk / Resin.quantity")
    assert policy.rules_for(acme).severity[FindingKind.PRICE_MISMATCH] == Severity.LOW
    assert policy.ticket_severities == ("high",)


def test_a_partner_override_decides_and_is_named_in_the_finding(tmp_path):
    builder = CatalogBuilder()
    builder.partner(10, "Acme Industrial Supply Ltd").product(1, "OIL", "Olive oil", category="All / Food")
    builder.order(1, "P1", 10, [dict(product=1, qty=10, price=10.0)])
    catalog = builder.build()
    document = extraction(number="I-1", date="2024-04-01", po_reference="P1", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          lines=[dict(code="OIL", quantity=10, unit_price=10.25)])

    assert kinds(findings_for(document, catalog)) == ["price_mismatch"]
    policy = load_policy(write(tmp_path, POLICY))
    assert findings_for(document, catalog, policy=policy) == []

    document.lines[0].unit_price = 10.5
    findings = findings_for(document, catalog, policy=policy)
    assert kinds(findings) == ["price_mismatch"]
    assert findings[0].severity == "low"
    assert findings[0].tolerance.endswith("(partners.Acme Industrial Supply Ltd.price)")
    assert not policy.opens_ticket(findings)


def test_bundled_default_file_names_every_finding_kind():
    policy = load_policy()
    assert set(policy.data.severity) == set(FindingKind)


def test_partner_key_naming_nobody_is_reported(tmp_path):
    from docmatch.odoo.records import Partner
    from docmatch.rules import load_policy

    rules = tmp_path / "rules.yaml"
    rules.write_text('partners:\n  "Hansa Trockenwaren GmbH":\n    price: {percent: 10}\n  "Hansa Trokenwaren":\n    price: {percent: 10}\n', encoding="utf-8")
    policy = load_policy(rules)

    unknown = policy.unknown_partner_keys([Partner(1, "Hansa Trockenwaren GmbH"), Partner(2, "Greenline Packaging Ltd")])

    assert unknown == ["Hansa Trokenwaren"]
