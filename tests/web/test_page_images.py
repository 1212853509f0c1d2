"""Page images of the evidence view, served to parallel requests from one disk cache."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from docmatch.web.pages import RENDER_DPI, render_page_png

DEMO_PDF = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "documents" / "invoice-hansa-clean-de.pdf"


def test_parallel_page_requests_get_whole_image(tmp_path: Path) -> None:
    def request(_: int) -> bytes:
        return render_page_png(DEMO_PDF, 1, cache_dir=tmp_path, document_sha256="abc")

    with ThreadPoolExecutor(max_workers=4) as pool:
        images = list(pool.map(request, range(12)))

    assert len(set(images)) == 1
    image = Image.open(io.BytesIO(images[0]))
    image.load()
    # An A4 page is 595.3 points wide; PDFium rounds the pixel width up.
    assert abs(image.width - 595.3 * RENDER_DPI / 72) <= 1
    assert [path.name for path in tmp_path.iterdir()] == [f"abc-1-{RENDER_DPI}.png"]


def test_page_past_end_raises_index_error(tmp_path: Path) -> None:
    with pytest.raises(IndexError):
        render_page_png(DEMO_PDF, 2, cache_dir=tmp_path, document_sha256="abc")
    assert not tmp_path.exists() or not any(tmp_path.iterdir())
