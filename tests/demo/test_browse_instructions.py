"""The demo's closing commands, run as printed, serve its cases to a logged-in user."""

from __future__ import annotations

import base64
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from docmatch.cli import demo

REPO = Path(__file__).resolve().parents[2]
DOCMATCH = REPO / ".venv" / "bin" / "docmatch"
FIXTURES = REPO / "fixtures" / "demo"
SAMPLE = "invoice-vdberg-quantity-en"


def sample_data(tmp_path: Path) -> Path:
    data = tmp_path / "demo-data"
    shutil.copytree(FIXTURES / "odoo", data / "odoo")
    (data / "documents").mkdir()
    for suffix in (".pdf", ".expected.json"):
        shutil.copy(FIXTURES / "documents" / f"{SAMPLE}{suffix}", data / "documents")
    return data


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_cases(url: str, credentials: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except urllib.error.URLError:
        return 0, ""


def test_printed_commands_serve_the_cases(tmp_path: Path) -> None:
    """GIVEN a demo run from the repository root WHEN its closing commands run as printed
    (in a shell without the virtual environment) THEN the user logs in and sees the case list."""
    out = tmp_path / "out"
    env = {**os.environ, "PATH": "/usr/bin:/bin", "DOCMATCH_DATA_DIR": str(tmp_path / "data")}
    finished = subprocess.run([".venv/bin/docmatch", "demo", "--data", str(sample_data(tmp_path)), "--out", str(out)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    lines = finished.stdout.splitlines()
    start = lines.index("Browse the cases in a web browser:")
    export, add_user, serve = (line.strip() for line in lines[start + 1 : start + 4])

    assert export == f"export DOCMATCH_DATABASE_URL=sqlite:///{out}/demo.sqlite3 DOCMATCH_WEB_USERS_FILE={out}/web-users"
    assert add_user.startswith(f"{DOCMATCH} serve --add-user demo")
    assert "at least 12 characters" in add_user

    # The password prompt reads standard input when there is no terminal.
    created = subprocess.run(["bash", "-c", f"{export}; {add_user}"], cwd=tmp_path, env=env, input="demo-password-1\ndemo-password-1\n", capture_output=True, text=True, timeout=120, start_new_session=True)
    assert created.returncode == 0, created.stderr
    port = free_port()
    assert "--port 8080" in serve
    server = subprocess.Popen(["bash", "-c", f"{export}; exec {serve.replace('--port 8080', f'--port {port}')}"], cwd=tmp_path, env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        status, page = get_cases(f"http://127.0.0.1:{port}/cases", "demo:demo-password-1")
        while status == 0 and time.monotonic() < deadline:
            time.sleep(0.3)
            status, page = get_cases(f"http://127.0.0.1:{port}/cases", "demo:demo-password-1")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    assert status == 200
    assert f"{SAMPLE}.pdf" in page


@pytest.mark.parametrize(
    ("argv0", "expected"),
    [("-c", "{python} -m docmatch"), ("{repo}/docmatch/__main__.py", "{python} -m docmatch"), (".venv/bin/docmatch", "{repo}/.venv/bin/docmatch")],
)
def test_docmatch_command_starts_the_same_program(monkeypatch: pytest.MonkeyPatch, argv0: str, expected: str) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setattr(demo.sys, "argv", [argv0.format(repo=REPO)])

    command = demo.docmatch_command()

    assert command == expected.format(python=shlex.quote(demo.sys.executable), repo=REPO)


def test_docmatch_command_is_short_when_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{DOCMATCH.parent}:/usr/bin:/bin")
    monkeypatch.setattr(demo.sys, "argv", [str(DOCMATCH)])

    assert demo.docmatch_command() == "docmatch"
