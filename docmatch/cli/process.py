"""`docmatch process`: turn documents into cases against Odoo records."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("process")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--odoo-snapshot", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Snapshot folder of Odoo records (one <model>.json per model). Defaults to DOCMATCH_ODOO_SNAPSHOT.")
@click.option("--odoo", "odoo_url", help="URL of a live Odoo; credentials come from DOCMATCH_ODOO_DB, _USER and _API_KEY.")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="YAML tolerance policy. Defaults to DOCMATCH_RULES_FILE, else the bundled defaults.")
@click.option("--json", "as_json", is_flag=True, help="Print the cases as JSON (the case contract) instead of a summary.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report to this file.")
@click.option("--via-workers", is_flag=True, help="Queue the documents for the Celery workers and wait for their cases (workers use their own DOCMATCH_* settings).")
@click.option("--timeout", type=float, default=600.0, help="With --via-workers: seconds to wait for all documents.")
def process_command(files: tuple[Path, ...], odoo_snapshot: Path | None, odoo_url: str | None, rules_file: Path | None, as_json: bool, html_file: Path | None, via_workers: bool, timeout: float) -> None:
    """Process FILES and print one case per document."""
    from docmatch.reporting.render import cases_to_json, render_html, render_summary

    skipped: list[Path] = []
    if via_workers:
        if odoo_snapshot or odoo_url or rules_file:
            click.echo("warning: the workers use their own DOCMATCH_* settings; --odoo-snapshot, --odoo and --rules are ignored", err=True)
        cases = _cases_via_workers(list(files), timeout)
    else:
        from docmatch.cli.runner import build_context, progress_mode, run_files

        context = build_context(odoo_snapshot=odoo_snapshot, odoo_url=odoo_url, rules_file=rules_file)
        results = run_files(list(files), context, progress=progress_mode(len(files)), skipped=skipped)
        cases = [result.case for result in results]

    if as_json:
        click.echo(json.dumps(cases_to_json(cases), indent=2, ensure_ascii=False))
    else:
        click.echo(render_summary(cases))
    if html_file:
        html_file.write_text(render_html(cases), encoding="utf-8")
        click.echo(f"HTML report written to {html_file}", err=True)
    if skipped:
        raise click.exceptions.Exit(3)


def _cases_via_workers(files: list[Path], timeout: float) -> list:  # type: ignore[type-arg]
    """Cases of FILES processed by the workers; failed documents are named on stderr."""
    from docmatch.settings import get_settings
    from docmatch.workers.client import process_via_workers

    results = process_via_workers(files, get_settings(), timeout=timeout)
    for result in results:
        if result.case is None:
            click.echo(f"{result.path.name}: {result.state}: {result.error or 'no case recorded'}", err=True)
    return [result.case for result in results if result.case is not None]


commands = [process_command]
