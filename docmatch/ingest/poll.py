"""Run the pollers of the channels named in the intake file.

`docmatch intake` calls `poll_kind` for one kind of channel; the workers' beat schedule
calls `poll_channels(settings, store)` for all of them and queues the documents it
returns. One channel that fails (server down, login refused) is reported and the others
still run.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from docmatch.errors import ConfigurationError, DocmatchError
from docmatch.ingest.config import ChannelsConfig, load_channels
from docmatch.ingest.dispatch import DispatchMode, make_dispatcher
from docmatch.ingest.intake import Intake, IntakeReport
from docmatch.settings import Settings

log = logging.getLogger(__name__)

ChannelKind = Literal["imap", "sftp", "folder", "odoo"]
CHANNEL_KINDS: tuple[str, ...] = ("imap", "sftp", "folder", "odoo")


def open_intake(settings: Settings, *, dispatch: DispatchMode | None = None) -> Intake:
    """Open docmatch's database (migrated) and return the intake desk.

    `dispatch` overrides `settings.intake_dispatch`, the usual way to choose.
    """
    from docmatch.storage.store import Store

    store = Store.from_settings(settings)
    store.migrate()
    return Intake(settings, store, dispatch=make_dispatcher(settings, mode=dispatch or settings.intake_dispatch, store=store))


def channels_from_settings(settings: Settings, *, option: str | None = None) -> ChannelsConfig:
    """Load the channels file the settings name.

    Args:
        option: the command-line option that also names the file, such as
            "--intake-file", so that the hint offers it beside the variable.

    Raises:
        ConfigurationError: no channels file is set, or it is unreadable or invalid.
    """
    if settings.intake_file is None:
        ways = f"pass {option} FILE or set DOCMATCH_INTAKE_FILE" if option else "set DOCMATCH_INTAKE_FILE"
        raise ConfigurationError("no intake channels configured", hint=f"{ways} to a channels file (see the README's 'Intake channels')")
    return load_channels(settings.intake_file, source=settings.source_of("intake_file"))


def poll_channels(settings: Settings, store) -> list:  # type: ignore[no-untyped-def]
    """Poll every channel of the intake file once and return the new documents.

    For the workers' beat task: the documents are only recorded here (state `received`),
    the caller queues their extraction. Returns `StoredDocument`s; none without an
    intake file.
    """
    from docmatch.storage.store import StoredDocument

    if settings.intake_file is None:
        return []
    channels = load_channels(settings.intake_file)
    added: list[StoredDocument] = []
    intake = Intake(settings, store, dispatch=lambda document, document_id: added.append(StoredDocument(document_id, document.sha256, "received", True)))
    for kind in CHANNEL_KINDS:
        poll_kind(kind, channels, intake)  # type: ignore[arg-type]
    return added


def poll_kind(kind: ChannelKind, channels: ChannelsConfig, intake: Intake, *, only: str | None = None) -> tuple[IntakeReport, list[str]]:
    """Poll every channel of `kind` once (or only the one named `only`).

    Returns the summed counts and one message per channel that failed.
    """
    report, failures = IntakeReport(), []
    selected = [channel for channel in _channels_of(kind, channels) if only is None or channel.name == only]
    if only is not None and not selected:
        raise ConfigurationError(f"no {kind} channel named {only!r} in the intake file", hint="check the name: entries of the intake file")
    for channel in selected:
        try:
            report.merge(_poll_one(kind, channel, intake))
        except DocmatchError as exc:
            log.error("%s channel %s failed: %s", kind, channel.name, exc.message)
            failures.append(str(exc))
    return report, failures


# Channels whose files must stay unchanged for a while before they are taken.
DROP_KINDS: tuple[str, ...] = ("sftp", "folder")


@dataclass(frozen=True)
class SettleWait:
    """Timing of the extra polls of a one-shot run: the pause between polls and the total bound, in seconds."""

    pause: float
    window: float


def settle_wait(kind: ChannelKind, channels: ChannelsConfig, *, only: str | None = None) -> SettleWait | None:
    """Return the wait that lets a file unchanged since the first poll pass the stability rule.

    A file is taken after `stable_polls` polls that saw it unchanged and `stable_seconds`
    since its size and time were first seen, so the polls after the first are spread over
    that window. None for channels without a stability rule (IMAP, Odoo Documents).
    """
    if kind not in DROP_KINDS:
        return None
    drops = [drop for drop in _channels_of(kind, channels) if only is None or drop.name == only]
    if not drops:
        return None
    pause = min(max(0.5, drop.stable_seconds / (drop.stable_polls - 1)) for drop in drops)
    window = max(max(drop.stable_seconds, pause * (drop.stable_polls - 1)) for drop in drops)
    return SettleWait(pause=pause, window=window)


def poll_kind_settled(
    kind: ChannelKind,
    channels: ChannelsConfig,
    intake: Intake,
    *,
    only: str | None = None,
    on_wait: Callable[[int, float], None] | None = None,
) -> tuple[IntakeReport, list[str]]:
    """Poll `kind` once, then again while drop files settle, for at most one stability window.

    For one-shot runs: files copied just before the run are taken in the same run when
    they stop changing. `on_wait(waiting, pause)` is called before each extra poll. The
    returned report sums every poll, except `waiting`, which is what the last poll left.
    """
    report, failures = poll_kind(kind, channels, intake, only=only)
    wait = settle_wait(kind, channels, only=only)
    if wait is None:
        return report, failures
    deadline = time.monotonic() + wait.window + wait.pause
    while report.waiting and time.monotonic() + wait.pause <= deadline:
        if on_wait is not None:
            on_wait(report.waiting, wait.pause)
        time.sleep(wait.pause)
        again, more_failures = poll_kind(kind, channels, intake, only=only)
        report.waiting = 0
        report.merge(again)
        failures += [failure for failure in more_failures if failure not in failures]
    return report, failures


def _channels_of(kind: ChannelKind, channels: ChannelsConfig) -> list:  # type: ignore[type-arg]
    return {"imap": channels.imap, "sftp": channels.sftp, "folder": channels.folders, "odoo": channels.odoo_documents}[kind]


def _poll_one(kind: ChannelKind, channel, intake: Intake) -> IntakeReport:  # type: ignore[no-untyped-def]
    if kind == "imap":
        from docmatch.ingest.imap import ImapPoller

        return ImapPoller(channel, intake, worker=worker_name()).poll()
    if kind == "sftp":
        from docmatch.ingest.sftp import poll_sftp_drop

        return poll_sftp_drop(channel, intake)
    if kind == "folder":
        from docmatch.ingest.folder import poll_folder_drop

        return poll_folder_drop(channel, intake)
    from docmatch.ingest.odoo_documents import OdooDocumentsPoller
    from docmatch.odoo.client import OdooClient

    return OdooDocumentsPoller(channel, OdooClient.from_settings(intake.settings), intake).poll()


def worker_name() -> str:
    """Name this poller in the ledger: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]
