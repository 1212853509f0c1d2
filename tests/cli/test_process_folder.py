"""`docmatch process FOLDER`: the supported files of a folder, in a stable order, the others named."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from docmatch.cli.inputs import collect_inputs
from tests.cli.conftest import CliRun

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
CLEAN = DEMO / "documents" / "invoice-vdberg-clean-en.pdf"
UOM = DEMO / "documents" / "invoice-greenline-uom-en.pdf"


def make_folder(root: Path) -> Path:
    folder = root / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / ".trash").mkdir()
    shutil.copy(UOM, folder / "b-uom.PDF")
    shutil.copy(CLEAN, folder / "a-clean.pdf")
    shutil.copy(CLEAN, folder / ".hidden.pdf")
    shutil.copy(CLEAN, folder / ".trash" / "old.pdf")
    (folder / "notes.txt").write_text("not a document")
    (folder / "scan.tiff").write_bytes(b"II*\x00")
    shutil.copy(UOM, folder / "sub" / "c-nested.pdf")
    return folder


def test_folder_takes_supported_files_in_name_order(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)

    inputs = collect_inputs([folder])

    assert [path.name for path in inputs.files] == ["a-clean.pdf", "b-uom.PDF", "scan.tiff"]
    assert [path.name for path in inputs.unsupported] == ["notes.txt"]
    assert [path.name for path in inputs.subfolders] == ["sub"]


def test_hidden_files_and_broken_links_are_named(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    (folder / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")

    inputs = collect_inputs([folder], recursive=True)

    assert [str(path.relative_to(folder)) for path in inputs.hidden] == [".hidden.pdf", ".trash"]
    assert [path.name for path in inputs.broken_links] == ["gone.pdf"]
    assert "gone.pdf" not in [path.name for path in inputs.files]


def test_recursive_folder_adds_sub_folders(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)

    inputs = collect_inputs([folder], recursive=True)

    assert [str(path.relative_to(folder)) for path in inputs.files] == ["a-clean.pdf", "b-uom.PDF", "scan.tiff", "sub/c-nested.pdf"]
    assert inputs.subfolders == []


def test_files_and_folders_keep_argument_order(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    named = tmp_path / "first.txt"
    named.write_text("named directly")

    inputs = collect_inputs([named, folder, folder / "a-clean.pdf"])

    assert [path.name for path in inputs.files] == ["first.txt", "a-clean.pdf", "b-uom.PDF", "scan.tiff"]


def test_empty_folder_is_reported(tmp_path: Path) -> None:
    inputs = collect_inputs([tmp_path])

    assert inputs.files == []
    assert inputs.empty_folders == [tmp_path]


def test_process_folder_prints_cases_and_skips(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(UOM, folder / "b-uom.pdf")
    shutil.copy(CLEAN, folder / "a-clean.pdf")
    (folder / "notes.txt").write_text("not a document")

    run = run_cli("process", str(folder), "--odoo-snapshot", str(DEMO / "odoo"), "--json")

    assert run.code == 0, run.err
    cases = json.loads(run.out)
    assert [case["document"]["filename"] for case in cases] == ["a-clean.pdf", "b-uom.pdf"]
    assert [finding["kind"] for finding in cases[1]["findings"]] == ["uom_mismatch"]
    assert f"skipped {folder / 'notes.txt'}" in run.err


def test_process_folder_without_documents_fails(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a document")

    run = run_cli("process", str(tmp_path), "--odoo-snapshot", str(DEMO / "odoo"))

    assert run.code == 2
    assert "no documents to process" in run.err


def test_summary_names_data_folder_and_database(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    run = run_cli("process", str(CLEAN), "--odoo-snapshot", str(DEMO / "odoo"), env={"DOCMATCH_DATA_DIR": str(data_dir)})

    assert run.code == 0, run.err
    last_line = run.out.strip().splitlines()[-1]
    assert last_line == f"Data folder: {data_dir}; database: sqlite:///{data_dir / 'docmatch.sqlite3'}"


def test_json_output_names_data_location_on_stderr(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    run = run_cli("process", str(CLEAN), "--odoo-snapshot", str(DEMO / "odoo"), "--json", env={"DOCMATCH_DATA_DIR": str(tmp_path)})

    assert json.loads(run.out)[0]["document"]["filename"] == CLEAN.name
    assert f"Data folder: {tmp_path}" in run.err


def test_process_help_says_where_data_goes_and_recursion(run_cli: Callable[..., CliRun]) -> None:
    run = run_cli("process", "--help")

    text = " ".join(run.out.split())
    assert "~/.local/share/docmatch" in text
    assert "DOCMATCH_DATA_DIR" in text
    assert "--recursive" in text
    assert "Only the files directly inside are taken unless --recursive" in text
