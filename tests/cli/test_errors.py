"""Invalid or unreachable settings and options end in `error: ...` and `hint: ...`, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
DOCUMENT = DEMO / "documents" / "invoice-vdberg-clean-en.pdf"
UNREACHABLE_DATABASE = "postgresql+psycopg://docmatch:s3cret@127.0.0.1:1/docmatch"


def assert_clean_error(run: CliRun, *, code: int, names: str) -> None:
    assert run.code == code, run.err
    assert "Traceback" not in run.err
    assert names in run.err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unknown_log_level_is_named(run_cli: Callable[..., CliRun]) -> None:
    run = run_cli("process", str(DOCUMENT), "--odoo-snapshot", str(DEMO / "odoo"), env={"DOCMATCH_LOG_LEVEL": "LOUD"})

    assert_clean_error(run, code=2, names="DOCMATCH_LOG_LEVEL")
    assert "hint: set it to one of DEBUG, INFO, WARNING, ERROR" in run.err


def test_log_level_in_lower_case_is_accepted(run_cli: Callable[..., CliRun]) -> None:
    run = run_cli("quarantine", env={"DOCMATCH_LOG_LEVEL": "info"})

    assert run.code == 0, run.err


@pytest.mark.parametrize("data_dir", ["/proc/docmatch-nope", "{file}/inside"])
def test_unusable_data_dir_is_named(run_cli: Callable[..., CliRun], tmp_path: Path, data_dir: str) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")

    run = run_cli("process", str(DOCUMENT), "--odoo-snapshot", str(DEMO / "odoo"), env={"DOCMATCH_DATA_DIR": data_dir.format(file=a_file)})

    assert_clean_error(run, code=2, names="DOCMATCH_DATA_DIR")
    assert "cannot be created" in run.err


@pytest.mark.parametrize(
    "args",
    [
        ["process", str(DOCUMENT), "--odoo-snapshot", str(DEMO / "odoo")],
        ["status"],
        ["quarantine"],
        ["db", "upgrade"],
        ["retry", "--failed"],
        ["serve", "--port", "{port}"],
        ["intake", "folder", "--once", "--intake-file", "{intake_file}"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_unreachable_database_is_named(run_cli: Callable[..., CliRun], tmp_path: Path, args: list[str]) -> None:
    intake_file = tmp_path / "intake.yaml"
    intake_file.write_text(f"folders:\n  - name: scans\n    folders: [{tmp_path}]\n", encoding="utf-8")
    filled = [arg.format(port=free_port(), intake_file=intake_file) for arg in args]

    run = run_cli(*filled, env={"DOCMATCH_DATABASE_URL": UNREACHABLE_DATABASE})

    assert_clean_error(run, code=7, names="cannot reach the database at postgresql+psycopg://docmatch:***@127.0.0.1:1/docmatch")
    assert "hint: check DOCMATCH_DATABASE_URL" in run.err
    assert "s3cret" not in run.err


ODOO_CREDENTIALS = {"DOCMATCH_ODOO_DB": "odoo", "DOCMATCH_ODOO_USER": "docmatch", "DOCMATCH_ODOO_API_KEY": "k3y-never-shown"}


@pytest.mark.parametrize(
    "args",
    [
        ["process", str(DOCUMENT), "--odoo", "{url}"],
        ["odoo", "export", "--to", "{tmp}/snapshot", "--odoo", "{url}"],
        ["odoo", "sync-decisions", "--odoo", "{url}"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_unreachable_odoo_option_is_named(run_cli: Callable[..., CliRun], tmp_path: Path, args: list[str]) -> None:
    """GIVEN --odoo pointing at a loopback port where nothing listens
    WHEN a command that reads Odoo runs
    THEN the error names the step that failed and the hint names --odoo, not the variable."""
    url = f"http://127.0.0.1:{free_port()}"
    env = {**ODOO_CREDENTIALS, "DOCMATCH_DATA_DIR": str(tmp_path / "data"), "DOCMATCH_ODOO_TIMEOUT": "2"}

    run = run_cli(*[arg.format(url=url, tmp=tmp_path) for arg in args], env=env)

    assert_clean_error(run, code=5, names=f"error: reading the Odoo server version: connection to {url} refused")
    assert "hint: Odoo could not be reached or did not answer in time; check --odoo and that the server is up" in run.err
    assert "DOCMATCH_ODOO_URL" not in run.err
    assert "k3y-never-shown" not in run.err


def test_unreachable_odoo_variable_is_named(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    env = {**ODOO_CREDENTIALS, "DOCMATCH_DATA_DIR": str(tmp_path / "data"), "DOCMATCH_ODOO_URL": url, "DOCMATCH_ODOO_TIMEOUT": "2"}

    run = run_cli("odoo", "sync-decisions", env=env)

    assert_clean_error(run, code=5, names=f"error: reading the Odoo server version: connection to {url} refused")
    assert "check DOCMATCH_ODOO_URL and that the server is up" in run.err
    assert "--odoo" not in run.err


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["odoo", "testserver", "--port", "180716"], "--port"),
        (["odoo", "testserver", "--port", "0"], "--port"),
        (["serve", "--port", "70000"], "--port"),
        (["worker", "--metrics-port", "65536"], "--metrics-port"),
        (["worker", "--concurrency", "0"], "--concurrency"),
        (["process", str(DOCUMENT), "--via-workers", "--timeout", "-1"], "--timeout"),
        (["intake", "folder", "--interval", "0"], "--interval"),
    ],
)
def test_out_of_range_option_is_named(run_cli: Callable[..., CliRun], args: list[str], option: str) -> None:
    run = run_cli(*args)

    assert_clean_error(run, code=2, names=option)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DOCMATCH_METRICS_PORT", "70000"),
        ("DOCMATCH_ODOO_URL", "http://127.0.0.1:180716"),
        ("DOCMATCH_BROKER_URL", "redis://127.0.0.1:99999/0"),
        ("DOCMATCH_WEB_BASE_URL", "https://docmatch.example.com:0/"),
        ("DOCMATCH_LLM_BASE_URL", "http://127.0.0.1:123456/v1"),
        ("DOCMATCH_DATABASE_URL", "postgresql+psycopg://docmatch@127.0.0.1:99999/docmatch"),
        ("DOCMATCH_DATABASE_URL", "not a url"),
    ],
)
def test_invalid_port_setting_is_named(run_cli: Callable[..., CliRun], variable: str, value: str) -> None:
    run = run_cli("status", env={variable: value})

    assert_clean_error(run, code=2, names=variable)


@pytest.mark.parametrize(("kind", "entry"), [("sftp", "host: 127.0.0.1\n    port: 99999\n    user: u\n    key_file: k\n    known_hosts: h\n    folders: [in]"), ("imap", "host: 127.0.0.1\n    port: 0\n    user: u\n    password: p")])
def test_invalid_port_in_intake_file_is_named(run_cli: Callable[..., CliRun], tmp_path: Path, kind: str, entry: str) -> None:
    intake_file = tmp_path / "intake.yaml"
    intake_file.write_text(f"{kind}:\n  - name: drop\n    {entry}\n", encoding="utf-8")

    run = run_cli("intake", kind, "--once", "--intake-file", str(intake_file))

    assert_clean_error(run, code=2, names=f"{kind}.0.port")


@pytest.mark.parametrize("kind", ["folder", "imap", "sftp", "odoo"])
def test_missing_intake_file_names_option_and_variable(run_cli: Callable[..., CliRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """GIVEN no --intake-file and no DOCMATCH_INTAKE_FILE
    WHEN `docmatch intake KIND --once` runs
    THEN the hint offers both ways to name the channels file."""
    monkeypatch.delenv("DOCMATCH_INTAKE_FILE", raising=False)

    run = run_cli("intake", kind, "--once", env={"DOCMATCH_DATA_DIR": str(tmp_path / "data")})

    assert_clean_error(run, code=2, names="error: no intake channels configured")
    assert "hint: pass --intake-file FILE or set DOCMATCH_INTAKE_FILE to a channels file" in run.err


def test_unreadable_intake_file_names_variable(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    run = run_cli("intake", "folder", "--once", env={"DOCMATCH_DATA_DIR": str(tmp_path / "data"), "DOCMATCH_INTAKE_FILE": str(tmp_path)})

    assert_clean_error(run, code=2, names=f"error: intake file {tmp_path} cannot be read: Is a directory")
    assert "hint: check DOCMATCH_INTAKE_FILE and that docmatch may read the file" in run.err


def test_unreachable_broker_is_named(tmp_path: Path) -> None:
    # A new process, because the Celery app reads DOCMATCH_BROKER_URL once, when it is imported.
    document = tmp_path / "fresh.pdf"
    document.write_bytes(DOCUMENT.read_bytes() + b"\n% a copy with another hash\n")
    env = {**os.environ, "DOCMATCH_BROKER_URL": "redis://127.0.0.1:1/0", "DOCMATCH_DATA_DIR": str(tmp_path / "data")}

    finished = subprocess.run([sys.executable, "-m", "docmatch", "process", str(document), "--via-workers", "--timeout", "5"], env=env, capture_output=True, text=True, timeout=120)

    run = CliRun(finished.returncode, finished.stdout, finished.stderr)
    assert_clean_error(run, code=8, names="cannot queue documents for the workers")
    assert "hint: check DOCMATCH_BROKER_URL" in run.err


def test_html_in_missing_folder_rejected(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    run = run_cli("process", str(DOCUMENT), "--odoo-snapshot", str(DEMO / "odoo"), "--html", str(tmp_path / "missing" / "report.html"))

    assert_clean_error(run, code=2, names="--html")
    assert run.out == ""


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["process", str(DOCUMENT), "--odoo", "not-a-url"], "--odoo"),
        (["odoo", "export", "--to", "{tmp}/snapshot", "--odoo", "odoo.example.com"], "--odoo"),
        (["odoo", "sync-decisions", "--odoo", "ftp://odoo.example.com"], "--odoo"),
    ],
)
def test_invalid_option_setting_names_option(run_cli: Callable[..., CliRun], tmp_path: Path, args: list[str], option: str) -> None:
    run = run_cli(*[arg.format(tmp=tmp_path) for arg in args])

    assert_clean_error(run, code=2, names=f"error: invalid settings: {option}: URL scheme")
    assert "DOCMATCH_ODOO_URL" not in run.err
    assert "hint: fix the command-line option named above" in run.err


def test_misspelt_rules_key_suggests_closest(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    rules = tmp_path / "r2.yaml"
    rules.write_text("defaults:\n  pric: {percent: 2}\n", encoding="utf-8")

    run = run_cli("process", str(DOCUMENT), "--odoo-snapshot", str(DEMO / "odoo"), "--rules", str(rules), env={"DOCMATCH_DATA_DIR": str(tmp_path / "data")})

    assert_clean_error(run, code=2, names=f"error: {rules}:2: defaults.pric: unknown key; did you mean price?")
    assert "hint: fix the rules file and run again" in run.err


def test_misspelt_variable_warns_once(run_cli: Callable[..., CliRun], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from docmatch import settings

    monkeypatch.setattr(settings, "_warned_variables", set())

    run = run_cli("process", str(DOCUMENT), "--odoo-snapshot", str(DEMO / "odoo"), env={"DOCMATCH_LOW_CONFIDANCE": "0.9"})

    assert run.code == 0, run.err
    # caplog, because the CLI's log handler keeps the stderr of the first test that ran it.
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING" and "DOCMATCH_LOW_CONFIDANCE" in record.getMessage()]
    assert warnings == ["DOCMATCH_LOW_CONFIDANCE is not a docmatch setting and is ignored; did you mean DOCMATCH_LOW_CONFIDENCE?"]
