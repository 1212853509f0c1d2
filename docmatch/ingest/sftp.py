"""SFTP drop intake: poll remote folders with paramiko, with the host key pinned.

The server's key must be in the `known_hosts` file of the drop's configuration. An
unknown key is refused with its fingerprint in the message, so an operator can check it
with the server's administrator and add it (`ssh-keyscan -p PORT HOST >> known_hosts`);
a key that differs from the known one is refused as a possible interception. docmatch
never adds a key by itself.

Files are taken by the stability rule of `docmatch.ingest.drop`.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import posixpath
import stat
from collections.abc import Iterator
from contextlib import contextmanager

import paramiko

from docmatch.errors import IntakeError
from docmatch.ingest.config import SftpDrop
from docmatch.ingest.drop import DropEntry, DropPoller, free_name
from docmatch.ingest.intake import Intake, IntakeReport

log = logging.getLogger(__name__)


class UnknownHostKey(IntakeError):
    hint = "verify the fingerprint with the server's administrator, then add the key to the known_hosts file"


class HostKeyMismatch(IntakeError):
    hint = "the server's key changed: confirm with its administrator before replacing the known_hosts entry"


class _RefuseUnknownKeys(paramiko.MissingHostKeyPolicy):
    def __init__(self, drop: SftpDrop) -> None:
        self.drop = drop

    def missing_host_key(self, client, hostname, key) -> None:  # type: ignore[no-untyped-def]
        raise UnknownHostKey(
            f"SFTP drop {self.drop.name}: host key of {hostname} is not in {self.drop.known_hosts} "
            f"({key.get_name()} {fingerprint(key)}); connection refused"
        )


def fingerprint(key: paramiko.PKey) -> str:
    """Return the key's SHA256 fingerprint as OpenSSH prints it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


@contextmanager
def connect(drop: SftpDrop) -> Iterator[paramiko.SFTPClient]:
    """Open an SFTP session with the host key checked; failures become IntakeError."""
    client = paramiko.SSHClient()
    try:
        client.load_host_keys(str(drop.known_hosts))
    except OSError as exc:
        raise IntakeError(f"SFTP drop {drop.name}: known_hosts file {drop.known_hosts} cannot be read", hint="create it with ssh-keyscan and check the key") from exc
    client.set_missing_host_key_policy(_RefuseUnknownKeys(drop))
    try:
        client.connect(
            drop.host,
            port=drop.port,
            username=drop.user,
            key_filename=str(drop.key_file),
            passphrase=drop.key_passphrase.get_secret_value() if drop.key_passphrase else None,
            look_for_keys=False,
            allow_agent=False,
            timeout=drop.timeout,
            banner_timeout=drop.timeout,
            auth_timeout=drop.timeout,
        )
        sftp = client.open_sftp()
    except IntakeError:
        client.close()
        raise
    except paramiko.BadHostKeyException as exc:
        client.close()
        raise HostKeyMismatch(
            f"SFTP drop {drop.name}: host key of {drop.host} does not match {drop.known_hosts} "
            f"(server sent {fingerprint(exc.key)}, expected {fingerprint(exc.expected_key)}); connection refused"
        ) from None
    except paramiko.AuthenticationException as exc:
        client.close()
        raise IntakeError(f"SFTP drop {drop.name}: login refused", hint="check user and key_file, and the server's authorized_keys") from exc
    except (paramiko.SSHException, OSError) as exc:
        client.close()
        raise IntakeError(f"SFTP drop {drop.name}: cannot connect: {type(exc).__name__}: {exc}"[:300], hint="check host and port; the next poll tries again") from exc
    try:
        sftp.get_channel().settimeout(drop.timeout)
        yield sftp
    finally:
        sftp.close()
        client.close()


class SftpBackend:
    """`DropBackend` over an open SFTP session."""

    def __init__(self, sftp: paramiko.SFTPClient) -> None:
        self.sftp = sftp

    def list(self, folder: str) -> list[DropEntry]:
        try:
            attributes = self.sftp.listdir_attr(folder)
        except OSError as exc:
            raise IntakeError(f"remote folder {folder} cannot be listed: {exc}", hint="check the folders list of the SFTP drop") from exc
        return [DropEntry(item.filename, item.st_size or 0, float(item.st_mtime or 0), stat.S_ISREG(item.st_mode or 0)) for item in attributes]

    def read(self, folder: str, name: str) -> bytes:
        with self.sftp.open(posixpath.join(folder, name), "rb") as remote:
            remote.prefetch()
            return remote.read()

    def move(self, folder: str, name: str, subfolder: str) -> str:
        target_dir = posixpath.join(folder, subfolder)
        try:
            taken = set(self.sftp.listdir(target_dir))
        except FileNotFoundError:
            self.sftp.mkdir(target_dir)
            taken = set()
        target = free_name(name, taken)
        # SFTP version 3 rename never overwrites, so a name taken meanwhile fails loudly.
        self.sftp.rename(posixpath.join(folder, name), posixpath.join(target_dir, target))
        return target

    def write_text(self, folder: str, subfolder: str, name: str, text: str) -> None:
        with self.sftp.open(posixpath.join(folder, subfolder, name), "w") as remote:
            remote.write(text.encode("utf-8"))


def poll_sftp_drop(drop: SftpDrop, intake: Intake) -> IntakeReport:
    """Connect, poll every remote folder of `drop` once, disconnect."""
    log.info("SFTP drop %s: poll started", drop.name)
    with connect(drop) as sftp:
        return DropPoller(drop, SftpBackend(sftp), intake, channel="sftp").poll()
