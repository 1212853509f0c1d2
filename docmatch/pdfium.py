"""One way into PDFium for the whole process, one thread at a time.

PDFium keeps global state and is not thread-safe: two threads inside it at once, even
on different documents, can crash the process or fail to open a sound file. The
evidence view renders page images in parallel request threads, and an upload can be
read while pages are served. So every use of pypdfium2 in docmatch goes through
`open_pdf`, which holds a process-wide lock from opening to closing.

Bitmaps are closed inside the lock too. Left to the garbage collector, their finalizer
would call into PDFium from whatever thread happens to drop the last reference.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pypdfium2
    from PIL import Image

# Reentrant, so that a helper called with a document already open can open another.
_LOCK = threading.RLock()


@contextmanager
def open_pdf(source: str | Path | IO[bytes], *, password: str | None = None) -> Iterator[pypdfium2.PdfDocument]:
    """Open `source` with pypdfium2 and hold the PDFium lock until the block ends.

    Pages taken from the document are closed with it. Keep the block short: other
    threads that render wait for it.

    Raises:
        pypdfium2.PdfiumError: the file does not open as a PDF.
    """
    import pypdfium2

    if isinstance(source, Path):
        source = str(source)
    with _LOCK:
        document = pypdfium2.PdfDocument(source, password=password)
        try:
            yield document
        finally:
            document.close()


def render_image(page: pypdfium2.PdfPage, **options: Any) -> Image.Image:
    """Render `page` (of a document opened with `open_pdf`) to a PIL image and free the bitmap.

    `options` go to `PdfPage.render`. pypdfium2 allocates the pixels in a Python buffer,
    which the image holds, so they outlive the bitmap.
    """
    bitmap = page.render(**options)
    try:
        return bitmap.to_pil()
    finally:
        bitmap.close()


def render_array(page: pypdfium2.PdfPage, **options: Any) -> np.ndarray:
    """Render `page` (of a document opened with `open_pdf`) to a numpy array and free the bitmap."""
    bitmap = page.render(**options)
    try:
        return bitmap.to_numpy().copy()
    finally:
        bitmap.close()
