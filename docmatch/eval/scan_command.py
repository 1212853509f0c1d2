"""`docmatch eval scans`: field accuracy of scans next to the born-digital documents."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from docmatch.cli.eval import DEFAULT_CORPUS as DEFAULT_EXPECTED
from docmatch.cli.eval import REPOSITORY, SHARED_CORPUS, existing_folder

# The defaults are found from the repository docmatch runs from, not the working folder.
DEFAULT_DEMO = REPOSITORY / "fixtures" / "demo" / "documents"


@click.command("scans")
@click.option("--documents", "documents_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DEMO, help="Folder of born-digital PDFs, with optional <name>.expected.json files.")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Corpus folder with manifest.csv; its images (born_digital=no) are extracted too. Use --corpus '' to skip them.  [default: the shared corpus beside the repository, when there]")
@click.option("--expected", "expected_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_EXPECTED, help="Folder mirroring the corpus with <name>.extraction.json expected values.")
@click.option("--variant", "variant_names", multiple=True, help="Scan variant to run (repeatable); all when omitted.")
@click.option("--limit", type=int, default=None, help="Use at most this many PDFs.")
@click.option("--jobs", type=int, default=1, help="Worker processes; Tesseract itself runs single-threaded.")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Keep the generated scans here; a temporary folder otherwise.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the per-document results to this JSON file.")
def scans_command(documents_dir: Path, corpus_dir: Path | None, expected_dir: Path, variant_names: tuple[str, ...], limit: int | None, jobs: int, workdir: Path | None, json_path: Path | None) -> None:
    """Extract born-digital PDFs and their generated scans, and print field accuracy per scan variant."""
    from docmatch.eval.scan_report import evaluate_corpus_images, evaluate_documents, render_markdown, select_variants

    try:
        variants = select_variants(list(variant_names))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--variant") from None
    documents_dir = existing_folder(documents_dir, option="--documents", contents="born-digital PDFs")
    if corpus_dir is None:
        corpus_dir = SHARED_CORPUS if SHARED_CORPUS.is_dir() else Path("")
    elif str(corpus_dir) not in ("", "."):
        corpus_dir = existing_folder(corpus_dir, option="--corpus", contents="a manifest.csv (or '' to skip the corpus images)")
    pdfs = sorted(documents_dir.glob("*.pdf"))
    if limit is not None:
        pdfs = pdfs[:limit]
    if not pdfs:
        click.echo(f"no PDFs in {documents_dir}; generate the demo documents first (docmatch demo --regenerate)", err=True)

    with tempfile.TemporaryDirectory(prefix="docmatch-scans-") as scratch:
        evaluation = evaluate_documents(pdfs, variants, workdir or Path(scratch), jobs=jobs)
    if str(corpus_dir) not in ("", ".") and corpus_dir.is_dir():
        evaluation.images = evaluate_corpus_images(corpus_dir, expected_dir=expected_dir if expected_dir.is_dir() else None)

    click.echo(render_markdown(evaluation, variants), nl=False)
    if json_path is not None:
        payload = {
            "results": [
                {"document": result.document, "variant": result.variant, "correct": result.score.correct, "expected": result.score.expected, "misses": result.score.misses, "seconds": round(result.seconds, 2), "error": result.error}
                for result in evaluation.results
            ],
            "images": evaluation.images,
        }
        json_path.write_text(json.dumps(payload, indent=2), encoding="utf-8")


commands = [scans_command]
