"""Extract one file: open it, read its words page by page, then fields and lines."""

from __future__ import annotations

import logging
from pathlib import Path

from docmatch.models import Extraction
from docmatch.settings import Settings, get_settings

log = logging.getLogger(__name__)


def extract_file(path: str | Path, *, settings: Settings | None = None) -> Extraction:
    """Return the extraction of the PDF or image at `path`.

    Raises:
        UnreadableDocument: the file is empty, corrupt or of an unsupported type.
        EncryptedDocument: the PDF needs a user password.
    """
    settings = settings or get_settings()
    # TODO: placeholder until the text-layer and OCR extractors land; returns an empty extraction.
    return Extraction(doc_type="unknown", warnings=["extractor not implemented"])
