"""Shared set-up for commands that run the pipeline in-process, and for the workers."""

from __future__ import annotations

import importlib
import logging
import sys
import time
from pathlib import Path

import click

from docmatch.errors import ConfigurationError, InputError
from docmatch.explain import make_explainer
from docmatch.odoo.catalog import load_catalog
from docmatch.models import Document
from docmatch.pipeline import DocumentResult, PipelineContext, process_document, register_path
from docmatch.rules import load_policy
from docmatch.settings import Settings, load_settings
from docmatch.storage.store import Store

log = logging.getLogger(__name__)

# The command-line option behind each setting that `build_context` receives.
PROCESS_OPTIONS = {"odoo_snapshot": "--odoo-snapshot", "odoo_url": "--odoo", "rules_file": "--rules"}


def build_context(*, odoo_snapshot: Path | None = None, odoo_url: str | None = None, rules_file: Path | None = None) -> PipelineContext:
    """Read settings, the Odoo records and the policy for an in-process run.

    The arguments are the values of `--odoo-snapshot`, `--odoo` and `--rules`; an invalid
    one is reported under its option's name.
    """
    settings = load_settings(odoo_snapshot=odoo_snapshot, odoo_url=odoo_url, rules_file=rules_file, options=PROCESS_OPTIONS)
    return context_from_settings(settings)


def context_from_settings(settings: Settings, *, store: Store | None = None) -> PipelineContext:
    """Build the pipeline context: Odoo records, policy, and what docmatch's database remembers.

    The database (migrated on the way) gives the documents seen before, for duplicate
    checks, and the aliases reviewers confirmed, for matching.
    """
    if store is None:
        store = Store.from_settings(settings)
        store.migrate()
    catalog = load_catalog(open_odoo_source(settings))
    store.apply_learned_aliases(catalog)
    policy = load_policy(settings.rules_file)
    for key in policy.unknown_partner_keys(catalog.partners.values()):
        log.warning("the rules file's partner %r names no partner in Odoo; its overrides never apply", key)
    return PipelineContext(
        settings=settings,
        explainer=make_explainer(settings),
        catalog=catalog,
        policy=policy,
        ticket_opener=load_ticket_opener(settings),
        store=store,
    )


def load_ticket_opener(settings: Settings):  # type: ignore[no-untyped-def]
    """Return the ticket opener: the one DOCMATCH_TICKET_OPENER names, else Odoo Helpdesk
    when a live Odoo is configured, else None (cases are recorded without tickets)."""
    helpdesk_opener = "docmatch.odoo.helpdesk:open_ticket"
    if settings.ticket_opener and settings.ticket_opener != helpdesk_opener:
        return load_callable(settings.ticket_opener, "DOCMATCH_TICKET_OPENER")
    # The Helpdesk opener is built from these settings rather than from the environment,
    # so that `--odoo URL` on the command line counts too.
    if settings.odoo_url:
        from docmatch.odoo.helpdesk import make_ticket_opener

        return make_ticket_opener(settings)
    return None


def load_callable(dotted: str, setting: str):  # type: ignore[no-untyped-def]
    """Import the function a setting names as 'package.module:function'."""
    module_name, _, attribute = dotted.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ConfigurationError(f"{setting}: cannot load {dotted!r}: {exc}", hint="name a function as 'package.module:function'") from None


def open_odoo_source(settings):  # type: ignore[no-untyped-def]
    """Return the Odoo source the settings name: a snapshot folder or a live server."""
    if settings.odoo_snapshot:
        from docmatch.odoo.snapshot import SnapshotSource

        return SnapshotSource(settings.odoo_snapshot)
    if settings.odoo_url:
        from docmatch.odoo.live import open_live_source

        return open_live_source(settings)
    raise ConfigurationError(
        "no Odoo records to match against",
        hint="pass --odoo-snapshot DIR or --odoo URL (or set DOCMATCH_ODOO_SNAPSHOT / DOCMATCH_ODOO_URL)",
    )


def progress_mode(files: int, *, enabled: bool = True) -> str:
    """Return how to show progress on stderr: a bar on a terminal, plain lines elsewhere.

    Plain lines keep a long batch visible in a log file or a CI job, where a bar's
    carriage returns would pile up. A single file needs neither.
    """
    if not enabled or files < 2:
        return "none"
    return "bar" if sys.stderr.isatty() else "lines"


def run_files(files: list[Path], context: PipelineContext, *, progress: str = "none", skipped: list[Path] | None = None) -> list[DocumentResult]:
    """Process each file in order, showing progress on stderr as `progress_mode` chose.

    A file that cannot be opened is reported on stderr and appended to `skipped`, so
    one bad path does not lose the rest of the batch. A file whose content an earlier
    file of the run had is one document: it is recorded as a second arrival, named on
    stderr, and gives no second case.
    """
    results: list[DocumentResult] = []
    first_path: dict[str, Path] = {}
    lines = _ProgressLines(len(files)) if progress == "lines" else None
    with click.progressbar(files, label="documents", file=sys.stderr, hidden=progress != "bar") as bar:
        for path in bar:
            try:
                document = register_path(path, context)
            except InputError as exc:
                # The stderr line is the report, so a log record at the default level would repeat it.
                log.debug("skipped %s: %s", path.name, exc.message)
                click.echo(f"error: {exc.message} ({exc.hint})", err=True)
                if skipped is not None:
                    skipped.append(path)
            else:
                if document.sha256 in first_path:
                    _note_second_arrival(document, path, first_path[document.sha256], context)
                else:
                    first_path[document.sha256] = path
                    results.append(process_document(document, context))
            if lines is not None:
                lines.step()
    return results


def _note_second_arrival(document: Document, path: Path, first: Path, context: PipelineContext) -> None:
    """Record `path` as another arrival of the document `first` brought, and name it on stderr."""
    if context.store is not None:
        context.store.add_arrival(document)
    log.info("%s has the same content as %s; recorded as a second arrival", path.name, first.name)
    click.echo(f"{path}: same content as {first} (sha256 {document.sha256[:12]}); one document, no second case", err=True)


class _ProgressLines:
    """Prints "processed 40 of 200 documents" lines, about every 5 % or 30 seconds."""

    EVERY_SECONDS = 30.0
    EVERY_SHARE = 0.05

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.last_printed = self.started
        self.every = max(1, int(total * self.EVERY_SHARE))

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        if self.done % self.every and self.done != self.total and now - self.last_printed < self.EVERY_SECONDS:
            return
        self.last_printed = now
        elapsed = now - self.started
        remaining = elapsed / self.done * (self.total - self.done)
        click.echo(f"processed {self.done} of {self.total} documents in {elapsed:.0f} s, about {remaining:.0f} s left", err=True)
