"""`docmatch extract`: print what docmatch reads from one document."""

from __future__ import annotations

import json
from pathlib import Path

import click


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
    click.echo(f"  {len(extraction.lines)} line item(s)")
    for warning in extraction.warnings:
        click.echo(f"  warning: {warning}")


commands = [extract_command]
