"""The three page styles of the demo documents: classic, modern and din.

Each style draws the header of the first page, the top of continuation pages, the
table header, a table row, the totals block and the footer; `layouts.draw` runs the
shared page flow around them.
"""

from __future__ import annotations

from reportlab.lib import colors

from docmatch.demo.documents import DocumentSpec
from docmatch.demo.layouts import (
    LABELS,
    ROW_HEIGHT,
    Column,
    Sheet,
    Style,
    cell_size,
    fit,
    footer_text,
    meta_rows,
    parties,
    party_block,
    total_lines,
)

GREY = colors.HexColor("#E2E2E2")
DARK = colors.HexColor("#25364F")
SHADE = colors.HexColor("#F2F5F9")
MUTED = colors.HexColor("#555555")


def _cells(sheet: Sheet, columns: list[Column], values: dict[str, str], y: float, *, bold: bool = False, color: colors.Color = colors.black) -> None:
    for column in columns:
        value = values[column.key]
        # Long descriptions and remarks print smaller, as ERP reports shrink them to fit.
        size = 9.0 if bold else cell_size(value, column.width)
        sheet.text(column.x, y, value if bold else fit(value, column.width, size), size=size, bold=bold, align=column.align, color=color)


def _header_values(spec: DocumentSpec, columns: list[Column]) -> dict[str, str]:
    labels = LABELS[spec.language]
    return {column.key: labels[column.label or column.key] for column in columns}


def _title(spec: DocumentSpec) -> str:
    return LABELS[spec.language][f"title.{spec.doc_type}"]


def _heading(spec: DocumentSpec) -> str:
    """Return the title in heading case: "Bill of Lading", "Rechnung"."""
    words = _title(spec).title().split()
    return " ".join(word.lower() if index and word in ("Of", "Von") else word for index, word in enumerate(words))


def _page_label(spec: DocumentSpec, page: int, pages: int) -> str:
    return LABELS[spec.language]["page"].format(page=page, pages=pages)


# --- classic -----------------------------------------------------------------------------


def classic_first_page(sheet: Sheet, spec: DocumentSpec) -> float:
    sheet.text(20, 22, spec.issuer.name, size=15, bold=True)
    sheet.text(20, 28, ", ".join(spec.issuer.address), size=8)
    if spec.issuer.email:
        sheet.text(20, 32, spec.issuer.email, size=8)
    sheet.text(190, 22, _title(spec), size=20, bold=True, align="right")
    y = 32.0
    for label, value in meta_rows(spec):
        sheet.text(150, y, f"{label}:", align="right")
        sheet.text(190, y, value, align="right", bold=True)
        y += 5
    sheet.rule(20, max(y, 52) - 2, 190, max(y, 52) - 2)
    top = max(y, 52) + 4
    for index, (title, party) in enumerate(parties(spec)):
        party_block(sheet, 20 + index * 90, top, title, party, spec.language)
    return top + 38


def classic_next_page(sheet: Sheet, spec: DocumentSpec, page: int) -> float:
    sheet.text(20, 20, spec.issuer.name, size=11, bold=True)
    sheet.text(190, 20, f"{_title(spec)} {spec.number}", size=11, bold=True, align="right")
    return 40.0


def classic_header(sheet: Sheet, spec: DocumentSpec, columns: list[Column], top: float) -> float:
    sheet.band(18, top - 4.4, 174, 6.2, GREY)
    _cells(sheet, columns, _header_values(spec, columns), top, bold=True)
    return top + ROW_HEIGHT + 1


def classic_row(sheet: Sheet, spec: DocumentSpec, columns: list[Column], values: dict[str, str], y: float, index: int) -> None:
    _cells(sheet, columns, values, y)
    sheet.rule(18, y + 2, 192, y + 2, width=0.3, color=colors.lightgrey)


def classic_totals(sheet: Sheet, spec: DocumentSpec, y: float) -> float:
    y += 4
    for label, value, bold in total_lines(spec):
        sheet.text(125, y, label, bold=bold, size=10 if bold else 9)
        sheet.text(190, y, value, bold=bold, size=10 if bold else 9, align="right")
        y += 5.5
    return y


def classic_footer(sheet: Sheet, spec: DocumentSpec, page: int, pages: int) -> None:
    sheet.rule(20, 279, 190, 279)
    sheet.text(20, 284, fit(footer_text(spec), 150, 7), size=7)
    sheet.text(190, 289, _page_label(spec, page, pages), size=7, align="right")


# --- modern ------------------------------------------------------------------------------


def modern_first_page(sheet: Sheet, spec: DocumentSpec) -> float:
    sheet.text(20, 26, _heading(spec), size=24, bold=True, color=DARK)
    sheet.text(190, 16, spec.issuer.name, size=11, bold=True, align="right")
    for offset, text in enumerate(spec.issuer.address):
        sheet.text(190, 21 + offset * 4, text, size=8, align="right")
    rows = meta_rows(spec)
    per_row = 4
    width = 170 / per_row
    y = 38.0
    for start in range(0, len(rows), per_row):
        for slot, (label, value) in enumerate(rows[start:start + per_row]):
            x = 20 + slot * width
            sheet.box(x, y, width - 2, 11)
            sheet.text(x + 2, y + 4, label, size=7, color=MUTED)
            sheet.text(x + 2, y + 9, fit(value, width - 5), bold=True)
        y += 13
    y += 4
    for index, (title, party) in enumerate(parties(spec)):
        party_block(sheet, 20 + index * 90, y, title, party, spec.language)
    return y + 36


