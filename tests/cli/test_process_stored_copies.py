"""`docmatch process` keeps a copy of each document and counts one content once per run."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from docmatch.ingest import register_file
from docmatch.storage.store import Store
from docmatch.storage.tables import ArrivalRow, DocumentRow
from docmatch.web.store_repository import StoreRepository
from tests.cli.conftest import CliRun

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
INVOICE = DEMO / "documents" / "invoice-hansa-tax-de.pdf"
OTHER = DEMO / "documents" / "invoice-greenline-uom-en.pdf"
SHA256 = hashlib.sha256(INVOICE.read_bytes()).hexdigest()


def open_store(data_dir: Path) -> Store:
    return Store(f"sqlite:///{data_dir / 'docmatch.sqlite3'}")


def test_process_records_a_copy_in_the_data_folder(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    """GIVEN a user's PDF WHEN it is processed and then replaced by another PDF
    THEN the database points at a copy with the original content."""
    data_dir = tmp_path / "data"
    original = tmp_path / "x" / "x.pdf"
    original.parent.mkdir()
    shutil.copy(INVOICE, original)

    run = run_cli("process", str(original), "--odoo-snapshot", str(DEMO / "odoo"), env={"DOCMATCH_DATA_DIR": str(data_dir)})
    shutil.copy(OTHER, original)

    assert run.code == 0, run.err
    store = open_store(data_dir)
    record = StoreRepository(store).get(SHA256)
    assert record is not None
    copy = data_dir / "documents" / SHA256[:2] / SHA256
    assert record.document.path == str(copy)
    assert copy.read_bytes() == INVOICE.read_bytes()
    with store.session() as session:
        assert session.scalars(select(ArrivalRow.source_ref)).all() == [str(original)]
    store.dispose()


def test_old_row_with_user_path_moves_to_copy(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    """GIVEN a database row that records the user's own path WHEN the file is processed
    again THEN the row records the stored copy instead."""
    data_dir = tmp_path / "data"
    original = tmp_path / "invoice.pdf"
    shutil.copy(INVOICE, original)
    store = open_store(data_dir)
    store.migrate()
    store.add_arrival(register_file(original))

    run = run_cli("process", str(original), "--odoo-snapshot", str(DEMO / "odoo"), env={"DOCMATCH_DATA_DIR": str(data_dir)})

    assert run.code == 0, run.err
    with store.session() as session:
        assert session.scalars(select(DocumentRow.stored_path)).all() == [str(data_dir / "documents" / SHA256[:2] / SHA256)]
    store.dispose()


def test_same_content_twice_in_one_run_is_one_case(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    """GIVEN two byte-identical files WHEN both are processed in one run THEN there is one
    case, the second file is named on stderr, and the document has two arrivals."""
    data_dir = tmp_path / "data"
    first, second = tmp_path / "a.pdf", tmp_path / "a-copy.pdf"
    shutil.copy(INVOICE, first)
    shutil.copy(INVOICE, second)

    run = run_cli("process", str(first), str(second), "--odoo-snapshot", str(DEMO / "odoo"), env={"DOCMATCH_DATA_DIR": str(data_dir)})

    assert run.code == 0, run.err
    assert "1 document(s), 1 for review" in run.out
    assert f"{second}: same content as {first} (sha256 {SHA256[:12]}); one document, no second case" in run.err
    store = open_store(data_dir)
    with store.session() as session:
        assert session.scalars(select(DocumentRow.sha256)).all() == [SHA256]
        assert session.scalars(select(ArrivalRow.source_ref).order_by(ArrivalRow.id)).all() == [str(first), str(second)]
    store.dispose()


def test_same_content_twice_gives_one_json_case(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    first, second = tmp_path / "b.pdf", tmp_path / "a.pdf"
    shutil.copy(INVOICE, first)
    shutil.copy(INVOICE, second)
    shutil.copy(OTHER, tmp_path / "c.pdf")

    run = run_cli("process", str(first), str(tmp_path / "c.pdf"), str(second), "--json", "--odoo-snapshot", str(DEMO / "odoo"), env={"DOCMATCH_DATA_DIR": str(tmp_path / "data")})

    assert run.code == 0, run.err
    assert [case["document"]["filename"] for case in json.loads(run.out)] == ["b.pdf", "c.pdf"]
