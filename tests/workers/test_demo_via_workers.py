"""The demo documents give the same cases through the workers as in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from docmatch.cli.runner import context_from_settings, run_files
from docmatch.reporting.render import cases_to_json
from docmatch.settings import load_settings

pytestmark = [pytest.mark.services, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bundled = REPO / "fixtures" / "demo"
    if (bundled / "documents").is_dir():
        return bundled
    from docmatch.demo.generate import generate

    folder = tmp_path_factory.mktemp("demo")
    generate(folder)
    return folder


def test_demo_cases_through_workers_equal_the_in_process_cases(cluster_factory, demo_data: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdfs = sorted((demo_data / "documents").glob("*.pdf"))

    # In-process, with a database of its own.
    settings = load_settings(odoo_snapshot=demo_data / "odoo", database_url=f"sqlite:///{tmp_path / 'inproc.sqlite3'}", company_timezone="Europe/Berlin")
    in_process = cases_to_json([result.case for result in run_files(pdfs, context_from_settings(settings))])

    # Through one worker, with `docmatch process --via-workers`.
    cluster = cluster_factory(
        odoo_snapshot=str(demo_data / "odoo"), company_timezone="Europe/Berlin", pipeline_hook=None, ticket_opener=None,
        extract_time_limit=120, task_time_limit=60, visibility_timeout=300,
    )
    cluster.start_worker("demo")
    command = [str(Path(sys.executable).with_name("docmatch")), "process", "--via-workers", "--timeout", "400", "--json", *map(str, pdfs)]
    run = subprocess.run(command, env=cluster.env, cwd=REPO, capture_output=True, text=True, timeout=450)
    assert run.returncode == 0, run.stderr[-3000:]
    through_workers = json.loads(run.stdout)

    assert len(through_workers) == len(pdfs)
    for expected, actual in zip(in_process, through_workers, strict=True):
        assert actual == expected, expected["document"]["filename"]
