"""A live docmatch web server on loopback, with cases made from a real PDF."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import threading
import uuid
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
import uvicorn
from sqlalchemy.engine import make_url
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from docmatch.models import (
    Case,
    CaseDocument,
    Document,
    ExtractedField,
    ExtractedLine,
    Extraction,
    Finding,
    FindingKind,
    LinePair,
    MatchResult,
    OdooRef,
    Severity,
)
from docmatch.models import Arrival
from docmatch.pipeline import DocumentResult
from docmatch.settings import Settings, load_settings
from docmatch.storage.store import Store
from docmatch.web.app import create_app
from docmatch.web.auth import hash_password
from docmatch.web.repository import CaseRecord, CaseRepository, MemoryRepository
from docmatch.web.store_repository import StoreRepository

PAGE_WIDTH, PAGE_HEIGHT = A4


def _word_box(pdf: Path, text: str) -> tuple[float, float, float, float]:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        for word in document.pages[0].extract_words():
            if word["text"] == text:
                return (word["x0"], word["top"], word["x1"], word["bottom"])
    raise AssertionError(f"{text!r} not on the page")


def _invoice_pdf(path: Path) -> None:
    drawing = canvas.Canvas(str(path), pagesize=A4)
    drawing.setFont("Helvetica", 11)
    drawing.drawString(72, PAGE_HEIGHT - 72, "INVOICE INV-1001")
    drawing.drawString(72, PAGE_HEIGHT - 200, "1  W-100  Widget  10  EA  2.50  25.00")
    drawing.drawString(72, PAGE_HEIGHT - 220, "2  W-200  Gadget  4  EA  5.00  20.00")
    drawing.drawString(300, PAGE_HEIGHT - 300, "Total 45.00")
    drawing.showPage()
    drawing.drawString(72, PAGE_HEIGHT - 72, "Terms: 30 days")
    drawing.save()


def _delivery_note_pdf(path: Path) -> None:
    drawing = canvas.Canvas(str(path), pagesize=A4)
    drawing.drawString(72, PAGE_HEIGHT - 72, "DELIVERY NOTE DN-5")
    drawing.showPage()
    drawing.drawString(72, PAGE_HEIGHT - 72, "Received in good order")
    drawing.save()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_records(folder: Path) -> list[CaseRecord]:
    """Return one invoice case with a quantity finding and one clean delivery note.

    Each record names its real PDF by that file's SHA-256, as stored documents do.
    """
    pdf = folder / "INV-1001.pdf"
    _invoice_pdf(pdf)
    delivery_pdf = folder / "DN-5.pdf"
    _delivery_note_pdf(delivery_pdf)
    invoice_sha256, delivery_sha256 = file_sha256(pdf), file_sha256(delivery_pdf)
    number_box = _word_box(pdf, "INV-1001")
    total_box = _word_box(pdf, "45.00")
    line_one = _word_box(pdf, "W-100")
    line_two = _word_box(pdf, "W-200")
    extraction = Extraction(
        doc_type="invoice",
        pages=2,
        method="text",
        fields={
            "number": ExtractedField(value="INV-1001", confidence=1.0, page=1, bbox=number_box),
            "total": ExtractedField(value=45.0, confidence=0.45, page=1, bbox=total_box, flags=["low_confidence"]),
        },
        lines=[
            ExtractedLine(position=1, code="W-100", description="Widget", quantity=10, uom="EA", unit_price=2.5, amount=25.0, page=1, bbox=(72, line_one[1], 330, line_one[3]), confidence=1.0),
            ExtractedLine(position=2, code="W-200", description="Gadget", quantity=4, uom="EA", unit_price=5.0, amount=20.0, page=1, bbox=(72, line_two[1], 330, line_two[3]), confidence=1.0),
        ],
    )
    order = OdooRef(model="purchase.order", id=7, name="P00007")
    match = MatchResult(
        records=[order],
        pairs=[
            LinePair(document_line=0, odoo_line=OdooRef(model="purchase.order.line", id=70, name="P00007/1"), order=order, method="vendor_code", odoo_description="Widget", odoo_quantity=8, odoo_uom="Units", odoo_price_unit=2.5, odoo_qty_moved=8),
            LinePair(document_line=1, odoo_line=OdooRef(model="purchase.order.line", id=71, name="P00007/2"), order=order, method="vendor_code", odoo_description="Gadget", odoo_quantity=4, odoo_uom="Units", odoo_price_unit=5.0, odoo_qty_moved=4),
        ],
    )
    finding = Finding(kind=FindingKind.QUANTITY_MISMATCH, severity=Severity.HIGH, rule="quantity.invoice_vs_order", tolerance="2 % or 1 unit", line=1, document_value=10, odoo_value=8, message="Line 1 bills 10 units where the order has 8.")
    invoice = CaseRecord(
        document=Document(sha256=invoice_sha256, filename=pdf.name, size=pdf.stat().st_size, path=str(pdf)),
        extraction=extraction,
        match=match,
        case=Case(document=CaseDocument(sha256=invoice_sha256, filename=pdf.name, doc_type="invoice"), matched=[order], findings=[finding], explanation="Line 1 bills more than ordered.", opens_ticket=True),
        received_at=datetime.now(timezone.utc) - timedelta(days=2),
        channel="imap",
        partner="Acme Supplies",
    )
    delivery = CaseRecord(
        document=Document(sha256=delivery_sha256, filename=delivery_pdf.name, size=delivery_pdf.stat().st_size, path=str(delivery_pdf)),
        extraction=Extraction(doc_type="delivery_note", pages=2, method="text"),
        match=MatchResult(records=[order]),
        case=Case(document=CaseDocument(sha256=delivery_sha256, filename=delivery_pdf.name, doc_type="delivery_note"), matched=[order], findings=[]),
        received_at=datetime.now(timezone.utc) - timedelta(days=1),
        channel="sftp",
        partner="Acme Supplies",
    )
    return [invoice, delivery]


@pytest.fixture()
def sample_records():  # type: ignore[no-untyped-def]
    """Return the function that writes the sample PDF into a folder and builds its records."""
    return make_records


@pytest.fixture()
def web_settings(tmp_path: Path) -> Settings:
    users = tmp_path / "users"
    users.write_text("reviewer:" + hash_password("secret-pass", iterations=1000) + "\n", encoding="utf-8")
    return load_settings(data_dir=tmp_path / "data", web_users_file=users)


@pytest.fixture()
def word_position():  # type: ignore[no-untyped-def]
    """Return a function giving a word's box on page 1 as fractions of the page size."""

    def position(pdf: Path, text: str) -> tuple[float, float, float, float]:
        x0, top, x1, bottom = _word_box(pdf, text)
        return (x0 / PAGE_WIDTH, top / PAGE_HEIGHT, x1 / PAGE_WIDTH, bottom / PAGE_HEIGHT)

    return position


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(settings: Settings, repository: CaseRepository) -> Iterator[str]:
    """Serve the web app from a thread on a free loopback port; yield its base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = settings.model_copy(update={"web_base_url": base_url})
    server = uvicorn.Server(uvicorn.Config(create_app(settings, repository), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the web server did not start"
    yield base_url
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture()
def live_server(web_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Settings, list[CaseRecord]]]:
    """The web app over records held in memory."""
    records = make_records(tmp_path)
    for base_url in _serve(web_settings, MemoryRepository(records)):
        yield base_url, web_settings.model_copy(update={"web_base_url": base_url}), records


SERVER_URL = os.environ.get("DOCMATCH_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/docmatch_test")


@pytest.fixture()
def store() -> Iterator[Store]:
    """A migrated store in a PostgreSQL database of its own, dropped afterwards."""
    url = make_url(SERVER_URL)
    name = f"docmatch_web_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    store = Store(url.set(database=name).render_as_string(hide_password=False))
    store.migrate()
    try:
        yield store
    finally:
        store.dispose()
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture()
def stored_records(store: Store, tmp_path: Path) -> list[CaseRecord]:
    """The sample records, written into the store as in-process runs would."""
    records = make_records(tmp_path)
    for record in records:
        arrival = Arrival(channel=record.channel, source=record.document.filename, filename=record.document.filename, received_at=record.received_at)  # type: ignore[arg-type]
        document = record.document.model_copy(update={"arrivals": [arrival]})
        stored = store.add_arrival(document)
        store.record_result(stored.id, DocumentResult(document, record.extraction, record.match, record.case))
    return records


@pytest.fixture()
def live_store_server(web_settings: Settings, store: Store, stored_records: list[CaseRecord]) -> Iterator[tuple[str, Store]]:
    """The web app over the PostgreSQL store."""
    for base_url in _serve(web_settings, StoreRepository(store)):
        yield base_url, store


DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
# A vendor invoice billed in cases where the order has units, and an invoice and a
# delivery note of the same partial order.
DEMO_DOCUMENTS = ["invoice-greenline-uom-en.pdf", "invoice-hansa-partial-clean-de.pdf", "delivery-note-hansa-partial-clean-de.pdf"]


@pytest.fixture()
def demo_store_server(web_settings: Settings, store: Store) -> Iterator[tuple[str, Settings, Store]]:
    """The web app over demo documents processed in-process into the PostgreSQL store."""
    from docmatch.cli.runner import context_from_settings, run_files

    settings = web_settings.model_copy(update={"odoo_snapshot": DEMO / "odoo", "company_timezone": "Europe/Berlin", "database_url": store.url})
    run_files([DEMO / "documents" / name for name in DEMO_DOCUMENTS], context_from_settings(settings, store=store))
    for base_url in _serve(settings, StoreRepository(store)):
        yield base_url, settings.model_copy(update={"web_base_url": base_url}), store


CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying to reach outside hosts.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed; scripts/setup.sh installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    yield context.new_page()
    context.close()


@pytest.fixture()
def artifacts() -> Path:
    """The folder where browser tests keep their screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