def modern_next_page(sheet: Sheet, spec: DocumentSpec, page: int) -> float:
    sheet.text(20, 22, f"{_heading(spec)} {spec.number}", size=13, bold=True, color=DARK)
    return 40.0


def modern_header(sheet: Sheet, spec: DocumentSpec, columns: list[Column], top: float) -> float:
    sheet.band(18, top - 4.6, 174, 6.6, DARK)
    _cells(sheet, columns, _header_values(spec, columns), top, bold=True, color=colors.white)
    return top + ROW_HEIGHT + 1


def modern_row(sheet: Sheet, spec: DocumentSpec, columns: list[Column], values: dict[str, str], y: float, index: int) -> None:
    if index % 2:
        sheet.band(18, y - 4.2, 174, ROW_HEIGHT, SHADE)
    _cells(sheet, columns, values, y)


def modern_totals(sheet: Sheet, spec: DocumentSpec, y: float) -> float:
    rows = total_lines(spec)
    if not rows:
        return y
    y += 3
    sheet.box(112, y, 80, 6 * len(rows) + 2)
    y += 5.5
    for label, value, bold in rows:
        sheet.text(115, y, label, bold=bold)
        sheet.text(189, y, value, bold=bold, align="right")
        y += 6
    return y


def modern_footer(sheet: Sheet, spec: DocumentSpec, page: int, pages: int) -> None:
    sheet.text(105, 286, fit(footer_text(spec), 170, 7), size=7, align="center", color=MUTED)
    sheet.text(190, 292, _page_label(spec, page, pages), size=7, align="right", color=MUTED)


# --- din ---------------------------------------------------------------------------------


def din_first_page(sheet: Sheet, spec: DocumentSpec) -> float:
    issuer = spec.issuer
    sheet.text(190, 18, issuer.name, size=14, bold=True, align="right")
    for offset, text in enumerate(issuer.address):
        sheet.text(190, 23 + offset * 4, text, size=8, align="right")
    sheet.text(20, 47, fit(f"{issuer.name} · {issuer.address[0]} · {issuer.address[1]}", 85, 6), size=6)
    sheet.rule(20, 48, 105, 48, width=0.3)
    blocks = parties(spec)
    window_title, window = blocks[0]
    sheet.text(20, 53, window.name, bold=True)
    for offset, text in enumerate(window.address):
        sheet.text(20, 57.5 + offset * 4.3, text)
    if window.vat:
        sheet.text(20, 57.5 + len(window.address) * 4.3, f"{LABELS[spec.language]['vat']}: {window.vat}", size=8)
    y = 50.0
    for label, value in meta_rows(spec):
        sheet.text(125, y, label, size=8)
        sheet.text(160, y, value, size=8, bold=True)
        y += 4.5
    top = max(y, 80.0) + 8
    sheet.text(20, top, f"{_heading(spec)} {spec.number}", size=13, bold=True)
    top += 6
    if len(blocks) > 1:
        for index, (title, party) in enumerate(blocks[1:]):
            party_block(sheet, 20 + index * 90, top, title, party, spec.language)
        top += 32
    return top + 6


def din_next_page(sheet: Sheet, spec: DocumentSpec, page: int) -> float:
    sheet.text(20, 20, f"{_heading(spec)} {spec.number}", size=10, bold=True)
    sheet.text(190, 20, spec.issuer.name, size=8, align="right")
    return 36.0


def din_header(sheet: Sheet, spec: DocumentSpec, columns: list[Column], top: float) -> float:
    _cells(sheet, columns, _header_values(spec, columns), top, bold=True)
    sheet.rule(20, top + 1.8, 190, top + 1.8, width=0.8, color=colors.black)
    return top + ROW_HEIGHT + 0.5


def din_row(sheet: Sheet, spec: DocumentSpec, columns: list[Column], values: dict[str, str], y: float, index: int) -> None:
    _cells(sheet, columns, values, y)


def din_totals(sheet: Sheet, spec: DocumentSpec, y: float) -> float:
    rows = total_lines(spec)
    if not rows:
        return y
    sheet.rule(110, y, 190, y, width=0.6, color=colors.black)
    y += 5
    for label, value, bold in rows:
        sheet.text(112, y, label, bold=bold)
        sheet.text(190, y, value, bold=bold, align="right")
        y += 5
    sheet.rule(110, y - 3.2, 190, y - 3.2, width=0.6, color=colors.black)
    return y


def din_footer(sheet: Sheet, spec: DocumentSpec, page: int, pages: int) -> None:
    issuer = spec.issuer
    sheet.rule(20, 278, 190, 278, width=0.3)
    sheet.text(20, 282, issuer.name, size=7)
    sheet.text(20, 285.5, fit(", ".join(issuer.address), 60, 7), size=7)
    if issuer.vat:
        sheet.text(85, 282, f"{LABELS[spec.language]['vat']} {issuer.vat}", size=7)
    if issuer.email:
        sheet.text(85, 285.5, issuer.email, size=7)
    sheet.text(190, 282, _page_label(spec, page, pages), size=7, align="right")


STYLES: dict[str, Style] = {
    "classic": Style(classic_first_page, classic_next_page, classic_header, classic_row, classic_totals, classic_footer),
    "modern": Style(modern_first_page, modern_next_page, modern_header, modern_row, modern_totals, modern_footer),
    "din": Style(din_first_page, din_next_page, din_header, din_row, din_totals, din_footer),
}
