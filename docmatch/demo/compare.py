"""Hold the cases of a run against the expected files of the documents.

An expected file (`<name>.expected.json` beside `<name>.pdf`) lists the Odoo records
the document refers to and the kinds of finding it must produce. A case agrees with it
when it has every expected finding kind and no other, and names every expected Odoo
record among the records it matched. Line numbers are reported but not required to
agree, because a reader may number the lines of a continued table differently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docmatch.models import Case


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of comparing one case with its expected file."""

    document: str
    expected_kinds: tuple[str, ...]
    found_kinds: tuple[str, ...]
    missing: tuple[str, ...] = ()
    unexpected: tuple[str, ...] = ()
    unmatched_records: tuple[str, ...] = ()
    note: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.unmatched_records or self.note)

    def describe(self) -> str:
        """Return one line: 'OK name' or 'DIFFERENT name: missing ...; unexpected ...'."""
        if self.ok:
            return f"OK         {self.document}"
        parts = []
        if self.missing:
            parts.append("missing " + ", ".join(self.missing))
        if self.unexpected:
            parts.append("unexpected " + ", ".join(self.unexpected))
        if self.unmatched_records:
            parts.append("not matched to " + ", ".join(self.unmatched_records))
        if self.note:
            parts.append(self.note)
        return f"DIFFERENT  {self.document}: " + "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "ok": self.ok,
            "expected": list(self.expected_kinds),
            "found": list(self.found_kinds),
            "missing": list(self.missing),
            "unexpected": list(self.unexpected),
            "unmatched_records": list(self.unmatched_records),
            "note": self.note,
        }


@dataclass
class Report:
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def matching(self) -> int:
        return sum(comparison.ok for comparison in self.comparisons)

    @property
    def all_match(self) -> bool:
        return self.matching == len(self.comparisons)

    def summary_line(self) -> str:
        return f"{self.matching} of {len(self.comparisons)} documents match their expected findings"


def expected_path(pdf: Path) -> Path:
    return pdf.with_name(f"{pdf.stem}.expected.json")


def load_expected(pdf: Path) -> dict[str, Any]:
    return json.loads(expected_path(pdf).read_text(encoding="utf-8"))


def compare_case(case: Case, expected: dict[str, Any]) -> Comparison:
    """Compare one case with the expected file of its document."""
    expected_kinds = sorted({finding["kind"] for finding in expected.get("findings", [])})
    found_kinds = sorted({finding.kind.value for finding in case.findings})
    matched = {record.name for record in case.matched}
    return Comparison(
        document=case.document.filename,
        expected_kinds=tuple(expected_kinds),
        found_kinds=tuple(found_kinds),
        missing=tuple(kind for kind in expected_kinds if kind not in found_kinds),
        unexpected=tuple(kind for kind in found_kinds if kind not in expected_kinds),
        unmatched_records=tuple(name for name in expected.get("matched", []) if name not in matched),
    )


def compare_run(pdfs: list[Path], cases: list[Case]) -> Report:
    """Compare each case with the expected file of the PDF it came from, in order."""
    report = Report()
    for pdf, case in zip(pdfs, cases, strict=True):
        if not expected_path(pdf).is_file():
            report.comparisons.append(Comparison(pdf.name, (), tuple(sorted({finding.kind.value for finding in case.findings})), note="no expected file"))
            continue
        report.comparisons.append(compare_case(case, load_expected(pdf)))
    return report
