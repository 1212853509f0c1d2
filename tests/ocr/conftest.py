"""Fixtures of the OCR tests: documents are built once per session and read once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docmatch.settings import Settings, load_settings


@pytest.fixture(scope="session", autouse=True)
def _one_tesseract_thread() -> None:
    # Tesseract with OpenMP threads is many times slower on a small machine.
    os.environ["OMP_THREAD_LIMIT"] = "1"


@pytest.fixture(scope="session")
def ocr_settings() -> Settings:
    return load_settings(ocr_dpi=300)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder shared by the session's generated documents."""
    return tmp_path_factory.mktemp("ocr-documents")
