"""Build the evidence view of one case: page boxes, fields, findings and line pairing.

Everything here is computed from stored records; the template only lays it out. Boxes
are given in percent of the page so that the page image can be zoomed freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docmatch.models import ExtractedField, ExtractedLine, Finding, FindingKind, LinePair
from docmatch.web.repository import CaseRecord, CaseRepository

# Document cell each line finding points at; the whole row is marked for the others.
_LINE_CELL = {
    FindingKind.QUANTITY_MISMATCH: "quantity",
    FindingKind.PRICE_MISMATCH: "unit_price",
    FindingKind.UOM_MISMATCH: "uom",
    FindingKind.BILLED_EXCEEDS_RECEIVED: "quantity",
    FindingKind.DAMAGED_GOODS: "quantity",
    FindingKind.UNKNOWN_PRODUCT: "code",
}
# Odoo cell of the pairing row each of those findings points at.
_ODOO_CELL = {
    FindingKind.QUANTITY_MISMATCH: "quantity",
    FindingKind.PRICE_MISMATCH: "price_unit",
    FindingKind.UOM_MISMATCH: "uom",
    FindingKind.BILLED_EXCEEDS_RECEIVED: "moved",
    FindingKind.DAMAGED_GOODS: "moved",
}
# Header field each document-level finding points at.
_FIELD_OF_KIND = {
    FindingKind.TOTAL_MISMATCH: "total",
    FindingKind.TAX_MISMATCH: "tax",
    FindingKind.CURRENCY_MISMATCH: "currency",
    FindingKind.DATE_OUT_OF_WINDOW: "date",
    FindingKind.DUPLICATE_DOCUMENT: "number",
    FindingKind.ORDER_NOT_FOUND: "po_reference",
    FindingKind.PARTNER_MISMATCH: "vendor_name",
}
LINE_COLUMNS = ("code", "description", "quantity", "uom", "unit_price", "amount")


@dataclass
class Box:
    anchor: str
    page: int
    left: float
    top: float
    width: float
    height: float
    label: str
    attention: bool


@dataclass
class PageView:
    number: int
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)


@dataclass
class FieldRow:
    anchor: str
    name: str
    value: object
    confidence: float
    flags: list[str]
    low_confidence: bool
    page: int | None
    hint: str | None = None

    @property
    def attention(self) -> bool:
        return self.low_confidence or bool(self.flags) or self.hint is not None


@dataclass
class Cell:
    value: object
    differs: bool = False
    hint: str | None = None


@dataclass
class RelatedQuantity:
    doc_type: str
    filename: str
    quantity: float | None
    uom: str | None


@dataclass
class PairRow:
    anchor: str
    position: int | None
    page: int | None
    document: dict[str, Cell]
    odoo_name: str | None
    odoo: dict[str, Cell]
    method: str | None
    conversion: str | None
    findings: list[Finding]
    confidence: float | None
    related: list[RelatedQuantity] = field(default_factory=list)

    @property
    def attention(self) -> bool:
        return any(cell.differs for cell in (*self.document.values(), *self.odoo.values())) or bool(self.findings)


@dataclass
class EvidenceView:
    record: CaseRecord
    pages: list[PageView]
    fields: list[FieldRow]
    pairs: list[PairRow]
    unpaired_document_lines: list[PairRow]
    missing_odoo_lines: list[str]
    document_findings: list[Finding]
    # Shown in place of the pages when the document's file cannot be shown.
    file_notice: str | None = None


def _hint(finding: Finding) -> str:
    tolerance = f", tolerance {finding.tolerance}" if finding.tolerance else ""
    return f"{finding.kind.value}: rule {finding.rule}{tolerance}. {finding.message}"


def _percent_box(anchor: str, page: PageView, bbox: tuple[float, float, float, float], label: str, attention: bool) -> Box:
    x0, top, x1, bottom = bbox
    return Box(
        anchor=anchor,
        page=page.number,
        left=100 * x0 / page.width,
        top=100 * top / page.height,
        width=100 * max(x1 - x0, 1.0) / page.width,
        height=100 * max(bottom - top, 1.0) / page.height,
        label=label,
        attention=attention,
    )


def _field_rows(fields: dict[str, ExtractedField], findings: list[Finding], low_confidence: float) -> list[FieldRow]:
    hints: dict[str, str] = {}
    for finding in findings:
        name = finding.evidence.get("field") or _FIELD_OF_KIND.get(finding.kind)
        if name and finding.line is None:
            hints.setdefault(str(name), _hint(finding))
    rows = []
    for name, value in fields.items():
        rows.append(
            FieldRow(
                anchor=f"field-{name}",
                name=name,
                value=value.value,
                confidence=value.confidence,
                flags=list(value.flags),
                low_confidence=value.value is not None and value.confidence < low_confidence,
                page=value.page,
                hint=hints.get(name),
            )
        )
    return rows


def _document_cells(line: ExtractedLine, findings: list[Finding]) -> dict[str, Cell]:
    cells = {column: Cell(getattr(line, column)) for column in LINE_COLUMNS}
    for finding in findings:
        column = _LINE_CELL.get(finding.kind)
        if column:
            cells[column].differs = True
            cells[column].hint = _hint(finding)
    return cells


def _odoo_cells(pair: LinePair | None, findings: list[Finding]) -> dict[str, Cell]:
    if pair is None or pair.odoo_line is None:
        return {}
    cells = {
        "description": Cell(pair.odoo_description),
        "quantity": Cell(pair.odoo_quantity),
        "uom": Cell(pair.odoo_uom),
        "price_unit": Cell(pair.odoo_price_unit),
        "moved": Cell(pair.odoo_qty_moved),
    }
    for finding in findings:
        column = _ODOO_CELL.get(finding.kind)
        if column:
            cells[column].differs = True
            cells[column].hint = _hint(finding)
    return cells


def _related_quantities(record: CaseRecord, pair: LinePair | None, repository: CaseRepository | None) -> list[RelatedQuantity]:
    """Return the quantities other documents of the same order print for the same Odoo line."""
    if repository is None or pair is None or pair.odoo_line is None:
        return []
    related = []
    for other in repository.all():
        if other.sha256 == record.sha256:
            continue
        for other_pair in other.match.pairs:
            if other_pair.odoo_line is None or other_pair.odoo_line.id != pair.odoo_line.id or other_pair.odoo_line.model != pair.odoo_line.model:
                continue
            line = other.extraction.lines[other_pair.document_line] if other_pair.document_line is not None and other_pair.document_line < len(other.extraction.lines) else None
            quantity = None
            if line is not None:
                quantity = line.received_quantity or line.shipped_quantity or line.quantity
            related.append(RelatedQuantity(other.case.document.doc_type, other.document.filename, quantity, line.uom if line else None))
    return related


def build_evidence_view(record: CaseRecord, page_sizes: list[tuple[float, float]], *, low_confidence: float, repository: CaseRepository | None = None) -> EvidenceView:
    """Return the evidence view of `record`; `page_sizes` are (width, height) in points."""
    extraction, match, case = record.extraction, record.match, record.case
    pages = [PageView(number, width, height) for number, (width, height) in enumerate(page_sizes, start=1)]

    # Header fields, with the findings that point at them.
    line_findings: dict[int, list[Finding]] = {}
    for finding in case.findings:
        if finding.line is not None:
            line_findings.setdefault(finding.line, []).append(finding)
    document_findings = [finding for finding in case.findings if finding.line is None]
    fields = _field_rows(extraction.fields, document_findings, low_confidence)

    # Line pairing, in document order, then the Odoo lines the document does not mention.
    pair_of_line = {pair.document_line: pair for pair in match.pairs if pair.document_line is not None}
    pairs: list[PairRow] = []
    unpaired: list[PairRow] = []
    for index, line in enumerate(extraction.lines):
        position = line.position or index + 1
        findings = line_findings.get(position, [])
        pair = pair_of_line.get(index)
        row = PairRow(
            anchor=f"line-{index + 1}",
            position=position,
            page=line.page,
            document=_document_cells(line, findings),
            odoo_name=pair.odoo_line.name if pair and pair.odoo_line else None,
            odoo=_odoo_cells(pair, findings),
            method=pair.method if pair else None,
            conversion=pair.conversion if pair else None,
            findings=findings,
            confidence=line.confidence,
            related=_related_quantities(record, pair, repository),
        )
        (pairs if pair and pair.odoo_line else unpaired).append(row)
    missing = [ref.name for ref in match.unpaired_odoo_lines]

    # Boxes over the page images, each linked to its row.
    for row in fields:
        value = extraction.fields[row.name]
        if value.bbox and value.page and value.page <= len(pages):
            page = pages[value.page - 1]
            page.boxes.append(_percent_box(row.anchor, page, value.bbox, row.name, row.attention))
    for row in [*pairs, *unpaired]:
        line = extraction.lines[int(row.anchor.removeprefix("line-")) - 1]
        if line.bbox and line.page and line.page <= len(pages):
            page = pages[line.page - 1]
            page.boxes.append(_percent_box(row.anchor, page, line.bbox, f"line {row.position}", row.attention or row in unpaired))

    return EvidenceView(record, pages, fields, pairs, unpaired, missing, document_findings)
