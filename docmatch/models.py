"""Typed records that cross pipeline stages.

The pipeline moves one document through five records, each produced by one stage:

    Document    intake: the file, its content hash and every arrival of it
    Extraction  extractors: document type, header fields and line items, each with
                confidence, page and bounding box
    MatchResult matchers: the Odoo records the document refers to and the pairing of
                its lines with order lines
    Finding     rules: one difference that a tolerance did not absorb
    Case        reporting: a document with its findings, ready for a reviewer

Document values and Odoo values sit side by side in findings; nothing here overwrites
either. `Extraction` and `Case` serialise to the public JSON contracts described in the
README, so renaming a field here is a breaking change.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DocType = Literal[
    "invoice",
    "credit_note",
    "purchase_order",
    "bill_of_lading",
    "proof_of_delivery",
    "delivery_note",
    "receipt",
    "unknown",
]
DOC_TYPES: tuple[str, ...] = DocType.__args__  # type: ignore[attr-defined]

# x0, top, x1, bottom in PDF points (1/72 inch), origin at the top left of the page,
# as pdfplumber reports word positions. OCR boxes are converted to the same space.
BBox = tuple[float, float, float, float]

Scalar = str | float | int | None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return ("low", "medium", "high").index(self.value)


class FindingKind(StrEnum):
    ORDER_NOT_FOUND = "order_not_found"
    PARTNER_MISMATCH = "partner_mismatch"
    CURRENCY_MISMATCH = "currency_mismatch"
    DUPLICATE_DOCUMENT = "duplicate_document"
    UNKNOWN_PRODUCT = "unknown_product"
    LINE_NOT_ON_ORDER = "line_not_on_order"
    LINE_MISSING = "line_missing"
    QUANTITY_MISMATCH = "quantity_mismatch"
    PRICE_MISMATCH = "price_mismatch"
    UOM_MISMATCH = "uom_mismatch"
    BILLED_EXCEEDS_RECEIVED = "billed_exceeds_received"
    TOTAL_MISMATCH = "total_mismatch"
    TAX_MISMATCH = "tax_mismatch"
    DATE_OUT_OF_WINDOW = "date_out_of_window"
    DAMAGED_GOODS = "damaged_goods"
    NEEDS_REVIEW = "needs_review"
    EXTRACTION_FAILED = "extraction_failed"


class FieldFlag(StrEnum):
    """Reasons a value must not be trusted without a human look."""

    AMBIGUOUS = "ambiguous"
    LOW_CONFIDENCE = "low_confidence"
    XML_DISAGREES = "xml_disagrees"
    ARITHMETIC_FAILED = "arithmetic_failed"
    OCR_CONFUSABLE = "ocr_confusable"
    REPLACEMENT_CHARACTER = "replacement_character"
    # The document does not state the value (a currency), and none is assumed.
    NOT_FOUND = "not_found"


# --- intake ---------------------------------------------------------------------------


class Arrival(BaseModel):
    """One time a file reached docmatch; the same file may arrive many times."""

    channel: Literal["folder", "imap", "sftp", "odoo_documents", "upload", "cli"]
    source: str = Field(description="Channel-specific reference: path, mailbox UID, remote path or record id.")
    received_at: datetime = Field(default_factory=utcnow)
    filename: str


class Document(BaseModel):
    """A file identified by its content; arrivals record where and when it came in."""

    sha256: str
    filename: str
    media_type: str = "application/octet-stream"
    size: int = 0
    path: str | None = Field(default=None, description="Where the stored copy of the file lives.")
    arrivals: list[Arrival] = []


# --- extraction -----------------------------------------------------------------------


class ExtractedField(BaseModel):
    """One header value as read from the document."""

    value: Scalar = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    page: int | None = Field(default=None, ge=1, description="1-based page number.")
    bbox: BBox | None = None
    flags: list[str] = []
    source: Literal["text", "ocr", "xml"] = "text"
    # Readings that stayed possible when the value was ambiguous, for the reviewer.
    alternatives: list[Scalar] = []


class ExtractedLine(BaseModel):
    """One line item; quantities are in the printed unit `uom`, never converted here."""

    model_config = ConfigDict(extra="allow")

    position: int | None = None
    code: str | None = None
    description: str | None = None
    quantity: float | None = None
    uom: str | None = None
    unit_price: float | None = None
    amount: float | None = None
    # Logistics documents report what moved rather than what was ordered.
    shipped_quantity: float | None = None
    received_quantity: float | None = None
    damaged_quantity: float | None = None
    remark: str | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    page: int | None = Field(default=None, ge=1)
    bbox: BBox | None = None
    flags: list[str] = []


class PrintedAddress(BaseModel):
    """A postal address printed in the header; whose it is, matching decides."""

    street: str | None = None
    postcode: str
    city: str | None = None
    page: int | None = Field(default=None, ge=1, description="1-based page number.")
    bbox: BBox | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)


class Extraction(BaseModel):
    """The public extraction contract printed by `docmatch extract --json`."""

    doc_type: DocType = "unknown"
    fields: dict[str, ExtractedField] = {}
    lines: list[ExtractedLine] = []
    addresses: list[PrintedAddress] = []
    warnings: list[str] = []
    pages: int = 0
    method: Literal["text", "ocr", "mixed", "none"] = "none"
    # Values read from embedded Factur-X / ZUGFeRD / XRechnung / Order-X XML, kept apart
    # from the printed page, which stays the primary source.
    embedded: Extraction | None = None

    def value(self, name: str) -> Scalar:
        field = self.fields.get(name)
        return field.value if field else None

    def contract(self) -> dict[str, Any]:
        """Return the JSON-ready dict of the public extraction contract."""
        return self.model_dump(mode="json", exclude_none=False)


# --- matching -------------------------------------------------------------------------


class OdooRef(BaseModel):
    model: str
    id: int
    name: str


class LinePair(BaseModel):
    """A document line paired with an Odoo order line, or left unpaired."""

    document_line: int | None = Field(description="0-based index into Extraction.lines, or None.")
    odoo_line: OdooRef | None = None
    order: OdooRef | None = None
    product: OdooRef | None = None
    method: str | None = Field(default=None, description="What decided the pairing: vendor_code, default_code, barcode, description, learned.")
    score: float = 0.0
    runner_up_score: float | None = None
    # Quantities converted to the product's base unit of measure, with how.
    document_quantity_base: float | None = None
    odoo_quantity_base: float | None = None
    conversion: str | None = None
    # The Odoo line as a reviewer reads it, copied from the catalog after matching so
    # that stored cases can be shown without asking Odoo again.
    odoo_description: str | None = None
    odoo_quantity: float | None = None
    odoo_uom: str | None = None
    odoo_price_unit: float | None = None
    odoo_qty_moved: float | None = Field(default=None, description="Received (purchase) or delivered (sale) quantity, in odoo_uom.")
    # Why the pairing needs a person: "ambiguous", "unknown_product", "not_on_order",
    # "unknown_unit" or "incompatible_unit"; "not_an_item" for text read as a line;
    # None when the pair stands.
    issue: str | None = None
    candidates: list[OdooRef] = Field(default=[], description="Products or lines that were too close to tell apart.")
    unit_factor: float | None = Field(default=None, description="Product base units in one printed unit of the document line.")


class MatchResult(BaseModel):
    """What a document refers to in Odoo and how its lines pair with order lines."""

    partner: OdooRef | None = None
    records: list[OdooRef] = Field(default=[], description="Orders, pickings or bills the document refers to.")
    references_found: list[str] = []
    pairs: list[LinePair] = []
    unpaired_document_lines: list[int] = []
    unpaired_odoo_lines: list[OdooRef] = []
    notes: list[str] = []
    # Records a reference resolved to that belong to another partner: never matched.
    foreign_records: list[OdooRef] = []
    partner_method: str | None = Field(default=None, description="What identified the partner: vat, name, email_domain, vendor_codes, reference, order_content.")
    unresolved_references: list[str] = []


# --- rules ----------------------------------------------------------------------------


class Finding(BaseModel):
    """A difference between the document and Odoo that a tolerance did not absorb."""

    kind: FindingKind
    severity: Severity
    rule: str = Field(description="Name of the rule that decided, as in the rules file.")
    tolerance: str | None = Field(default=None, description="The tolerance that applied, in words.")
    line: int | None = Field(default=None, description="1-based line position on the document.")
    document_value: Scalar = None
    odoo_value: Scalar = None
    message: str
    evidence: dict[str, Any] = {}


# --- reporting ------------------------------------------------------------------------


class CaseDocument(BaseModel):
    sha256: str
    filename: str
    doc_type: DocType = "unknown"


class ExplanationRecord(BaseModel):
    """Who wrote the explanation and, for an LLM, the audit trail of the call."""

    source: Literal["template", "llm"] = "template"
    provider: str | None = None
    model: str | None = None
    prompt_sha256: str | None = None
    outcome: Literal["accepted", "rejected", "fallback", "template", "cached"] = "template"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: float | None = None
    reason: str | None = None
    # Optional, so that cases stored before these fields existed still validate.
    cached: bool = Field(default=False, description="The reply came from the explanation cache: no request was sent.")
    attempts: int | None = Field(default=None, description="Requests sent for this explanation, retries included.")
    finish_reason: str | None = None
    redactions: int | None = Field(default=None, description="Personal data items replaced before the request left the machine.")


class Case(BaseModel):
    """The public case contract printed by `docmatch process --json`."""

    document: CaseDocument
    matched: list[OdooRef] = []
    partner: OdooRef | None = Field(default=None, description="The Odoo partner the document was matched to, as context for the explanation.")
    findings: list[Finding] = []
    explanation: str = ""
    explanation_record: ExplanationRecord = ExplanationRecord()
    opens_ticket: bool = False
    ticket: OdooRef | None = None
    notes: list[str] = Field(default=[], description="Where matching did not read the document literally: a reference read without its suffix, a partner found by its address.")

    @property
    def max_severity(self) -> Severity | None:
        if not self.findings:
            return None
        return max((finding.severity for finding in self.findings), key=lambda s: s.rank)
