"""`docmatch eval`: the group of evaluation commands.

Each evaluation lives in its own module and exposes `commands`, a list of click
commands; `EVAL_COMMAND_MODULES` names the modules whose commands join the group.
To add one, write the module and append its dotted name here. A module that cannot
be imported is logged and left out, so one broken evaluation does not take the others
(or `docmatch --help`) down.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import click

log = logging.getLogger(__name__)

EVAL_COMMAND_MODULES = [
    "docmatch.eval.scan_command",
    "docmatch.eval.seeded_command",
]

# The checkout this package runs from. The default folders are found from here, not from
# the working directory, so that the commands work wherever they are started.
REPOSITORY = Path(__file__).resolve().parents[2]
# Expected extraction values, kept in the repository.
DEFAULT_CORPUS = REPOSITORY / "fixtures" / "corpus"
# The corpus of public documents with a manifest.csv, kept beside the repository.
SHARED_CORPUS = REPOSITORY.parent / "shared" / "corpus"


def existing_folder(folder: Path, *, option: str, contents: str) -> Path:
    """Return `folder` if it is a folder; otherwise raise a usage error naming `option`.

    Raises:
        click.BadParameter: the folder is missing, with what to pass instead.
    """
    if folder.is_dir():
        return folder
    problem = "does not exist" if not folder.exists() else "is not a folder"
    raise click.BadParameter(f"{folder} {problem}; pass {option} FOLDER, a folder with {contents}", param_hint=option)


@click.group("eval")
def eval_group() -> None:
    """Measure docmatch against documents with known results."""


@click.command("extraction")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_CORPUS, help="Folder searched for PDFs with a <name>.extraction.json (or a demo <name>.expected.json listing fields) beside them; the default is in the repository docmatch runs from.")
@click.option("--mode", "modes", type=click.Choice(["printed", "with_xml"]), multiple=True, help="Score the printed page alone, or with the embedded e-invoice XML (repeatable); both when omitted.")
def extraction_command(corpus_dir: Path, modes: tuple[str, ...]) -> None:
    """Extract each document that has expected values and print per-field accuracy and line precision/recall.

    Amounts count as right within 0.005; text ignores case, spaces and punctuation. A
    line is found when one extracted line carries its quantity, unit price and amount.
    """
    from docmatch.eval.extraction import evaluate, find_expected, render_report

    existing_folder(corpus_dir, option="--corpus", contents="PDFs and their <name>.extraction.json files")
    if not find_expected(corpus_dir):
        raise click.ClickException(f"no *.extraction.json files under {corpus_dir}")
    scores = evaluate(corpus_dir, modes=modes or ("printed", "with_xml"))
    click.echo(f"{len(scores[0].documents)} documents under {corpus_dir}\n")
    click.echo(render_report(scores))


@click.command("corpus")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=SHARED_CORPUS, help="Folder with a manifest.csv (columns file, doc_type, born_digital, ...); the default is the corpus folder beside the repository docmatch runs from.")
@click.option("--all", "all_files", is_flag=True, help="Include the images (born_digital=no), which need OCR; born-digital PDFs only by default.")
def corpus_command(corpus_dir: Path, all_files: bool) -> None:
    """Extract every document of a corpus and print, per file, what was read or why nothing was."""
    from docmatch.eval.extraction import render_corpus, run_corpus

    existing_folder(corpus_dir, option="--corpus", contents="a manifest.csv")
    if not (corpus_dir / "manifest.csv").is_file():
        raise click.BadParameter(f"{corpus_dir} has no manifest.csv; pass --corpus FOLDER, a folder with a manifest.csv (columns file, doc_type, born_digital)", param_hint="--corpus")
    click.echo(render_corpus(run_corpus(corpus_dir, born_digital_only=not all_files)))


def register(group: click.Group, module_names: list[str]) -> None:
    """Add the `commands` of each named module to `group`."""
    for name in module_names:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            log.warning("evaluation module %s not loaded: %s", name, exc)
            continue
        for command in getattr(module, "commands", []):
            group.add_command(command)


eval_group.add_command(extraction_command)
eval_group.add_command(corpus_command)
register(eval_group, EVAL_COMMAND_MODULES)

commands = [eval_group]
