"""The intake channels file: which mailboxes, drops, folders and Odoo folders to watch.

`DOCMATCH_INTAKE_FILE` names a YAML file with one list per channel kind (see the
README's "Intake channels" section for a full sample). Secrets may be written as
`${VARIABLE}` and are then read from the environment when the file is loaded; they are
kept as `SecretStr`, so they never appear in logs or error messages. Every entry has a
`name`: the ledger and the arrivals record that name, never a login or an address.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from docmatch.errors import ConfigurationError

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"


class _Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME, description="Short name recorded in the ledger and on arrivals.")


class ImapAccount(_Channel):
    """One mailbox account; every folder in `folders` is polled."""

    host: str
    port: int | None = Field(default=None, ge=1, le=65535, description="Defaults to 993 with tls=ssl, else 143.")
    user: str
    password: SecretStr
    tls: Literal["ssl", "starttls", "none"] = "ssl"
    ca_file: Path | None = Field(default=None, description="PEM file of the CA that signed the server's certificate, for a private CA; the system's CAs otherwise.")
    folders: list[str] = ["INBOX"]
    after_intake: Literal["move", "flag"] = "flag"
    move_to: str = Field(default="docmatch-done", description="Folder taken messages are moved to when after_intake is move.")
    done_flag: str = Field(default="$DocmatchDone", description="IMAP keyword set on taken messages when after_intake is flag.")
    refused_flag: str = Field(default="$DocmatchRefused", description="IMAP keyword set on messages rejected by size.")
    max_message_bytes: int = Field(default=25 * 1024 * 1024, gt=0, description="Messages larger than this (bytes, from RFC822.SIZE) are rejected before download.")
    senders: list[str] = Field(default=[], description="Shell patterns on the sender address (e.g. '*@supplier.example'); empty takes every sender.")
    subject_pattern: str | None = Field(default=None, description="Regular expression the subject must match (case-insensitive).")
    attachment_pattern: str | None = Field(
        default=None, description="Regular expression an attachment's file name must match (case-insensitive); other attachments are skipped, not quarantined."
    )
    timeout: float = Field(default=30.0, gt=0, description="Seconds per network operation.")

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.tls == "ssl" else 143)

    @field_validator("subject_pattern", "attachment_pattern")
    @classmethod
    def _valid_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value


class _DropChannel(_Channel):
    stable_polls: int = Field(default=2, ge=2, description="Polls in a row that must see the same size and time before a file is taken.")
    stable_seconds: float = Field(
        default=5.0, ge=0, description="Seconds the size and time must also stay the same, so that overlapping polls close together cannot count as a settled file."
    )
    ignore_suffixes: list[str] = [".part", ".tmp", ".filepart", ".crdownload", ".partial"]
    max_file_bytes: int = Field(default=100 * 1024 * 1024, gt=0)
    done_folder: str = Field(default="done", description="Sub-folder of each watched folder for processed files.")
    error_folder: str = Field(default="error", description="Sub-folder for rejected files, each with a .reason.txt beside it.")


class SftpDrop(_DropChannel):
    """Remote folders on an SFTP server, polled with paramiko; the host key must be known."""

    host: str
    port: int = Field(default=22, ge=1, le=65535)
    user: str
    key_file: Path
    key_passphrase: SecretStr | None = None
    known_hosts: Path = Field(description="OpenSSH known_hosts file containing the server's key; connections to unknown keys are rejected.")
    folders: list[str] = Field(min_length=1)
    timeout: float = Field(default=30.0, gt=0)


class FolderDrop(_DropChannel):
    """Local or mounted folders (SMB/NFS shares) with the same stability rule as SFTP."""

    folders: list[Path] = Field(min_length=1)


class OdooDocumentsChannel(_Channel):
    """An Odoo Documents folder: polled by create_date and, on 17+, pushed by webhook."""

    folder_id: int = Field(gt=0, description="16-17: a documents.folder id; 18+: a documents.document id of type folder.")
    poll_overlap_seconds: int = Field(default=300, ge=0, description="How far before the newest create_date seen each poll looks again.")


class ChannelsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    imap: list[ImapAccount] = []
    sftp: list[SftpDrop] = []
    folders: list[FolderDrop] = []
    odoo_documents: list[OdooDocumentsChannel] = []


def load_channels(path: str | Path, *, source: str = "DOCMATCH_INTAKE_FILE") -> ChannelsConfig:
    """Read and validate the channels file; `${VAR}` values come from the environment.

    `source` is the variable or command-line option that named the file, for the hint
    when the file cannot be read.

    Raises:
        ConfigurationError: the file is missing, not YAML, names an unset variable or
            does not validate; the message names the entry and the field.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigurationError(f"intake file {path} cannot be read: {exc.strerror}", hint=f"check {source} and that docmatch may read the file") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"intake file {path} is not valid YAML: {exc}", hint="fix the YAML syntax") from None
    try:
        return ChannelsConfig.model_validate(_expand(data, path))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors())
        raise ConfigurationError(f"intake file {path} is invalid: {problems}", hint="see the README's 'Intake channels' section") from None


def _expand(value: Any, path: Path) -> Any:
    if isinstance(value, dict):
        return {key: _expand(item, path) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand(item, path) for item in value]
    if isinstance(value, str):
        return _VARIABLE.sub(lambda match: _variable(match.group(1), path), value)
    return value


def _variable(name: str, path: Path) -> str:
    if name not in os.environ:
        raise ConfigurationError(f"intake file {path} uses ${{{name}}}, which is not set", hint=f"export {name} before starting docmatch")
    return os.environ[name]
