"""The intake desk: one document per content, every arrival kept, bad input quarantined."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.intake.builders import make_image, make_pdf

from docmatch.ingest.ledger import QuarantineRecord
from docmatch.ingest.quarantine import inspect
from docmatch.ingest.registry import content_hash, stored_path


def test_same_file_from_two_channels_is_one_document_with_two_arrivals(intake) -> None:  # type: ignore[no-untyped-def]
    """GIVEN one PDF that arrives by mail and again by the SFTP drop
    WHEN both arrivals are received
    THEN there is one document, stored once under its hash, with both arrivals, dispatched once."""
    pdf = make_pdf("INV-1")

    first = intake.receive(pdf, filename="INV-1.pdf", channel="imap", source="ap/INBOX/1/7")
    second = intake.receive(pdf, filename="invoice copy.pdf", channel="sftp", source="partner:/inbound/INV-1.pdf")

    assert (first.outcome, second.outcome) == ("new", "known")
    assert first.document_id == second.document_id
    assert [(a.channel, a.filename) for a in intake.arrivals()] == [("imap", "INV-1.pdf"), ("sftp", "invoice copy.pdf")]
    assert len(intake.documents()) == 1
    assert intake.dispatched == [first.document_id]
    digest = content_hash(pdf)
    assert stored_path(intake.settings.data_dir, digest) == intake.settings.data_dir / "documents" / digest[:2] / digest
    assert stored_path(intake.settings.data_dir, digest).read_bytes() == pdf


@pytest.mark.parametrize(
    ("content", "filename", "reason"),
    [
        (b"", "empty.pdf", "empty file"),
        (b"MZ\x90\x00" + b"\x00" * 200, "invoice.pdf", "executable content (Windows program) named .pdf"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "invoice.pdf", "executable content (Linux program) named .pdf"),
        (b"PK\x03\x04" + b"\x00" * 200, "invoices.zip", "archive (zip) named .zip"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 200, "invoices.pdf.gz", "archive (gzip) named .gz"),
        (b"%PDF-1.4 fine", "../../etc/cron.d/invoice.pdf", "path traversal in file name"),
        (b"%PDF-1.4 fine", "C:\\Windows\\invoice.pdf", "path traversal in file name"),
        (b"hello", "notes.txt", "content is plain text, not a PDF, PNG, JPEG or TIFF file"),
        (b"Invoice 4711 total 12.00", "fake.pdf", "content is plain text, not a PDF, PNG, JPEG or TIFF file, although the name ends in .pdf"),
        (b"<!DOCTYPE html><p>login</p>", "scan.JPG", "content is an HTML page, not a PDF, PNG, JPEG or TIFF file, although the name ends in .JPG"),
        (b"GIF89a" + b"\x00" * 40, "logo.gif", "content is a GIF image, not a PDF, PNG, JPEG or TIFF file"),
    ],
)
def test_bad_input_is_quarantined_with_a_reason_and_intake_goes_on(intake, content: bytes, filename: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    received = intake.receive(content, filename=filename, channel="upload", source="test")
    after = intake.receive(make_pdf("next"), filename="next.pdf", channel="upload", source="test")

    assert (received.outcome, received.reason) == ("quarantined", reason)
    assert after.outcome == "new"
    assert intake.count(QuarantineRecord) == 1
    assert len(intake.documents()) == 1
    if content:
        kept = Path(intake.settings.data_dir) / "quarantine" / content_hash(content)
        assert kept.read_bytes() == content
        assert kept.stat().st_mode & 0o111 == 0


def test_unreadable_content_reason_never_quotes_the_bytes() -> None:
    """GIVEN a text file named .pdf whose words could be personal data
    WHEN intake inspects it
    THEN the reason names the kind of content and none of its words."""
    verdict = inspect(b"Dear Ms Jane Roe, your password is hunter2", filename="statement.pdf")

    assert not verdict.accepted
    assert verdict.reason == "content is plain text, not a PDF, PNG, JPEG or TIFF file, although the name ends in .pdf"
    assert "hunter2" not in (verdict.reason or "")


def test_images_and_pdfs_are_accepted_by_their_bytes_not_their_names() -> None:
    assert inspect(make_image("PNG"), filename="scan.pdf").media_type == "image/png"
    assert inspect(make_image("PNG"), filename="scan.pdf").accepted
    assert inspect(make_pdf("x"), filename="no-extension").accepted


def test_a_pipeline_failure_keeps_the_document_and_the_intake_going(intake) -> None:  # type: ignore[no-untyped-def]
    def broken(document, document_id):  # type: ignore[no-untyped-def]
        raise RuntimeError("Odoo is down")

    intake.dispatch = broken

    first = intake.receive(make_pdf("a"), filename="a.pdf", channel="upload", source="test")
    second = intake.receive(make_pdf("b"), filename="b.pdf", channel="upload", source="test")

    assert (first.outcome, second.outcome) == ("new", "new")
    assert [row.state for row in intake.documents()] == ["received", "received"]
