"""`docmatch intake`: poll the intake channels once, or in a loop."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click

log = logging.getLogger(__name__)


@click.command("intake")
@click.argument("kind", type=click.Choice(["imap", "sftp", "folder", "odoo"]))
@click.option("--once", is_flag=True, help="Poll once and exit (the default is a loop). For sftp and folder, files that are still settling are polled again for up to one stability window (stable_seconds of the intake file) and taken when they stop changing.")
@click.option("--interval", type=click.FloatRange(min=1), default=60.0, help="Seconds between two polls in the loop.")
@click.option("--channel", "only", help="Poll only the channel with this name.")
@click.option("--intake-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Channels file. Defaults to DOCMATCH_INTAKE_FILE.")
@click.option("--dispatch", type=click.Choice(["inline", "workers", "store"]), default=None, help="inline: process new documents here; workers: queue them for Celery; store: only record them. Defaults to DOCMATCH_INTAKE_DISPATCH (inline).")
def intake_command(kind: str, once: bool, interval: float, only: str | None, intake_file: Path | None, dispatch: str | None) -> None:
    """Take documents from the KIND channels of the intake file.

    Each new document is stored under its content hash and processed; a file that
    arrives again, by any channel, only gains an arrival.
    """
    from docmatch.errors import DocmatchError
    from docmatch.ingest.poll import channels_from_settings, open_intake, poll_kind, poll_kind_settled, settle_wait
    from docmatch.settings import load_settings

    settings = load_settings(intake_file=intake_file, intake_dispatch=dispatch, options={"intake_file": "--intake-file", "intake_dispatch": "--dispatch"})
    channels = channels_from_settings(settings, option="--intake-file")
    intake = open_intake(settings)
    while True:
        try:
            if once:
                report, failures = poll_kind_settled(kind, channels, intake, only=only, on_wait=_waiting_line(kind))  # type: ignore[arg-type]
            else:
                report, failures = poll_kind(kind, channels, intake, only=only)  # type: ignore[arg-type]
        except DocmatchError as exc:
            if once:
                raise
            # The database or a dependency is down: the loop tries again after the interval.
            log.error("intake poll failed, next try in %.0f s: %s", interval, exc)
            time.sleep(interval)
            continue
        click.echo(f"{kind}: {report.summary()}")
        for failure in failures:
            click.echo(f"error: {failure}", err=True)
        if once:
            wait = settle_wait(kind, channels, only=only)  # type: ignore[arg-type]
            if report.waiting and wait is not None:
                click.echo(f"{kind}: {report.waiting} file(s) left because they were still changing; run again in {wait.window:.0f} s or later to take them", err=True)
            if failures or report.failed:
                raise SystemExit(6)
            return
        time.sleep(interval)


def _waiting_line(kind: str):  # type: ignore[no-untyped-def]
    def show(waiting: int, pause: float) -> None:
        click.echo(f"{kind}: {waiting} file(s) not settled yet (new or still changing); polling again in {pause:.1f} s", err=True)

    return show


@click.command("quarantine")
@click.option("--limit", type=click.IntRange(min=1), default=50, help="Number of entries to list.")
def quarantine_command(limit: int) -> None:
    """List the files the intake set aside, newest first, with the reason for each."""
    from sqlalchemy import select

    from docmatch.ingest.ledger import QuarantineRecord
    from docmatch.ingest.poll import open_intake
    from docmatch.settings import load_settings

    intake = open_intake(load_settings(), dispatch="store")
    with intake.sessions() as session:
        records = list(session.scalars(select(QuarantineRecord).order_by(QuarantineRecord.id.desc()).limit(limit)))
    if not records:
        click.echo("nothing quarantined")
    for record in records:
        click.echo(f"{record.created_at:%Y-%m-%d %H:%M} {record.channel:<15} {record.filename}: {record.reason}")
        click.echo(f"    from {record.source}" + (f", kept at {record.stored_path}" if record.stored_path else ""))


commands = [intake_command, quarantine_command]
