"""Finding documents inside messages: containers, inline parts, encoded names, decorations."""

from __future__ import annotations

import unicodedata

import pytest
from tests.intake.builders import (
    apple_mail_inline,
    build_tnef,
    forwarded,
    mail_with_pdfs,
    mail_with_rfc2047_name,
    mail_with_rfc2231_split_name,
    mail_with_tnef,
    make_image,
    make_pdf,
    new_message,
)

from docmatch.ingest.mime import find_attachments, parse_message
from docmatch.ingest.quarantine import safe_filename

LIEFERSCHEIN = "Lieferschein äöü ß 2024.pdf"


def test_winmail_dat_is_unpacked_and_only_the_invoice_is_taken() -> None:
    """GIVEN an Outlook mail whose only attachment is winmail.dat holding INV-7301.pdf and logo.png
    WHEN its attachments are listed
    THEN the two-page PDF comes out under its original name; the logo and the container do not."""
    invoice = make_pdf("INV-7301", pages=2)
    tnef = build_tnef([("INV-7301.pdf", invoice, None), ("logo.png", make_image(seed=7), "image001.png@01D9")])

    contents = find_attachments(parse_message(mail_with_tnef(tnef)))

    assert [(item.filename, item.content, item.origin) for item in contents.attachments] == [("INV-7301.pdf", invoice, "tnef")]
    assert [name for name, _ in contents.skipped] == ["logo.png"]
    assert contents.problems == []


def test_undecodable_winmail_dat_is_reported_not_dropped() -> None:
    """GIVEN a winmail.dat that is not TNEF at all
    WHEN its attachments are listed
    THEN nothing is taken and the container is reported as unsupported."""
    contents = find_attachments(parse_message(mail_with_tnef(b"\x00garbage" * 20)))

    assert contents.attachments == []
    assert [problem.filename for problem, _ in contents.problems] == ["winmail.dat"]
    assert contents.problem_reasons[0].startswith("unsupported or damaged container winmail.dat")


def test_apple_mail_inline_pdf_is_taken_and_inline_images_are_not() -> None:
    """GIVEN Apple Mail's shape: an inline PDF without Content-ID and two inline images with one
    WHEN its attachments are listed
    THEN BOL-55120.pdf is the only document; both images are skipped as body images."""
    pdf = make_pdf("BOL-55120")
    raw = apple_mail_inline(pdf, make_image("PNG", seed=2), make_image("JPEG", size=(400, 200), seed=3))

    contents = find_attachments(parse_message(raw))

    assert [(item.filename, item.content) for item in contents.attachments] == [("BOL-55120.pdf", pdf)]
    assert sorted(name for name, _ in contents.skipped) == ["banner.jpg", "logo.png"]


def test_scanned_image_attachment_without_content_id_is_taken() -> None:
    """A photo of a delivery note attached as a file is a document, not a decoration."""
    message = new_message()
    photo = make_image("JPEG", size=(400, 300), seed=4)
    message.add_attachment(photo, maintype="image", subtype="jpeg", filename="delivery-note.jpg")

    contents = find_attachments(parse_message(message.as_bytes()))

    assert [item.filename for item in contents.attachments] == ["delivery-note.jpg"]


@pytest.mark.parametrize("build", [mail_with_rfc2231_split_name, mail_with_rfc2047_name], ids=["rfc2231-split", "rfc2047"])
def test_encoded_nfd_file_name_becomes_the_same_nfc_name(build) -> None:  # type: ignore[no-untyped-def]
    """GIVEN 'Lieferschein äöü ß 2024.pdf' in NFD, split over two RFC 2231 segments or as RFC 2047
    WHEN its attachments are listed
    THEN both give the NFC name with its .pdf extension, and the name is safe as it is."""
    pdf = make_pdf("Lieferschein")

    contents = find_attachments(parse_message(build(LIEFERSCHEIN, pdf)))

    [attachment] = contents.attachments
    assert attachment.filename == unicodedata.normalize("NFC", LIEFERSCHEIN)
    assert unicodedata.is_normalized("NFC", attachment.filename)
    assert safe_filename(attachment.filename) == attachment.filename
    assert attachment.content == pdf


def test_attachments_of_a_forwarded_message_are_taken() -> None:
    inner = mail_with_pdfs(("PO-1.pdf", make_pdf("PO-1")), ("PO-2.pdf", make_pdf("PO-2")))

    contents = find_attachments(parse_message(forwarded(inner)))

    assert [(item.filename, item.origin) for item in contents.attachments] == [("PO-1.pdf", "forwarded"), ("PO-2.pdf", "forwarded")]


def test_pdf_without_a_name_gets_one_from_its_bytes() -> None:
    message = new_message()
    message.add_attachment(make_pdf("X"), maintype="application", subtype="octet-stream")

    contents = find_attachments(parse_message(message.as_bytes()))

    assert [item.filename for item in contents.attachments] == ["attachment-1.pdf"]


