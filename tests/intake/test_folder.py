"""Local folder intake and the `docmatch intake` command."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from tests.intake.builders import make_pdf

from docmatch.cli import cli
from docmatch.ingest.config import FolderDrop
from docmatch.ingest.folder import poll_folder_drop


def folder_drop(path: Path, **overrides) -> FolderDrop:  # type: ignore[no-untyped-def]
    return FolderDrop(**{"name": "share", "folders": [path], "stable_polls": 2, "stable_seconds": 0, **overrides})


def test_growing_file_waits_until_its_size_and_time_settle(tmp_path: Path, intake) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a file on a share that grows between polls
    WHEN the folder is polled while it grows and after it stopped
    THEN it is taken only on the second poll that sees it unchanged, whole, and moved to done/."""
    inbound = tmp_path / "inbound"
    inbound.mkdir()
    content = make_pdf("DN-4711", padding=4096)
    target = inbound / "DN-4711.pdf"
    drop = folder_drop(inbound)

    target.write_bytes(content[:1000])
    assert poll_folder_drop(drop, intake).waiting == 1
    target.write_bytes(content[:3000])
    assert poll_folder_drop(drop, intake).waiting == 1
    target.write_bytes(content)
    assert poll_folder_drop(drop, intake).waiting == 1
    report = poll_folder_drop(drop, intake)

    assert report.new == 1
    [document] = intake.documents()
    assert document.size == len(content)
    assert (inbound / "done" / "DN-4711.pdf").read_bytes() == content


def test_a_new_upload_under_a_taken_name_is_taken_again(tmp_path: Path, intake) -> None:  # type: ignore[no-untyped-def]
    inbound = tmp_path / "inbound"
    inbound.mkdir()
    drop = folder_drop(inbound)
    for title in ("first", "second"):
        (inbound / "scan.pdf").write_bytes(make_pdf(title))
        poll_folder_drop(drop, intake)
        poll_folder_drop(drop, intake)

    assert len(intake.documents()) == 2
    assert sorted(path.name for path in (inbound / "done").iterdir()) == ["scan-2.pdf", "scan.pdf"]


def test_intake_command_polls_the_folders_of_the_intake_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """GIVEN files copied into a watched folder right before a one-shot run
    WHEN `docmatch intake folder --once` runs
    THEN it waits for them to settle and takes them in that same run."""
    inbound = tmp_path / "inbound"
    inbound.mkdir()
    (inbound / "PO-1.pdf").write_bytes(make_pdf("PO-1"))
    (inbound / "bad.pdf").write_bytes(b"")
    (inbound / "fake.pdf").write_bytes(b"plain words, no PDF header")
    intake_file = tmp_path / "intake.yaml"
    intake_file.write_text(f"folders:\n  - name: share\n    folders: [{inbound}]\n    stable_polls: 2\n    stable_seconds: 1\n")
    monkeypatch.setenv("DOCMATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")

    first = CliRunner().invoke(cli, ["intake", "folder", "--once", "--dispatch", "store", "--intake-file", str(intake_file)])

    assert first.exit_code == 0, first.output
    assert "folder: 1 new, 0 known, 2 quarantined" in first.stdout
    assert "0 waiting" in first.stdout
    assert "folder: 3 file(s) not settled yet (new or still changing); polling again in 1.0 s" in first.stderr
    assert "left because they were still changing" not in first.stderr
    assert (inbound / "done" / "PO-1.pdf").is_file()
    assert (inbound / "error" / "bad.pdf.reason.txt").read_text().strip().endswith("empty file")
    fake_reason = (inbound / "error" / "fake.pdf.reason.txt").read_text().strip()
    assert fake_reason.endswith("content is plain text, not a PDF, PNG, JPEG or TIFF file, although the name ends in .pdf")

    listed = CliRunner().invoke(cli, ["quarantine"])

    assert listed.exit_code == 0, listed.output
    assert "fake.pdf: content is plain text, not a PDF, PNG, JPEG or TIFF file, although the name ends in .pdf" in listed.stdout


