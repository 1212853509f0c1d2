"""`docmatch eval` finds its default folders from any working directory and names --corpus when one is missing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from docmatch.cli.eval import DEFAULT_CORPUS, SHARED_CORPUS
from tests.cli.conftest import CliRun
from tests.conftest import CORPUS, REPO

# A public invoice whose font descriptor has no FontBBox, so pdfminer logs a warning on it.
FONT_WITHOUT_BBOX = CORPUS / "oca-edi" / "Facture_FR_EN16931.pdf"


def test_default_folders_found_from_repository() -> None:
    assert DEFAULT_CORPUS == REPO / "fixtures" / "corpus"
    assert SHARED_CORPUS == REPO.parent / "shared" / "corpus"


@pytest.mark.parametrize("command", ["corpus", "extraction"])
def test_missing_corpus_names_option(run_cli: Callable[..., CliRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.chdir(tmp_path)

    run = run_cli("eval", command, "--corpus", "no-such-folder")

    assert run.code == 2
    assert "Invalid value for --corpus: no-such-folder does not exist; pass --corpus FOLDER" in run.err


def test_corpus_without_manifest_names_option(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    run = run_cli("eval", "corpus", "--corpus", str(tmp_path))

    assert run.code == 2
    assert f"{tmp_path} has no manifest.csv; pass --corpus FOLDER" in run.err


@pytest.mark.skipif(not FONT_WITHOUT_BBOX.is_file(), reason="the shared corpus is not beside the repository")
def test_eval_corpus_keeps_pdfminer_quiet(tmp_path: Path) -> None:
    """GIVEN a corpus of one PDF on which pdfminer warns WHEN evaluated outside the repository THEN stderr has no pdfminer line."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "invoice.pdf").write_bytes(FONT_WITHOUT_BBOX.read_bytes())
    (corpus / "manifest.csv").write_text("file,doc_type,born_digital,language,pages,has_line_items\ninvoice.pdf,invoice,yes,fr,1,yes\n", encoding="utf-8")

    finished = subprocess.run([sys.executable, "-m", "docmatch", "eval", "corpus", "--corpus", str(corpus)], cwd=tmp_path, capture_output=True, text=True, timeout=120)

    assert finished.returncode == 0, finished.stderr
    assert "1 documents: 1 extracted" in finished.stdout
    assert "FontBBox" not in finished.stderr


@pytest.mark.skipif(not FONT_WITHOUT_BBOX.is_file(), reason="the shared corpus is not beside the repository")
def test_pdfminer_warning_shown_at_debug(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-m", "docmatch", "--log-level", "DEBUG", "extract", str(FONT_WITHOUT_BBOX)], cwd=tmp_path, capture_output=True, text=True, timeout=120)

    assert finished.returncode == 0, finished.stderr
    assert "WARNING pdfminer.pdffont [doc -] Could not get FontBBox" in finished.stderr


def test_scans_defaults_found_from_repository() -> None:
    from docmatch.eval.scan_command import DEFAULT_DEMO, DEFAULT_EXPECTED

    assert DEFAULT_DEMO == REPO / "fixtures" / "demo" / "documents"
    assert DEFAULT_EXPECTED == REPO / "fixtures" / "corpus"


@pytest.mark.parametrize(("option", "contents"), [("--documents", "born-digital PDFs"), ("--corpus", "a manifest.csv")])
def test_scans_missing_folder_names_option(run_cli: Callable[..., CliRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str, contents: str) -> None:
    monkeypatch.chdir(tmp_path)

    run = run_cli("eval", "scans", option, "no-such-folder")

    assert run.code == 2
    assert f"Invalid value for {option}: no-such-folder does not exist; pass {option} FOLDER, a folder with {contents}" in run.err
