"""Field-case PDFs built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import extraction_builders as build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder holding every generated field-case PDF, by the names the builders give them."""
    folder = tmp_path_factory.mktemp("field-cases")
    build.ligature_invoice(folder)
    build.ligature_invoice(folder, strip_unicode=True)
    build.double_drawn_invoice(folder)
    build.multipage_invoice(folder)
    for variant in ("comma", "point", "thousands"):
        build.decimal_invoice(folder, variant)
    for variant in ("eu", "us", "none"):
        build.dated_invoice(folder, variant)
    build.currency_invoice(folder)
    build.currency_invoice(folder, with_sign=False)
    build.protected_invoice(folder, user_password="reader-secret")
    build.protected_invoice(folder, user_password="")
    return folder
