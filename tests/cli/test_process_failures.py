"""`docmatch process` reports each failure once: a file it cannot open, and a document it cannot read."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
CLEAN = DEMO / "documents" / "invoice-vdberg-clean-en.pdf"
# A file that exists but whose read fails with an I/O error, even for root.
UNREADABLE = Path("/proc/self/mem")


@pytest.mark.skipif(not UNREADABLE.exists(), reason="needs Linux /proc")
def test_unopenable_file_reported_once(run_cli: Callable[..., CliRun], caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a file whose read fails beside a good one WHEN processed THEN one stderr line names it and no warning repeats it."""
    run = run_cli("process", str(UNREADABLE), str(CLEAN), "--odoo-snapshot", str(DEMO / "odoo"))

    assert run.code == 3
    assert run.err.count("cannot read /proc/self/mem") == 1
    assert "invoice-vdberg-clean-en.pdf [invoice]" in run.out
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING and "mem" in record.getMessage()]


def test_unreadable_image_case_names_file_only(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    """GIVEN a PNG whose content is cut off WHEN processed THEN the case gives the reason without a folder of this machine."""
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"cut off")

    run = run_cli("process", str(broken), "--odoo-snapshot", str(DEMO / "odoo"))

    assert run.code == 0, run.err
    assert "broken.png [unknown] -> no Odoo record: TICKET, 1 finding(s)" in run.out
    assert "extraction_failed" in run.out
    assert "cannot read image broken.png" in run.out
    assert str(tmp_path) not in run.out
    assert not re.search(r"[0-9a-f]{64}", run.out)


def test_unreadable_image_json_case_names_file_only(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    """GIVEN a cut-off PNG WHEN processed with --json THEN the finding's message and evidence hold no folder and no hash name."""
    import json

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"cut off")

    run = run_cli("process", str(broken), "--odoo-snapshot", str(DEMO / "odoo"), "--json")

    assert run.code == 0, run.err
    finding = json.loads(run.out)[0]["findings"][0]
    assert finding["kind"] == "extraction_failed"
    assert "broken.png" in finding["message"]
    for text in (finding["message"], finding["evidence"]["reason"]):
        assert str(tmp_path) not in text
        assert not re.search(r"[0-9a-f]{64}", text)
