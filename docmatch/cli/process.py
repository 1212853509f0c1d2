"""`docmatch process`: turn documents into cases against Odoo records."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("process")
@click.argument("paths", metavar="FILE_OR_FOLDER...", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--recursive", "-r", is_flag=True, help="Also take the supported files of sub-folders of a FOLDER; without it only the files directly inside are taken.")
@click.option("--odoo-snapshot", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Snapshot folder of Odoo records (one <model>.json per model). Defaults to DOCMATCH_ODOO_SNAPSHOT.")
@click.option("--odoo", "odoo_url", help="URL of a live Odoo; credentials come from DOCMATCH_ODOO_DB, _USER and _API_KEY.")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="YAML tolerance policy. Defaults to DOCMATCH_RULES_FILE, else the bundled defaults.")
@click.option("--json", "as_json", is_flag=True, help="Print the cases as JSON (the case contract) instead of a summary.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report to this file.")
@click.option("--via-workers", is_flag=True, help="Queue the documents for the Celery workers and wait for their cases (workers use their own DOCMATCH_* settings).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=600.0, help="With --via-workers: seconds to wait for all documents.")
def process_command(paths: tuple[Path, ...], recursive: bool, odoo_snapshot: Path | None, odoo_url: str | None, rules_file: Path | None, as_json: bool, html_file: Path | None, via_workers: bool, timeout: float) -> None:
    """Process each FILE, and the documents in each FOLDER, and print one case per document.

    A FOLDER means its PDF, PNG, JPEG and TIFF files (by extension, any case), in the
    order of their names. Hidden files, links to missing files and other files are
    skipped and named on stderr. Only the files directly inside are taken unless --recursive
    is given.

    Stored copies, caches and the SQLite database go to DOCMATCH_DATA_DIR (by default
    ~/.local/share/docmatch), or to the database DOCMATCH_DATABASE_URL names. The last
    line of the output names the location.
    """
    from docmatch.reporting.render import cases_to_json, render_html, render_summary

    files = _files_to_process(paths, recursive)
    if html_file and not html_file.parent.is_dir():
        raise click.BadParameter(f"folder {html_file.parent} does not exist", param_hint="--html")
    skipped: list[Path] = []
    if via_workers:
        if odoo_snapshot or odoo_url or rules_file:
            click.echo("warning: the workers use their own DOCMATCH_* settings; --odoo-snapshot, --odoo and --rules are ignored", err=True)
        from docmatch.settings import get_settings

        settings = get_settings()
        cases = _cases_via_workers(files, timeout)
    else:
        from docmatch.cli.runner import build_context, progress_mode, run_files

        context = build_context(odoo_snapshot=odoo_snapshot, odoo_url=odoo_url, rules_file=rules_file)
        settings = context.settings
        results = run_files(files, context, progress=progress_mode(len(files)), skipped=skipped)
        cases = [result.case for result in results]

    if as_json:
        click.echo(json.dumps(cases_to_json(cases), indent=2, ensure_ascii=False))
    else:
        click.echo(render_summary(cases))
    if html_file:
        html_file.write_text(render_html(cases), encoding="utf-8")
        click.echo(f"HTML report written to {html_file}", err=True)
    # Keep stdout pure JSON with --json: the location then goes to stderr.
    click.echo(data_location(settings), err=as_json)
    if skipped:
        raise click.exceptions.Exit(3)


def _files_to_process(paths: tuple[Path, ...], recursive: bool) -> list[Path]:
    """Expand the folders among `paths`, name what was left out on stderr, and require one document."""
    from docmatch.cli.inputs import SUPPORTED_SUFFIXES, collect_inputs

    inputs = collect_inputs(paths, recursive=recursive)
    for path in inputs.unsupported:
        click.echo(f"skipped {path}: not a PDF, PNG, JPEG or TIFF file name", err=True)
    for path in inputs.hidden:
        click.echo(f"skipped {path}: hidden (its name starts with '.')", err=True)
    for path in inputs.broken_links:
        click.echo(f"skipped {path}: a link to a file that does not exist", err=True)
    if inputs.subfolders:
        click.echo(f"skipped {len(inputs.subfolders)} sub-folder(s), such as {inputs.subfolders[0]}; add --recursive to process their files too", err=True)
    for folder in inputs.empty_folders:
        click.echo(f"warning: folder {folder} holds no {', '.join(sorted(SUPPORTED_SUFFIXES))} files" + ("" if recursive else " (add --recursive to look in sub-folders)"), err=True)
    if not inputs.files:
        raise click.UsageError("no documents to process in the folders given")
    return inputs.files


def data_location(settings) -> str:  # type: ignore[no-untyped-def]
    """Return the line naming where this run stored documents and cases (password masked)."""
    from sqlalchemy.engine import make_url

    database = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    return f"Data folder: {settings.data_dir}; database: {database}"


def _cases_via_workers(files: list[Path], timeout: float) -> list:  # type: ignore[type-arg]
    """Cases of FILES processed by the workers; failed documents are named on stderr."""
    from docmatch.cli.worker import broker_errors
    from docmatch.settings import get_settings
    from docmatch.workers.client import process_via_workers

    with broker_errors():
        results = process_via_workers(files, get_settings(), timeout=timeout)
    for result in results:
        if result.case is None:
            click.echo(f"{result.path.name}: {result.state}: {result.error or 'no case recorded'}", err=True)
    return [result.case for result in results if result.case is not None]


commands = [process_command]
