"""Extract one file: open it, read its words page by page, then fields and lines."""

from __future__ import annotations

import logging
from pathlib import Path

from docmatch.errors import EncryptedDocument, ExtractionError, UnreadableDocument
from docmatch.extractors.classify import classify
from docmatch.extractors.fields import is_party_name
from docmatch.extractors.addresses import read_addresses
from docmatch.extractors.header import HeaderHints, read_header
from docmatch.extractors.lines import read_lines
from docmatch.extractors.pdfpages import read_pdf_pages
from docmatch.extractors.rows import build_rows
from docmatch.extractors.sections import own_rows
from docmatch.extractors.separators import settle_ambiguous_numbers
from docmatch.extractors.sniff import sniff_file
from docmatch.extractors.words import PageWords
from docmatch.models import ExtractedField, Extraction, FieldFlag
from docmatch.settings import Settings, get_settings

log = logging.getLogger(__name__)

# Fields that name a party; a label, a date or an amount read into one is dropped.
PARTY_FIELDS = ("vendor_name", "customer_name", "carrier")
# Documents that record movements of goods and print no prices.
UNPRICED_TYPES = frozenset({"delivery_note", "bill_of_lading", "proof_of_delivery"})

__all__ = ["EncryptedDocument", "HeaderHints", "UnreadableDocument", "extract_file", "extract_pages"]


def extract_file(path: str | Path, *, settings: Settings | None = None, hints: HeaderHints | None = None, use_embedded: bool = True) -> Extraction:
    """Return the extraction of the PDF or image at `path`.

    `hints` carries what a vendor profile states (date order, currency); `use_embedded`
    turns the comparison with embedded e-invoice XML on or off.

    Raises:
        UnreadableDocument: the file is empty, corrupt or of an unsupported type.
        EncryptedDocument: the PDF needs a user password.
        ExtractionError: the words were read but reading fields and lines failed.
    """
    settings = settings or get_settings()
    path = Path(path)
    log.info("extraction started")

    # Identify the file by its first bytes, not by its name.
    kind = sniff_file(path)

    # Read the words of every page, from the text layer or by OCR.
    if kind == "pdf":
        pages, warnings = read_pdf_pages(path, settings=settings)
    else:
        pages, warnings = _read_image(path, settings=settings)

    # Read type, header fields and line items from the words.
    try:
        extraction = extract_pages(pages, hints=hints, low_confidence=settings.low_confidence)
    except Exception as exc:  # noqa: BLE001 - a layout the rules trip over must not end the batch
        log.exception("reading fields and lines failed")
        raise ExtractionError(f"{path.name}: reading fields and lines failed ({type(exc).__name__})", hint="report the file to the docmatch maintainers; the words were read, the rules failed") from exc
    extraction.warnings[:0] = warnings

    # Compare with the e-invoice XML embedded in the PDF, if any.
    if kind == "pdf" and use_embedded:
        _attach_embedded(path, extraction)

    log.info("extraction finished: %s, %d fields, %d lines", extraction.doc_type, len(extraction.fields), len(extraction.lines))
    return extraction


def extract_pages(pages: list[PageWords], *, hints: HeaderHints | None = None, low_confidence: float = 0.6) -> Extraction:
    """Return the extraction of already positioned words; both the text and the OCR path end here."""
    rows = [row for page in pages for row in build_rows(page)]
    method = _method(pages)
    if not rows:
        return Extraction(doc_type="unknown", pages=len(pages), method=method, warnings=["no words could be read from the document"])

    # Which kind of document, in which language.
    classification = classify(rows)

    # Only this document's rows, when another document is printed below it on the page.
    rows, other_title = own_rows(rows, classification.doc_type)

    # The line-item table first, so that its rows are not read as header fields.
    ocr_pages = frozenset(page.number for page in pages if page.source == "ocr")
    table = read_lines(rows, priced=classification.doc_type not in UNPRICED_TYPES, ocr_pages=ocr_pages)

    # Header fields around the table.
    fields = read_header(rows, table_rows=table.table_rows, doc_type=classification.doc_type, language=classification.language, hints=hints)
    _drop_non_names(fields)

    addresses = read_addresses(rows, table_rows=table.table_rows)

    extraction = Extraction(
        doc_type=classification.doc_type, fields=fields, lines=table.lines, addresses=addresses, warnings=table.warnings, pages=len(pages), method=method,
    )
    if other_title is not None:
        extraction.warnings.append(f"page {other_title.page} prints another document from its title '{other_title.text}' down; those rows were not read")
    if not extraction.lines and classification.doc_type != "unknown":
        # Every supported document lists goods; none read means a reading problem, not an empty document.
        extraction.warnings.append("no line items could be read; compare the lines by hand")
    if classification.self_billed:
        # TODO: the letterhead of a self-billed invoice is the buyer's. Without a party
        # label it is still read as the vendor until read_header takes the issuer's role.
        extraction.warnings.append("the page names self-billing: read as an invoice that the buyer issued for the seller")
    _mark_ocr_fields(extraction, pages)
    # "3,500" read both ways is settled once lines and totals can be checked together.
    settle_ambiguous_numbers(extraction, rows, settled_marks=table.settled_marks)
    _check_lines_against_net(extraction)
    _flag_low_confidence(extraction, low_confidence)
    return extraction


