"""`docmatch demo`: run the bundled demo end to end and check it against the expected files."""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from pathlib import Path

import click

DEFAULT_OUT = Path("docmatch-demo-output")


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, help="Folder for cases.json, report.html, the demo's own SQLite database and its data folder (OUT/data, with the stored document copies); a previous demo's reports and database there are replaced.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Demo data folder with documents/ and odoo/. Defaults to fixtures/demo of the repository, else it is generated into OUT/demo-data.")
@click.option("--regenerate", is_flag=True, help="Rebuild the demo documents, expected files and Odoo snapshot from code before running.")
@click.option("--json", "as_json", is_flag=True, help="Print the cases and the comparison as JSON instead of the text summary.")
def demo_command(out_dir: Path, data_dir: Path | None, regenerate: bool, as_json: bool) -> None:
    """Process the bundled demo documents against the bundled Odoo 17 snapshot.

    The documents of a fictional food-service wholesaler (fixtures/demo/documents/*.pdf)
    go through extraction, matching and the bundled default rules in this process,
    against the Odoo snapshot in fixtures/demo/odoo/. The command prints the cases,
    writes cases.json and report.html into OUT, and ends by holding each case against
    the document's expected file. Exit code 0 only when every document matches.
    """
    from docmatch.cli.runner import context_from_settings, run_files
    from docmatch.demo.compare import compare_run
    from docmatch.demo.generate import DEFAULT_OUT as FIXTURES, generate
    from docmatch.reporting.render import cases_to_json, render_html, render_summary
    from docmatch.settings import load_settings

    # Find or build the demo data.
    out_dir.mkdir(parents=True, exist_ok=True)
    data = data_dir or (FIXTURES if (FIXTURES / "documents").is_dir() else out_dir / "demo-data")
    if regenerate or not (data / "documents").is_dir():
        click.echo(f"generating the demo data in {data}", err=True)
        generate(data)
    pdfs = sorted((data / "documents").glob("*.pdf"))
    if not pdfs:
        raise click.ClickException(f"no demo documents in {data / 'documents'}; run docmatch demo --regenerate to build them")

    # Process the documents in-process, with a database and a data folder of the demo's own.
    database = out_dir / "demo.sqlite3"
    database.unlink(missing_ok=True)
    settings = load_settings(odoo_snapshot=data / "odoo", database_url=f"sqlite:///{database.resolve()}", data_dir=out_dir / "data", company_timezone="Europe/Berlin")
    context = context_from_settings(settings)
    results = run_files(pdfs, context, progress="bar" if sys.stderr.isatty() and not as_json else "none")
    cases = [result.case for result in results]

    # Write the reports and hold the cases against the expected files.
    (out_dir / "cases.json").write_text(json.dumps(cases_to_json(cases), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / "report.html").write_text(render_html(cases), encoding="utf-8")
    report = compare_run(pdfs, cases)

    if as_json:
        payload = {
            "cases": cases_to_json(cases),
            "comparison": [comparison.to_json() for comparison in report.comparisons],
            "matching": report.matching,
            "documents": len(report.comparisons),
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        click.echo(render_summary(cases))
        click.echo("")
        click.echo("Expected findings:")
        for comparison in report.comparisons:
            click.echo(f"  {comparison.describe()}")
        click.echo(f"Reports: {out_dir / 'cases.json'}, {out_dir / 'report.html'}")
        click.echo(browse_instructions(database, out_dir / "web-users"))
        click.echo(report.summary_line())
    if not report.all_match:
        raise SystemExit(1)


def browse_instructions(database: Path, users_file: Path) -> str:
    """Return the commands that serve the demo's cases, runnable as printed from any folder."""
    from docmatch.web.users import MIN_PASSWORD_LENGTH

    command = docmatch_command()
    variables = f"export DOCMATCH_DATABASE_URL={shlex.quote(f'sqlite:///{database.resolve()}')} DOCMATCH_WEB_USERS_FILE={shlex.quote(str(users_file.resolve()))}"
    return "\n".join(
        [
            "Browse the cases in a web browser:",
            f"  {variables}",
            f"  {command} serve --add-user demo    # once: asks for a password of at least {MIN_PASSWORD_LENGTH} characters",
            f"  {command} serve --port 8080        # then open http://127.0.0.1:8080/cases and log in as demo",
        ]
    )


def docmatch_command() -> str:
    """Return how to start this same docmatch again from any folder.

    That is `docmatch` when PATH finds the script that is running, else the script's
    absolute path, and the interpreter with `-m docmatch` when no `docmatch` script
    started this process (`python -m docmatch`, a test runner).
    """
    script = Path(sys.argv[0])
    if script.name != "docmatch" or not script.is_file():
        return f"{shlex.quote(sys.executable)} -m docmatch"
    on_path = shutil.which("docmatch")
    if on_path is not None and Path(on_path).resolve() == script.resolve():
        return "docmatch"
    return shlex.quote(str(script.absolute()))


commands = [demo_command]
