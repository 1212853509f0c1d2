"""`docmatch demo` runs the pipeline on the demo set, writes the reports and compares with the expected files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docmatch.cli import cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
SAMPLE = ["invoice-hansa-clean-de", "invoice-vdberg-quantity-en", "proof-of-delivery-alpenblick-damaged-de"]


def sample_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "odoo", data / "odoo")
    (data / "documents").mkdir()
    for name in SAMPLE:
        for suffix in (".pdf", ".expected.json"):
            shutil.copy(FIXTURES / "documents" / f"{name}{suffix}", data / "documents")
    return data


def test_demo_prints_cases_and_a_comparison_line(tmp_path: Path):
    """GIVEN three demo documents WHEN docmatch demo runs THEN it prints OK/DIFFERENT per document and the count."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["demo", "--data", str(sample_data(tmp_path)), "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines = result.output.strip().splitlines()
    match = re.fullmatch(r"(\d+) of 3 documents match their expected findings", lines[-1])
    assert match, result.output
    verdicts = [line.split()[0] for line in lines if line.startswith("  OK ") or line.startswith("  DIFFERENT ")]
    assert len(verdicts) == 3
    assert result.exit_code == (0 if match.group(1) == "3" else 1)
    cases = json.loads((out / "cases.json").read_text())
    assert [case["document"]["filename"] for case in cases] == [f"{name}.pdf" for name in sorted(SAMPLE)]
    assert (out / "report.html").read_text().startswith("<!doctype html>")


def test_demo_json_output_holds_cases_and_comparison(tmp_path: Path):
    result = CliRunner().invoke(cli, ["demo", "--data", str(sample_data(tmp_path)), "--out", str(tmp_path / "out"), "--json"])
    payload = json.loads(result.stdout)
    assert payload["documents"] == 3
    assert len(payload["cases"]) == 3
    assert {entry["document"] for entry in payload["comparison"]} == {f"{name}.pdf" for name in SAMPLE}
    assert all(set(entry) >= {"ok", "missing", "unexpected", "expected", "found"} for entry in payload["comparison"])


def test_demo_generates_missing_data(tmp_path: Path):
    data = tmp_path / "fresh"
    result = CliRunner().invoke(cli, ["demo", "--data", str(data), "--out", str(tmp_path / "out"), "--json"])
    assert (data / "odoo" / "version.json").is_file()
    assert json.loads(result.stdout)["documents"] == len(list((FIXTURES / "documents").glob("*.pdf")))


@pytest.mark.slow
def test_full_demo_compares_every_document(tmp_path: Path):
    """GIVEN the whole demo set WHEN docmatch demo runs THEN every document gets a verdict and the exit code follows the count."""
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "out"), "--json"])
    payload = json.loads(result.stdout)
    documents = len(list((FIXTURES / "documents").glob("*.pdf")))
    assert payload["documents"] == documents
    assert result.exit_code == (0 if payload["matching"] == documents else 1)


def test_demo_rejects_an_empty_documents_folder(tmp_path: Path):
    data = tmp_path / "empty"
    (data / "documents").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["demo", "--data", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "docmatch demo --regenerate" in result.output


def test_process_prints_progress_lines_off_a_terminal(tmp_path: Path):
    """GIVEN three documents and stderr that is not a terminal WHEN docmatch process runs THEN plain progress lines reach stderr."""
    data = sample_data(tmp_path)
    documents = sorted(str(path) for path in (data / "documents").glob("*.pdf"))

    result = CliRunner().invoke(cli, ["process", "--odoo-snapshot", str(data / "odoo"), *documents])

    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("processed ")]
    assert len(progress) == 3
    assert progress[-1].startswith("processed 3 of 3 documents in ")


def test_process_shows_how_a_reference_was_read(tmp_path: Path):
    """GIVEN an invoice citing P00024-A WHEN processed THEN the summary and the JSON note it was read as P00024."""
    document = str(FIXTURES / "documents" / "invoice-vdberg-reference-suffix-en.pdf")

    summary = CliRunner().invoke(cli, ["process", "--odoo-snapshot", str(FIXTURES / "odoo"), document])
    as_json = CliRunner().invoke(cli, ["process", "--odoo-snapshot", str(FIXTURES / "odoo"), "--json", document])

    assert "  note: reference 'P00024-A' read as P00024 without its suffix" in summary.stdout
    assert json.loads(as_json.stdout)[0]["notes"] == ["reference 'P00024-A' read as P00024 without its suffix"]