def _drop_non_names(fields: dict[str, ExtractedField]) -> None:
    """Empty a party field that contains a label, a date, an amount or punctuation.

    Labelled names are checked as they are read, and the next candidate is taken. The
    letterhead and the sender line have no next candidate, so the field is left null
    for the embedded XML, the matcher or a reviewer.
    """
    for name in PARTY_FIELDS:
        field = fields.get(name)
        if field is None or not isinstance(field.value, str) or is_party_name(field.value):
            continue
        log.debug("%s dropped: the text read is not a name", name)
        fields[name] = ExtractedField(value=None, confidence=0.0)


def _mark_ocr_fields(extraction: Extraction, pages: list[PageWords]) -> None:
    """Set `source="ocr"` on the fields read from OCR'd pages, so reviewers can tell them apart."""
    ocr_pages = {page.number for page in pages if page.source == "ocr"}
    for field in extraction.fields.values():
        if field.page in ocr_pages:
            field.source = "ocr"


def _method(pages: list[PageWords]) -> str:
    sources = {page.source for page in pages if page.words}
    if not sources:
        return "none"
    return sources.pop() if len(sources) == 1 else "mixed"


def _read_image(path: Path, *, settings: Settings) -> tuple[list[PageWords], list[str]]:
    from docmatch.extractors.ocr import ocr_image_file

    try:
        return ocr_image_file(path, settings=settings), []
    except NotImplementedError:
        raise UnreadableDocument("images need OCR, which this installation cannot run yet") from None


def _attach_embedded(path: Path, extraction: Extraction) -> None:
    from docmatch.extractors.einvoice import read_embedded_xml, reconcile

    embedded, warnings = read_embedded_xml(path)
    extraction.warnings.extend(warnings)
    if embedded is None:
        return
    extraction.embedded = embedded
    reconcile(extraction, embedded)
    _prefer_embedded_type(extraction, embedded)


def _prefer_embedded_type(extraction: Extraction, embedded: Extraction) -> None:
    """Take the document type of the embedded XML of this document, which is the legal invoice.

    The printed title can mislead: "Gutschrift" is a credit note and also a self-billed
    invoice (type code 389). XML for another document (neither its number nor its
    total agree with the page) changes nothing.
    """
    from docmatch.extractors.einvoice import describes_same_document

    if embedded.doc_type in {"unknown", extraction.doc_type} or not describes_same_document(extraction, embedded):
        return
    extraction.warnings.append(f"the page reads as {extraction.doc_type}, the embedded XML states {embedded.doc_type}; the XML's type is used")
    log.info("document type taken from the embedded XML")
    extraction.doc_type = embedded.doc_type


def _check_lines_against_net(extraction: Extraction) -> None:
    """Lines must sum to the printed net; flag the net when they do not."""
    net = extraction.fields.get("net")
    amounts = [line.amount for line in extraction.lines]
    if net is None or net.value is None or not amounts or any(amount is None for amount in amounts):
        return
    total = round(sum(amounts), 2)  # type: ignore[arg-type]
    if abs(total - float(net.value)) > 0.011:
        extraction.warnings.append(f"line amounts sum to {total:.2f}, the printed net is {float(net.value):.2f}")
        net.flags = sorted({*net.flags, FieldFlag.ARITHMETIC_FAILED.value})


def _flag_low_confidence(extraction: Extraction, threshold: float) -> None:
    for field in extraction.fields.values():
        if field.value is not None and field.confidence < threshold and FieldFlag.LOW_CONFIDENCE.value not in field.flags:
            field.flags = sorted({*field.flags, FieldFlag.LOW_CONFIDENCE.value})
    for line in extraction.lines:
        if line.confidence < threshold and FieldFlag.LOW_CONFIDENCE.value not in line.flags:
            line.flags = sorted({*line.flags, FieldFlag.LOW_CONFIDENCE.value})
