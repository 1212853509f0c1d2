"""Shared fixtures: paths of the repository, the demo data and the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
# The shared corpus sits beside the repository on development and CI machines.
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # No test writes to the user's docmatch folder.
    monkeypatch.setenv("DOCMATCH_DATA_DIR", str(tmp_path_factory.getbasetemp() / "docmatch-data"))


def pytest_report_header(config: pytest.Config) -> list[str]:
    brief = REPO / ".team-brief.md"
    if brief.is_file():
        return [f"team: eight engineers share this working tree; read {brief} (deadline 23:00 UTC, commit only your own files, never stash/reset/checkout)"]
    return []
