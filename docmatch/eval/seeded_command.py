"""`docmatch eval findings`: recall and precision per finding kind on seeded pairs."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("findings")
@click.option("--pairs", "count", type=click.IntRange(min=1), default=500, help="Number of document and Odoo snapshot pairs to generate and process.")
@click.option("--seed", type=int, default=1, help="Random seed; the same seed and count give the same pairs.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("docmatch-eval-findings"), help="Folder for the pairs (snapshot, PDF, expected file each), results.json and report.md.")
@click.option("--clean-share", type=click.FloatRange(0.0, 1.0), default=0.3, help="Share of pairs left clean (0-1).")
@click.option("--scan-share", type=click.FloatRange(0.0, 1.0), default=0.1, help="Share of pairs also printed as a 300 dpi scan and read by OCR (0-1); about 1 s of CPU per page.")
def findings_command(count: int, seed: int, out_dir: Path, clean_share: float, scan_share: float) -> None:
    """Inject each finding kind at random into generated documents and measure what the pipeline finds.

    Every pair is a small Odoo 17 snapshot of the demo distributor plus one printed PDF,
    clean or with one seeded mismatch; each runs through extraction, matching and rules
    end to end. Prints recall and precision per finding kind and the findings on clean
    pairs, and writes results.json and report.md into OUT.
    """
    from docmatch.eval.seeded import evaluate, render_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    with click.progressbar(length=count, label="pairs", file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:
        report = evaluate(count, seed, out_dir, clean_share=clean_share, scan_share=scan_share, progress=bar.update)
    click.echo(render_markdown(report), nl=False)
    click.echo(f"Written: {out_dir / 'results.json'}, {out_dir / 'report.md'}", err=True)


commands = [findings_command]
