"""Holding a case against an expected file: OK only with the same finding kinds and the expected records."""

from __future__ import annotations

from docmatch.demo.compare import compare_case
from docmatch.models import Case, CaseDocument, Finding, FindingKind, OdooRef, Severity


def case(kinds: list[str], matched: list[str]) -> Case:
    return Case(
        document=CaseDocument(sha256="0" * 64, filename="doc.pdf", doc_type="invoice"),
        matched=[OdooRef(model="purchase.order", id=index + 1, name=name) for index, name in enumerate(matched)],
        findings=[Finding(kind=FindingKind(kind), severity=Severity.MEDIUM, rule="test", message="m", line=2) for kind in kinds],
    )


EXPECTED = {"matched": ["P00007"], "findings": [{"kind": "quantity_mismatch", "line": 2}]}


def test_same_kinds_and_record_is_ok():
    comparison = compare_case(case(["quantity_mismatch"], ["P00007"]), EXPECTED)
    assert comparison.ok
    assert comparison.describe().startswith("OK")


def test_compare_allows_extra_records():
    assert compare_case(case(["quantity_mismatch"], ["P00007", "WH/IN/00007"]), EXPECTED).ok
    comparison = compare_case(case(["quantity_mismatch"], ["P00008"]), EXPECTED)
    assert not comparison.ok
    assert comparison.unmatched_records == ("P00007",)


def test_missing_and_unexpected_kinds_are_named():
    comparison = compare_case(case(["needs_review", "total_mismatch"], ["P00007"]), EXPECTED)
    assert comparison.missing == ("quantity_mismatch",)
    assert comparison.unexpected == ("needs_review", "total_mismatch")
    assert comparison.describe() == "DIFFERENT  doc.pdf: missing quantity_mismatch; unexpected needs_review, total_mismatch"


def test_clean_document_with_no_findings_is_ok():
    assert compare_case(case([], []), {"matched": [], "findings": []}).ok


def test_compare_counts_a_kind_once():
    assert compare_case(case(["quantity_mismatch", "quantity_mismatch"], ["P00007"]), EXPECTED).ok
