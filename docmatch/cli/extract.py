"""`docmatch extract`: print what docmatch reads from one document."""

from __future__ import annotations

import json
from pathlib import Path

import click

from docmatch.models import ExtractedLine


@click.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the extraction contract as JSON.")
def extract_command(file: Path, as_json: bool) -> None:
    """Extract the type, header fields and line items of FILE (PDF, PNG, JPEG or TIFF)."""
    from docmatch.extractors import extract_file
    from docmatch.settings import get_settings

    extraction = extract_file(file, settings=get_settings())
    if as_json:
        click.echo(json.dumps(extraction.contract(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{file.name}: {extraction.doc_type}, {extraction.pages} page(s), read from {extraction.method}")
    for name, field in extraction.fields.items():
        flags = f"  [{', '.join(field.flags)}]" if field.flags else ""
        click.echo(f"  {name:<16} {field.value!s:<32} confidence {field.confidence:.2f}{flags}")
    click.echo(f"  {len(extraction.lines)} line item(s)" + (":" if extraction.lines else ""))
    for row in line_rows(extraction.lines):
        click.echo(f"    {row}")
    for warning in extraction.warnings:
        click.echo(f"  warning: {warning}")


# Maximum description length in the text output; --json gives the whole text.
DESCRIPTION_WIDTH = 36
_HEADER = ("pos", "code", "description", "quantity", "unit", "unit price", "amount", "confidence")
# Columns aligned to the right, because they hold numbers.
_NUMERIC = {0, 3, 5, 6, 7}


def line_rows(lines: list[ExtractedLine]) -> list[str]:
    """Return the line items as aligned text rows under a header; none when there are no lines.

    Quantities and prices are printed as read, in the document's own unit; a value that
    was not read is shown as "-".
    """
    if not lines:
        return []
    table = [_HEADER, *(_line_cells(line) for line in lines)]
    widths = [max(len(row[column]) for row in table) for column in range(len(_HEADER))]
    rows = []
    for cells, line in zip(table, [None, *lines], strict=True):
        text = "  ".join(cell.rjust(width) if column in _NUMERIC else cell.ljust(width) for column, (cell, width) in enumerate(zip(cells, widths, strict=True)))
        flags = f"  [{', '.join(line.flags)}]" if line is not None and line.flags else ""
        rows.append((text + flags).rstrip())
    return rows


def _line_cells(line: ExtractedLine) -> tuple[str, ...]:
    from docmatch.reporting.explain import format_value

    def shown(value: object, *, money: bool = False) -> str:
        return "-" if value is None or value == "" else format_value(value, money=money)  # type: ignore[arg-type]

    description = " ".join((line.description or "").split())
    if len(description) > DESCRIPTION_WIDTH:
        description = description[: DESCRIPTION_WIDTH - 1].rstrip() + "…"
    return (
        shown(line.position),
        line.code or "-",
        description or "-",
        shown(line.quantity),
        line.uom or "-",
        shown(line.unit_price),
        shown(line.amount, money=True),
        f"{line.confidence:.2f}",
    )


commands = [extract_command]