def test_one_shot_names_files_still_changing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a file that keeps growing during the whole stability window
    WHEN a one-shot run polls the folder
    THEN it leaves the file, and stderr gives how many files were left and when to run again."""
    import threading
    import time

    inbound = tmp_path / "inbound"
    inbound.mkdir()
    growing = inbound / "scan.pdf"
    growing.write_bytes(make_pdf("scan"))
    intake_file = tmp_path / "intake.yaml"
    intake_file.write_text(f"folders:\n  - name: share\n    folders: [{inbound}]\n    stable_polls: 2\n    stable_seconds: 1\n")
    monkeypatch.setenv("DOCMATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            with growing.open("ab") as handle:
                handle.write(b"%" * 100)
            time.sleep(0.1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = CliRunner().invoke(cli, ["intake", "folder", "--once", "--dispatch", "store", "--intake-file", str(intake_file)])
    finally:
        stop.set()
        writer.join()

    assert result.exit_code == 0, result.output
    assert "0 new" in result.stdout
    assert "1 waiting" in result.stdout
    assert "folder: 1 file(s) left because they were still changing; run again in 1 s or later to take them" in result.stderr
    assert not (inbound / "done").exists()


def test_intake_file_secrets_come_from_the_environment_and_stay_hidden(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from docmatch.ingest.config import load_channels

    path = tmp_path / "intake.yaml"
    path.write_text("imap:\n  - name: ap\n    host: mail.example.com\n    user: ap\n    password: ${AP_MAIL_PASSWORD}\n")
    monkeypatch.setenv("AP_MAIL_PASSWORD", "s3cret-value")

    [account] = load_channels(path).imap

    assert account.password.get_secret_value() == "s3cret-value"
    assert "s3cret-value" not in repr(account)


def test_poll_channels_returns_the_new_documents_for_the_workers(tmp_path: Path, intake) -> None:  # type: ignore[no-untyped-def]
    """The beat task's entry point polls every channel and leaves dispatching to the caller."""
    from docmatch.ingest import poll_channels

    inbound = tmp_path / "inbound"
    inbound.mkdir()
    (inbound / "PO-2.pdf").write_bytes(make_pdf("PO-2"))
    intake_file = tmp_path / "intake.yaml"
    intake_file.write_text(f"folders:\n  - name: share\n    folders: [{inbound}]\n    stable_polls: 2\n    stable_seconds: 0\n")
    settings = intake.settings.model_copy(update={"intake_file": intake_file})

    first = poll_channels(settings, intake.store)
    second = poll_channels(settings, intake.store)

    assert first == []
    assert [(stored.created, stored.state) for stored in second] == [(True, "received")]
    assert [row.id for row in intake.documents()] == [second[0].id]
    assert intake.dispatched == []


def test_inline_dispatch_runs_the_pipeline_once_per_document(tmp_path: Path) -> None:
    """GIVEN the demo's Odoo snapshot and one demo invoice dropped in a watched folder
    WHEN the folder is polled with inline dispatch, and the same file is uploaded afterwards
    THEN the pipeline records one case for the document, and the upload only adds an arrival."""
    from shutil import copyfile

    from sqlalchemy import func, select

    from docmatch.ingest.poll import open_intake
    from docmatch.settings import load_settings
    from docmatch.storage.tables import ArrivalRow, CaseRow

    demo = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
    invoice = sorted((demo / "documents").glob("invoice-*.pdf"))[0]
    inbound = tmp_path / "inbound"
    inbound.mkdir()
    copyfile(invoice, inbound / invoice.name)
    settings = load_settings(
        data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", odoo_snapshot=demo / "odoo", company_timezone="Europe/Berlin"
    )
    desk = open_intake(settings, dispatch="inline")
    drop = folder_drop(inbound)

    poll_folder_drop(drop, desk)
    poll_folder_drop(drop, desk)
    again = desk.receive(invoice.read_bytes(), filename=invoice.name, channel="upload", source="test")

    assert again.outcome == "known"
    with desk.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CaseRow)) == 1
        assert session.scalar(select(func.count()).select_from(ArrivalRow)) == 2
    desk.store.dispose()


