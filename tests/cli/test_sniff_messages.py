"""A file that is not a document is named by its kind, and its content never reaches the log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from docmatch.errors import UnreadableDocument
from docmatch.extractors.sniff import describe_content, sniff_file
from tests.cli.conftest import CliRun


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"hello world\n", "plain text"),
        ("Grüße aus Köln\n".encode("cp1252"), "plain text"),
        ("Grüße".encode() * 300, "plain text"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", "an HTML page"),
        (b"  <html lang='en'>", "an HTML page"),
        (b"<?xml version='1.0'?><Invoice/>", "an XML file"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive (Word, Excel and OpenDocument files are ZIP archives too)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "an older Microsoft Office file (.doc or .xls)"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "a WebP image"),
        (bytes(range(256)), "binary data of an unknown type"),
    ],
)
def test_content_kind_named(head: bytes, expected: str) -> None:
    assert describe_content(head) == expected


def test_text_file_named_pdf_logs_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a text file renamed .pdf WHEN sniffed THEN the error names plain text and no record contains its bytes."""
    path = tmp_path / "text.pdf"
    path.write_bytes(b"hello, this is not a PDF\n")
    caplog.set_level(logging.DEBUG)

    with pytest.raises(UnreadableDocument) as raised:
        sniff_file(path)

    assert raised.value.message == "text.pdf is plain text, not a PDF, PNG, JPEG or TIFF file"
    assert caplog.records == []


def test_extract_text_file_says_kind_once(run_cli: Callable[..., CliRun], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "text.pdf"
    path.write_bytes(b"hello, this is not a PDF\n")

    run = run_cli("extract", str(path))

    assert run.code == 3
    assert run.err.count("plain text") == 1
    assert "error: text.pdf is plain text, not a PDF, PNG, JPEG or TIFF file" in run.err
    assert "68656c6c" not in run.err
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
