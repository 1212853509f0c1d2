"""Shared set-up for commands that run the pipeline in-process, and for the workers."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

import click

from docmatch.errors import ConfigurationError, InputError
from docmatch.explain import make_explainer
from docmatch.odoo.catalog import load_catalog
from docmatch.pipeline import DocumentResult, PipelineContext, process_path
from docmatch.rules import load_policy
from docmatch.settings import Settings, load_settings
from docmatch.storage.store import Store

log = logging.getLogger(__name__)


def build_context(*, odoo_snapshot: Path | None = None, odoo_url: str | None = None, rules_file: Path | None = None) -> PipelineContext:
    """Read settings, the Odoo records and the policy for an in-process run."""
    settings = load_settings(odoo_snapshot=odoo_snapshot, odoo_url=odoo_url, rules_file=rules_file)
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
        prior_documents=store.prior_documents(),
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


def run_files(files: list[Path], context: PipelineContext, *, progress: bool = False, skipped: list[Path] | None = None) -> list[DocumentResult]:
    """Process each file in order; a progress bar on stderr when `progress` is set.

    A file that cannot be opened is reported on stderr and appended to `skipped`, so
    one bad path does not lose the rest of the batch.
    """
    results: list[DocumentResult] = []
    with click.progressbar(files, label="documents", file=sys.stderr, hidden=not progress) as bar:
        for path in bar:
            try:
                results.append(process_path(path, context))
            except InputError as exc:
                log.error("skipped %s: %s", path.name, exc.message)
                click.echo(f"error: {exc.message} ({exc.hint})", err=True)
                if skipped is not None:
                    skipped.append(path)
    return results
