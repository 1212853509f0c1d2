"""Page images and page sizes for the evidence view.

PDF pages are rendered with pypdfium2, one thread at a time (`docmatch.pdfium`); image
files are served frame by frame as PNG.
Sizes are in PDF points, the space extraction boxes are in. For images, a pixel is
1/`dpi` inch, with the DPI the file declares, else the configured OCR working
resolution, which is the conversion the OCR path uses too.
"""

from __future__ import annotations

import io
import logging
import os
import threading
from pathlib import Path

from PIL import Image, ImageSequence

from docmatch.pdfium import open_pdf, render_image

log = logging.getLogger(__name__)

RENDER_DPI = 110


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"%PDF-" in handle.read(1024)


def _image_dpi(image: Image.Image, fallback: int) -> float:
    declared = image.info.get("dpi")
    if declared and declared[0] and float(declared[0]) > 1:
        return float(declared[0])
    return float(fallback)


def page_sizes(path: Path, *, fallback_dpi: int) -> list[tuple[float, float]]:
    """Return (width, height) in points of every page or frame of the file."""
    if _is_pdf(path):
        with open_pdf(path) as document:
            return [tuple(document[index].get_size()) for index in range(len(document))]  # type: ignore[misc]
    with Image.open(path) as image:
        sizes = []
        for frame in ImageSequence.Iterator(image):
            dpi = _image_dpi(frame, fallback_dpi)
            sizes.append((frame.width * 72 / dpi, frame.height * 72 / dpi))
        return sizes


def render_page_png(path: Path, page_number: int, *, cache_dir: Path, document_sha256: str) -> bytes:
    """Return page `page_number` (1-based) as PNG bytes, cached on disk by document and page.

    Raises:
        IndexError: the document has no such page.
    """
    cache_file = cache_dir / f"{document_sha256}-{page_number}-{RENDER_DPI}.png"
    if cache_file.is_file():
        return cache_file.read_bytes()

    if _is_pdf(path):
        with open_pdf(path) as document:
            if not 1 <= page_number <= len(document):
                raise IndexError(page_number)
            image = render_image(document[page_number - 1], scale=RENDER_DPI / 72)
    else:
        with Image.open(path) as source:
            frames = [frame.copy() for frame in ImageSequence.Iterator(source)]
        if not 1 <= page_number <= len(frames):
            raise IndexError(page_number)
        image = frames[page_number - 1].convert("RGB")

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a request for the same page in another thread must
    # never read a half-written file.
    partial = cache_file.with_name(f"{cache_file.name}.{os.getpid()}-{threading.get_ident()}.part")
    partial.write_bytes(buffer.getvalue())
    os.replace(partial, cache_file)
    return buffer.getvalue()
