"""Files that cannot be read give a clear message and a case, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from docmatch.errors import EncryptedDocument, InputError, UnreadableDocument
from docmatch.extractors import extract_file
from docmatch.models import Document, FindingKind, MatchResult
from docmatch.pipeline import extract_stage, rules_stage


def _bad_files(folder: Path, built: Path) -> dict[str, Path]:
    good = (built / "ligatures.pdf").read_bytes()
    files = {
        "empty.pdf": b"",
        "notes.pdf": b"These are meeting notes, not a PDF.\n",
        "truncated.pdf": good[: len(good) // 3],
        "garbage.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 8,
    }
    paths = {}
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    paths["protected-user.pdf"] = built / "protected-user.pdf"
    return paths


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("empty.pdf", UnreadableDocument, "empty"),
        ("notes.pdf", UnreadableDocument, "notes.pdf is plain text, not a PDF, PNG, JPEG or TIFF file"),
        ("truncated.pdf", UnreadableDocument, "not a readable PDF"),
        ("garbage.pdf", UnreadableDocument, "not a readable PDF"),
        ("protected-user.pdf", EncryptedDocument, "password"),
    ],
)
def test_bad_input_raises_clear_error(tmp_path: Path, built: Path, name: str, error: type, message: str) -> None:
    path = _bad_files(tmp_path, built)[name]

    with pytest.raises(error) as caught:
        extract_file(path)

    assert message in caught.value.message
    assert caught.value.hint


@pytest.mark.parametrize("name", ["empty.pdf", "notes.pdf", "truncated.pdf", "protected-user.pdf"])
def test_unreadable_document_gives_extraction_failed(tmp_path: Path, built: Path, name: str) -> None:
    path = _bad_files(tmp_path, built)[name]
    document = Document(sha256="0" * 64, filename=name, path=str(path))

    # Only the extraction step runs: an unreadable document never reaches Odoo or the rules.
    context = SimpleNamespace(extractor=extract_file, settings=None)

    extraction = extract_stage(document, context)  # type: ignore[arg-type]
    findings = rules_stage(extraction, MatchResult(), context)  # type: ignore[arg-type]

    assert [finding.kind for finding in findings] == [FindingKind.EXTRACTION_FAILED]
    assert findings[0].evidence["reason"]


def test_cli_prints_reason_not_traceback(tmp_path: Path, built: Path) -> None:
    paths = _bad_files(tmp_path, built)

    for name in ("empty.pdf", "protected-user.pdf"):
        result = subprocess.run([sys.executable, "-m", "docmatch", "extract", str(paths[name])], capture_output=True, text=True, timeout=60)

        assert result.returncode == InputError.exit_code
        assert result.stderr.startswith("error: ")
        assert "hint: " in result.stderr
        assert "Traceback" not in result.stderr