def test_text_bodies_and_signatures_are_not_attachments() -> None:
    message = new_message()
    message.add_alternative("<p>Hello</p>", subtype="html")
    message.add_attachment(b"-----BEGIN PGP SIGNATURE-----", maintype="application", subtype="pgp-signature", filename="signature.asc")

    contents = find_attachments(parse_message(message.as_bytes()))

    assert contents.attachments == []
    assert contents.skipped == [("signature.asc", "message signature")]


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("in/voice.pdf", "in_voice.pdf"),
        ("a\x00b\x1f.pdf", "a_b_.pdf"),
        ("..hidden.pdf", "hidden.pdf"),
        ("   ", "document"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


def test_photo_sized_inline_image_is_taken_despite_content_id() -> None:
    """Phones put photographed delivery notes inline with a Content-ID; a page-sized image is kept."""
    message = new_message()
    message.add_alternative("<p><img src='cid:photo@x'></p>", subtype="html")
    photo = make_image("PNG", size=(400, 400), seed=5)
    message.get_payload()[1].add_related(photo, maintype="image", subtype="png", cid="<photo@x>", filename="IMG_0042.png")

    contents = find_attachments(parse_message(message.as_bytes()))

    assert len(photo) > 400 * 1024
    assert [item.filename for item in contents.attachments] == ["IMG_0042.png"]


def test_too_deep_nesting_is_reported() -> None:
    from docmatch.ingest.mime import MAX_DEPTH

    raw = mail_with_pdfs(("deep.pdf", make_pdf("deep")))
    for _ in range(MAX_DEPTH + 1):
        raw = forwarded(raw)

    contents = find_attachments(parse_message(raw))

    assert contents.attachments == []
    assert contents.problems == []
    assert contents.problem_reasons == ["message nested too deeply; inner parts not read"]


def damaged_tnef_variants() -> dict[str, bytes]:
    whole = build_tnef([("INV-7302.pdf", make_pdf("INV-7302", padding=3000), None)])
    return {
        "garbage after the signature": whole[:6] + b"\x17\x42 not an attribute " * 40,
        "truncated inside the PDF": whole[: len(whole) // 2],
        "bytes after the last attribute": whole + b"trailing junk",
        "signature only": whole[:6],
        "checksum wrong": whole[:-1] + bytes([whole[-1] ^ 0xFF]),
    }


@pytest.mark.parametrize("variant", list(damaged_tnef_variants()))
def test_damaged_tnef_takes_nothing(variant: str) -> None:
    """GIVEN a winmail.dat with a valid TNEF signature whose stream is damaged
    WHEN its attachments are listed
    THEN no part of it is taken, and the container is a problem with the damage named."""
    tnef = damaged_tnef_variants()[variant]

    contents = find_attachments(parse_message(mail_with_tnef(tnef)))

    assert contents.attachments == []
    assert [problem.content for problem, _ in contents.problems] == [tnef]
    assert contents.problem_reasons[0].startswith("unsupported or damaged container winmail.dat: ")


def test_whole_tnef_has_no_damage() -> None:
    from docmatch.ingest.mime import tnef_damage

    tnef = build_tnef([("INV-7301.pdf", make_pdf("INV-7301"), None), ("logo.png", make_image(seed=7), "image001.png@01D9")])

    assert tnef_damage(tnef) is None


def test_truncated_tnef_names_the_attribute() -> None:
    from docmatch.ingest.mime import tnef_damage

    whole = build_tnef([("INV-7302.pdf", make_pdf("INV-7302", padding=3000), None)])

    assert "is truncated" in (tnef_damage(whole[: len(whole) // 2]) or "")


def forward_without_boundaries() -> bytes:
    """A forwarded message whose own multipart lost its boundary lines, with a PDF inside."""
    return (
        b"From: ap@example.com\nTo: invoices@example.com\nSubject: Fwd: invoice\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="OUTER"\n\n'
        b"--OUTER\nContent-Type: text/plain\n\nsee attached\n"
        b"--OUTER\nContent-Type: message/rfc822\n\n"
        b'From: vendor@example.com\nSubject: invoice\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="INNER"\n\n'
        b'Content-Type: application/pdf; name="inv.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n'
        b"--OUTER--\n"
    )


def test_multipart_without_boundaries_is_kept_whole() -> None:
    contents = find_attachments(parse_message(forward_without_boundaries()))

    assert contents.attachments == []
    [(problem, reason)] = contents.problems
    assert problem.filename == "damaged-part.eml"
    assert b"JVBERi0xLjQK" in problem.content
    assert reason == "damaged MIME structure (StartBoundaryNotFoundDefect): its attachments could not be separated"
