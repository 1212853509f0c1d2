"""SFTP drop intake against a real OpenSSH server on loopback."""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
import uuid
from pathlib import Path

import paramiko
import pytest
from tests.intake.builders import make_pdf
from tests.intake.conftest import open_recording_intake
from tests.intake.servers import SFTP_USER

from docmatch.ingest.config import SftpDrop
from docmatch.ingest.ledger import QuarantineRecord
from docmatch.ingest.sftp import HostKeyMismatch, UnknownHostKey, poll_sftp_drop
from docmatch.pdfium import open_pdf

pytestmark = [pytest.mark.services, pytest.mark.slow]

# The reported upload took 30 s for 6 MB in 64 KB chunks with 0.3 s pauses, polled every
# 2 s; scaled down to 1 MB with 0.25 s pauses (about 4 s), polled every 0.5 s.
CHUNK = 64 * 1024
PAUSE = 0.25
POLL = 0.5


@pytest.fixture
def inbound(sshd) -> Path:  # type: ignore[no-untyped-def]
    folder = sshd.drop / f"inbound-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    shutil.chown(folder, SFTP_USER)
    return folder


@pytest.fixture
def known_hosts(sshd, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "known_hosts"
    path.write_text(sshd.known_hosts_line())
    return path


def drop_config(sshd, inbound: Path, known_hosts: Path, **overrides) -> SftpDrop:  # type: ignore[no-untyped-def]
    values = {
        "name": "partner",
        "host": "127.0.0.1",
        "port": sshd.port,
        "user": SFTP_USER,
        "key_file": sshd.client_key,
        "known_hosts": known_hosts,
        "folders": [str(inbound)],
        "stable_polls": 3,
        "stable_seconds": 1.0,
    }
    return SftpDrop(**{**values, **overrides})


def uploader(sshd) -> tuple[paramiko.Transport, paramiko.SFTPClient]:  # type: ignore[no-untyped-def]
    transport = paramiko.Transport(("127.0.0.1", sshd.port))
    transport.connect(username=SFTP_USER, pkey=paramiko.Ed25519Key.from_private_key_file(str(sshd.client_key)))
    return transport, paramiko.SFTPClient.from_transport(transport)


def slow_upload(sshd, remote_path: str, content: bytes, *, rename_to: str | None = None) -> threading.Thread:  # type: ignore[no-untyped-def]
    """Write `content` in 64 KB chunks with pauses, as a partner's client does; then rename."""

    def run() -> None:
        transport, sftp = uploader(sshd)
        try:
            with sftp.open(remote_path, "wb") as remote:
                for start in range(0, len(content), CHUNK):
                    remote.write(content[start : start + CHUNK])
                    remote.flush()
                    time.sleep(PAUSE)
            if rename_to:
                sftp.rename(remote_path, rename_to)
        finally:
            transport.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def poll_until_done(drop: SftpDrop, intake, upload: threading.Thread, *, limit: float = 40.0) -> list[tuple[float, int]]:  # type: ignore[no-untyped-def]
    """Poll every POLL seconds until the upload ended and a document was taken; return (time, documents) per poll."""
    history: list[tuple[float, int]] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        poll_sftp_drop(drop, intake)
        history.append((time.monotonic(), len(intake.documents())))
        if not upload.is_alive() and history[-1][1] > 0:
            break
        time.sleep(POLL)
    return history


@pytest.mark.parametrize("variant", ["in-place", "part-then-rename"])
def test_file_still_being_uploaded_is_taken_once_and_only_when_complete(sshd, inbound: Path, known_hosts: Path, intake, variant: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a 1 MB PDF uploaded in 64 KB chunks with pauses, under its final name or as .part then renamed
    WHEN the drop is polled every half second throughout
    THEN no poll takes it before the upload finished, it is taken exactly once, whole, and moved to done/."""
    content = make_pdf("PO-88412", padding=1024 * 1024)
    final = inbound / "PO-88412.pdf"
    if variant == "in-place":
        upload = slow_upload(sshd, str(final), content)
    else:
        upload = slow_upload(sshd, str(final) + ".part", content, rename_to=str(final))
    upload_finished: list[float] = []
    watcher = threading.Thread(target=lambda: (upload.join(), upload_finished.append(time.monotonic())))
    watcher.start()

    history = poll_until_done(drop_config(sshd, inbound, known_hosts), intake, upload)
    watcher.join()

    [document] = intake.documents()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    first_taken = next(moment for moment, count in history if count)
    assert first_taken > upload_finished[0]
    assert len(intake.arrivals()) == 1
    assert intake.dispatched == [document.id]
    assert intake.count(QuarantineRecord) == 0
    assert sorted(path.name for path in inbound.iterdir()) == ["done"]
    assert (inbound / "done" / "PO-88412.pdf").read_bytes() == content
    # The stored copy is a complete PDF, so no "corrupt PDF" case can follow.
    with open_pdf(document.stored_path) as stored:
        assert len(stored) == 1


def test_unfinished_upload_names_are_never_taken(sshd, inbound: Path, known_hosts: Path, intake) -> None:  # type: ignore[no-untyped-def]
    for name in ("a.pdf.part", "b.pdf.tmp", "c.pdf.filepart", ".d.pdf"):
        (inbound / name).write_bytes(make_pdf(name))
    drop = drop_config(sshd, inbound, known_hosts, stable_polls=2, stable_seconds=0)

    for _ in range(3):
        poll_sftp_drop(drop, intake)

    assert intake.documents() == []
    assert sorted(path.name for path in inbound.iterdir()) == [".d.pdf", "a.pdf.part", "b.pdf.tmp", "c.pdf.filepart"]


def test_rejected_file_moves_to_error_with_its_reason_and_the_rest_goes_on(sshd, inbound: Path, known_hosts: Path, intake) -> None:  # type: ignore[no-untyped-def]
    (inbound / "invoice.pdf").write_bytes(b"MZ\x90\x00" + b"\x00" * 500)
    (inbound / "empty.pdf").write_bytes(b"")
    (inbound / "good.pdf").write_bytes(make_pdf("good"))
    drop = drop_config(sshd, inbound, known_hosts, stable_polls=2, stable_seconds=0)

    poll_sftp_drop(drop, intake)
    report = poll_sftp_drop(drop, intake)

    assert (report.new, report.quarantined) == (1, 2)
    assert sorted(path.name for path in (inbound / "error").iterdir()) == ["empty.pdf", "empty.pdf.reason.txt", "invoice.pdf", "invoice.pdf.reason.txt"]
    assert "executable content (Windows program) named .pdf" in (inbound / "error" / "invoice.pdf.reason.txt").read_text()
    assert "empty file" in (inbound / "error" / "empty.pdf.reason.txt").read_text()
    assert [path.name for path in (inbound / "done").iterdir()] == ["good.pdf"]


def test_overlapping_sftp_polls_take_each_file_once(sshd, inbound: Path, known_hosts: Path, tmp_path: Path, any_database: str) -> None:  # type: ignore[no-untyped-def]
    contents = [make_pdf(f"DN-{number}") for number in range(8)]
    for number, content in enumerate(contents):
        (inbound / f"DN-{number}.pdf").write_bytes(content)
    desks = [open_recording_intake(tmp_path, any_database) for _ in range(3)]
    drop = drop_config(sshd, inbound, known_hosts, stable_polls=2, stable_seconds=0)
    start = threading.Barrier(len(desks))
    errors: list[BaseException] = []

    def run(desk) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            for _ in range(3):
                poll_sftp_drop(drop, desk)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(desks[0].documents()) == 8
    assert len(desks[0].arrivals()) == 8
    assert sum(len(desk.dispatched) for desk in desks) == 8
    assert sorted(path.name for path in (inbound / "done").iterdir()) == sorted(f"DN-{number}.pdf" for number in range(8))
    for desk in desks:
        desk.store.dispose()


def test_unknown_host_key_is_refused_with_its_fingerprint(sshd, inbound: Path, tmp_path: Path, intake) -> None:  # type: ignore[no-untyped-def]
    (inbound / "x.pdf").write_bytes(make_pdf("x"))
    empty = tmp_path / "known_hosts"
    empty.write_text("")

    with pytest.raises(UnknownHostKey) as raised:
        poll_sftp_drop(drop_config(sshd, inbound, empty), intake)

    assert "SHA256:" in str(raised.value)
    assert "is not in" in str(raised.value)
    assert empty.read_text() == ""
    assert intake.documents() == []


def test_changed_host_key_is_refused(sshd, inbound: Path, tmp_path: Path, intake) -> None:  # type: ignore[no-untyped-def]
    other = paramiko.Ed25519Key.from_private_key_file(str(sshd.client_key))
    wrong = tmp_path / "known_hosts"
    wrong.write_text(f"[127.0.0.1]:{sshd.port} ssh-ed25519 {other.get_base64()}\n")

    with pytest.raises(HostKeyMismatch, match="does not match"):
        poll_sftp_drop(drop_config(sshd, inbound, wrong), intake)


def test_hashed_known_hosts_entry_is_accepted(sshd, inbound: Path, tmp_path: Path, intake) -> None:  # type: ignore[no-untyped-def]
    """Debian's ssh-keyscan -H and HashKnownHosts write hashed host names; they must match too."""
    (inbound / "hashed.pdf").write_bytes(make_pdf("hashed"))
    hashed = tmp_path / "known_hosts"
    hashed.write_text(f"{paramiko.HostKeys.hash_host(f'[127.0.0.1]:{sshd.port}')} ssh-ed25519 {sshd.host_public_key}\n")
    drop = drop_config(sshd, inbound, hashed, stable_polls=2, stable_seconds=0)

    poll_sftp_drop(drop, intake)
    report = poll_sftp_drop(drop, intake)

    assert report.new == 1


def test_one_shot_sftp_takes_files_uploaded_just_before(sshd, inbound: Path, known_hosts: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a file uploaded to the SFTP drop just before a one-shot run
    WHEN `docmatch intake sftp --once` runs
    THEN it polls again until the file settled and takes it in that run."""
    from click.testing import CliRunner

    from docmatch.cli import cli

    content = make_pdf("ASN-77")
    upload = inbound / "ASN-77.pdf"
    upload.write_bytes(content)
    shutil.chown(upload, SFTP_USER)
    intake_file = tmp_path / "intake.yaml"
    intake_file.write_text(
        f"sftp:\n  - name: partner\n    host: 127.0.0.1\n    port: {sshd.port}\n    user: {SFTP_USER}\n    key_file: {sshd.client_key}\n"
        f"    known_hosts: {known_hosts}\n    folders: [{inbound}]\n    stable_polls: 3\n    stable_seconds: 1\n"
    )
    monkeypatch.setenv("DOCMATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")

    result = CliRunner().invoke(cli, ["intake", "sftp", "--once", "--dispatch", "store", "--intake-file", str(intake_file)])

    assert result.exit_code == 0, result.output
    assert "sftp: 1 new" in result.stdout
    assert "0 waiting" in result.stdout
    assert "not settled yet" in result.stderr
    assert (inbound / "done" / "ASN-77.pdf").read_bytes() == content