def test_quarantine_command_lists_reasons(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from docmatch.ingest.poll import open_intake
    from docmatch.settings import load_settings

    monkeypatch.setenv("DOCMATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    monkeypatch.setenv("DOCMATCH_DATA_DIR", str(tmp_path / "data"))
    desk = open_intake(load_settings(), dispatch="store")
    desk.receive(b"PK\x03\x04" + b"\x00" * 100, filename="invoices.zip", channel="upload", source="upload:invoices.zip")
    desk.store.dispose()

    result = CliRunner().invoke(cli, ["quarantine"])

    assert result.exit_code == 0, result.output
    assert "invoices.zip: archive (zip) named .zip" in result.output


def test_nfd_file_name_arrives_in_nfc(tmp_path: Path, intake) -> None:  # type: ignore[no-untyped-def]
    import unicodedata

    inbound = tmp_path / "inbound"
    inbound.mkdir()
    name = unicodedata.normalize("NFD", "Lieferschein äöü ß 2024.pdf")
    (inbound / name).write_bytes(make_pdf("Lieferschein"))
    drop = folder_drop(inbound)

    poll_folder_drop(drop, intake)
    poll_folder_drop(drop, intake)

    [arrival] = intake.arrivals()
    assert arrival.filename == unicodedata.normalize("NFC", name)
    assert (inbound / "done" / name).is_file()


def test_oversized_file_moves_to_error(tmp_path: Path, intake) -> None:  # type: ignore[no-untyped-def]
    inbound = tmp_path / "inbound"
    inbound.mkdir()
    (inbound / "huge.pdf").write_bytes(make_pdf("huge", padding=5000))
    drop = folder_drop(inbound, max_file_bytes=4096)

    poll_folder_drop(drop, intake)
    report = poll_folder_drop(drop, intake)

    assert report.quarantined == 1
    assert intake.documents() == []
    assert "exceeds the limit of 4096" in (inbound / "error" / "huge.pdf.reason.txt").read_text()


def test_back_to_back_polls_do_not_settle_a_growing_file(tmp_path: Path) -> None:
    """GIVEN two pollers whose polls come milliseconds apart, and a file still being written
    WHEN each polls right after the other
    THEN the file is not taken until it has also been unchanged for stable_seconds."""
    import time

    from tests.intake.conftest import open_recording_intake

    inbound = tmp_path / "inbound"
    inbound.mkdir()
    content = make_pdf("DN-77", padding=4096)
    target = inbound / "DN-77.pdf"
    first, second = open_recording_intake(tmp_path), open_recording_intake(tmp_path)
    drop = folder_drop(inbound, stable_seconds=1.0)

    target.write_bytes(content[:2000])
    for desk in (first, second, first, second):
        poll_folder_drop(drop, desk)
    assert first.documents() == []

    target.write_bytes(content)
    for desk in (first, second):
        poll_folder_drop(drop, desk)
    time.sleep(1.1)
    poll_folder_drop(drop, first)

    [document] = first.documents()
    assert document.size == len(content)
    for desk in (first, second):
        desk.store.dispose()


def test_readme_sample_intake_file_is_valid(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from docmatch.ingest.config import load_channels

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Intake channels", 1)[1]
    sample = section.split("```yaml", 1)[1].split("```", 1)[0]
    path = tmp_path / "intake.yaml"
    path.write_text(sample)
    monkeypatch.setenv("DOCMATCH_AP_MAIL_PASSWORD", "x")

    channels = load_channels(path)

    assert [len(channels.imap), len(channels.sftp), len(channels.folders), len(channels.odoo_documents)] == [1, 1, 1, 1]
