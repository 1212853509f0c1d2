"""The test-scan generator: deterministic, image-only, in every output format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from PIL import Image

from docmatch.eval.scans import VARIANTS, scan_pdf
from tests.ocr.ocr_documents import build_pdf, draw_invoice


@pytest.fixture(scope="module")
def invoice(built: Path) -> Path:
    return build_pdf(built / "generator-invoice.pdf", draw_invoice)


def test_scan_pdf_has_no_text_layer(invoice: Path, built: Path) -> None:
    scan = scan_pdf(invoice, VARIANTS["150dpi-2deg"], built / "gen-150.pdf")
    with pdfplumber.open(scan) as pdf:
        assert len(pdf.pages) == 1
        assert pdf.pages[0].chars == []
        assert len(pdf.pages[0].images) == 1
        assert pdf.pages[0].width == pytest.approx(595.3, abs=1)


def test_same_seed_same_scan(invoice: Path, built: Path) -> None:
    first = scan_pdf(invoice, VARIANTS["phone"], built / "gen-a.png", seed=7, output="png")
    second = scan_pdf(invoice, VARIANTS["phone"], built / "gen-b.png", seed=7, output="png")
    with Image.open(first) as a, Image.open(second) as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))


def test_fax_variant_is_bilevel_tiff(invoice: Path, built: Path) -> None:
    tiff = scan_pdf(invoice, VARIANTS["fax"], built / "gen-fax.tiff", output="tiff")
    with Image.open(tiff) as image:
        assert image.mode == "1"
        assert image.info["compression"] == "group4"
        assert round(image.info["dpi"][0]) == 200


def test_stamped_variant_carries_colour(invoice: Path, built: Path) -> None:
    png = scan_pdf(invoice, VARIANTS["stamped"], built / "gen-stamped.png", output="png")
    with Image.open(png) as image:
        rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    reddish = (rgb[..., 0] - rgb[..., 1] > 30).sum()
    assert reddish > 5000


def test_jpeg_scan_has_no_dpi(invoice: Path, built: Path) -> None:
    jpeg = scan_pdf(invoice, VARIANTS["200dpi-jpeg"], built / "gen.jpg", output="jpeg")
    with Image.open(jpeg) as image:
        assert image.format == "JPEG"
        assert "dpi" not in image.info or image.info["dpi"][0] in (0, 1, 72)
