"""Local folder intake, for folders on this machine and mounted shares (SMB, NFS).

The same stability rule as the SFTP drop applies (see `docmatch.ingest.drop`): network
shares show files at full name while they are still being copied, so only a size and
time that stayed the same over `stable_polls` polls count as finished.
"""

from __future__ import annotations

import os
from pathlib import Path

from docmatch.errors import IntakeError
from docmatch.ingest.config import FolderDrop
from docmatch.ingest.drop import DropEntry, DropPoller, free_name
from docmatch.ingest.intake import Intake, IntakeReport


class LocalBackend:
    """`DropBackend` over the local file system."""

    def list(self, folder: str) -> list[DropEntry]:
        try:
            with os.scandir(folder) as entries:
                return [
                    DropEntry(entry.name, stat.st_size, stat.st_mtime, entry.is_file(follow_symlinks=False))
                    for entry in entries
                    for stat in [entry.stat(follow_symlinks=False)]
                ]
        except FileNotFoundError as exc:
            raise IntakeError(f"watched folder {folder} does not exist", hint="create it or fix the folders list in the intake file") from exc
        except PermissionError as exc:
            raise IntakeError(f"watched folder {folder} cannot be read", hint="give the docmatch user read and write access") from exc

    def read(self, folder: str, name: str) -> bytes:
        return (Path(folder) / name).read_bytes()

    def move(self, folder: str, name: str, subfolder: str) -> str:
        target_dir = Path(folder) / subfolder
        target_dir.mkdir(exist_ok=True)
        target = free_name(name, {entry.name for entry in target_dir.iterdir()})
        os.rename(Path(folder) / name, target_dir / target)
        return target

    def write_text(self, folder: str, subfolder: str, name: str, text: str) -> None:
        (Path(folder) / subfolder / name).write_text(text, encoding="utf-8")


def poll_folder_drop(drop: FolderDrop, intake: Intake) -> IntakeReport:
    """Poll every folder of `drop` once."""
    return DropPoller(drop, LocalBackend(), intake, channel="folder").poll()
