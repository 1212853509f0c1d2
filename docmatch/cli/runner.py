"""Shared set-up for commands that run the pipeline in-process."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from docmatch.errors import ConfigurationError
from docmatch.odoo.catalog import load_catalog
from docmatch.pipeline import DocumentResult, PipelineContext, process_path
from docmatch.rules import load_policy
from docmatch.settings import load_settings

log = logging.getLogger(__name__)


def build_context(*, odoo_snapshot: Path | None = None, odoo_url: str | None = None, rules_file: Path | None = None) -> PipelineContext:
    """Read settings, the Odoo records and the policy for an in-process run."""
    settings = load_settings(odoo_snapshot=odoo_snapshot, odoo_url=odoo_url, rules_file=rules_file)
    source = open_odoo_source(settings)
    return PipelineContext(settings=settings, catalog=load_catalog(source), policy=load_policy(settings.rules_file))


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


def run_files(files: list[Path], context: PipelineContext, *, progress: bool = False) -> list[DocumentResult]:
    """Process each file in order; a progress bar on stderr when `progress` is set."""
    results: list[DocumentResult] = []
    with click.progressbar(files, label="documents", file=click.get_text_stream("stderr"), hidden=not progress) as bar:
        for path in bar:
            results.append(process_path(path, context))
    return results
