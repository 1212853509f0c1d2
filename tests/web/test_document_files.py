"""The evidence view shows a document's file only while its content has the document's hash."""

from __future__ import annotations

import hashlib
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from docmatch.ingest.registry import store_bytes
from docmatch.models import Document
from docmatch.settings import Settings
from docmatch.web.files import DocumentFiles
from docmatch.web.links import evidence_url
from docmatch.web.repository import CaseRecord, MemoryRepository
from tests.web.conftest import _serve, make_records

DEMO_PDF = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "documents" / "invoice-hansa-tax-de.pdf"


def fetch(url: str) -> tuple[int, str, bytes]:
    """Return the status, content type and body of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture()
def served(web_settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, CaseRecord]]:
    """The web app over the sample invoice, whose record names the user's own PDF."""
    (tmp_path / "user").mkdir()
    records = make_records(tmp_path / "user")
    for base_url in _serve(web_settings, MemoryRepository(records)):
        yield web_settings.model_copy(update={"web_base_url": base_url}), records[0]


def test_deleted_file_gives_notice_and_gone_page(served) -> None:  # type: ignore[no-untyped-def]
    settings, record = served
    Path(record.document.path or "").unlink()
    link = evidence_url(record.sha256, settings)

    status, _, body = fetch(link)
    image_status, image_type, image_body = fetch(f"{link}/pages/1.png")

    assert status == 200
    page = body.decode()
    assert f"The document file is no longer available at {record.document.path}; process it again" in page
    assert "/pages/1.png" not in page
    assert "Line 1 bills 10 units where the order has 8." in page
    assert image_status == 410
    assert "image/png" not in image_type
    assert b"no longer available" in image_body


def test_replaced_file_is_never_shown(served) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a case whose recorded file now contains another PDF WHEN its evidence opens
    THEN neither the page nor the image shows the other PDF."""
    settings, record = served
    shutil.copy(DEMO_PDF, record.document.path or "")
    link = evidence_url(record.sha256, settings)

    status, _, body = fetch(link)
    image_status, _, _ = fetch(f"{link}/pages/1.png")

    assert status == 200
    assert "no longer available" in body.decode()
    assert "/pages/1.png" not in body.decode()
    assert image_status == 410


def test_stored_copy_serves_a_row_with_user_path(served) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a row that records the user's path (an older database) and a stored copy in the
    data folder WHEN the user's file is replaced THEN the pages come from the stored copy."""
    settings, record = served
    original = Path(record.document.path or "").read_bytes()
    store_bytes(original, data_dir=settings.data_dir)
    shutil.copy(DEMO_PDF, record.document.path or "")
    link = evidence_url(record.sha256, settings)

    status, _, body = fetch(link)
    image_status, image_type, image = fetch(f"{link}/pages/2.png")

    assert status == 200
    assert "no longer available" not in body.decode()
    assert f"/evidence/{link.rsplit('/', 1)[1]}/pages/2.png" in body.decode()
    assert image_status == 200
    assert image_type == "image/png"
    assert image.startswith(b"\x89PNG")


def test_file_that_does_not_render_gives_notice(web_settings: Settings, tmp_path: Path) -> None:
    """GIVEN a case of a file that never opened as a PDF (an extraction_failed case) WHEN its
    evidence opens THEN the page states that the pages cannot be shown and the image is 422."""
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 truncated by the scanner")
    record = make_records(tmp_path)[0]
    sha256 = hashlib.sha256(broken.read_bytes()).hexdigest()
    record.document = Document(sha256=sha256, filename=broken.name, size=broken.stat().st_size, path=str(broken))
    for base_url in _serve(web_settings, MemoryRepository([record])):
        link = evidence_url(sha256, web_settings.model_copy(update={"web_base_url": base_url}))

        status, _, body = fetch(link)
        image_status, _, image_body = fetch(f"{link}/pages/1.png")

    assert status == 200
    assert "The pages of broken.pdf cannot be shown" in body.decode()
    assert image_status == 422
    assert b"page 1 of broken.pdf cannot be rendered" in image_body


def test_locate_rechecks_a_file_overwritten_in_place(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4 first version")
    document = Document(sha256=hashlib.sha256(path.read_bytes()).hexdigest(), filename="a.pdf", size=path.stat().st_size, path=str(path))
    files = DocumentFiles(tmp_path / "data")
    assert files.locate(document) == path

    # Same length, same folder entry: only the content changes.
    path.write_bytes(b"%PDF-1.4 other version")

    assert files.locate(document) is None


def test_locate_prefers_the_stored_copy(tmp_path: Path) -> None:
    content = DEMO_PDF.read_bytes()
    user_file = tmp_path / "user.pdf"
    user_file.write_bytes(content)
    copy = store_bytes(content, data_dir=tmp_path / "data")
    document = Document(sha256=hashlib.sha256(content).hexdigest(), filename="user.pdf", size=len(content), path=str(user_file))

    assert DocumentFiles(tmp_path / "data").locate(document) == copy
