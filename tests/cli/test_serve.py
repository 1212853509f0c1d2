"""`docmatch serve`: login set-up messages, the users file, and where evidence links point."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from docmatch.cli import cli
from docmatch.cli.serve import _links_to_this_server
from docmatch.settings import load_settings
from docmatch.web.users import UsersFileError, check_password, hash_password, read_users
from tests.cli.conftest import CliRun

REPO = Path(__file__).resolve().parents[2]
DOCMATCH = REPO / ".venv" / "bin" / "docmatch"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_announcement(port: int, env: dict[str, str]) -> str:
    """Start `docmatch serve` on loopback, return its stderr up to the start line, and stop it."""
    server = subprocess.Popen(
        [str(DOCMATCH), "serve", "--port", str(port)], env={**os.environ, **env}, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([server.stderr], [], [], 1)
            if ready:
                line = server.stderr.readline()  # type: ignore[union-attr]
                if not line:
                    break
                lines.append(line)
                if "web interface on" in line:
                    break
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return "".join(lines)


def test_missing_users_file_and_link_port_are_announced(tmp_path: Path) -> None:
    """GIVEN DOCMATCH_WEB_USERS_FILE naming no file and no DOCMATCH_WEB_BASE_URL WHEN serve
    starts on a chosen port THEN it says the file does not exist and links use that port."""
    port = free_port()
    missing = tmp_path / "no-such-users"

    output = serve_announcement(port, {"DOCMATCH_DATA_DIR": str(tmp_path / "data"), "DOCMATCH_WEB_USERS_FILE": str(missing)})

    assert f"the users file {missing} (DOCMATCH_WEB_USERS_FILE) does not exist" in output
    assert "create it with: docmatch serve --add-user NAME" in output
    assert "set DOCMATCH_WEB_USERS_FILE" not in output
    assert f"docmatch web interface on http://127.0.0.1:{port}/ (evidence links use http://127.0.0.1:{port})" in output


def test_invalid_users_file_line_stops_serve(run_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text("# reviewers\nalice:" + hash_password("a-long-password", iterations=1000) + "\ngarbage line\n", encoding="utf-8")

    run = run_cli("serve", "--port", str(free_port()), env={"DOCMATCH_WEB_USERS_FILE": str(users)})

    assert run.code == 2
    assert f"error: users file {users}, line 3: not a 'name:pbkdf2_sha256$iterations$salt$hash' entry" in run.err
    assert "docmatch serve --add-user NAME" in run.err


@pytest.mark.parametrize(
    "line",
    [
        "garbage line",
        "bob:plain-text-password",
        ":pbkdf2_sha256$1000$00ff$00ff",
        "bob:pbkdf2_sha256$many$00ff$00ff",
        "bob:pbkdf2_sha256$1000$not-hex$00ff",
        "bob:md5$1000$00ff$00ff",
    ],
)
def test_read_users_names_the_invalid_line(tmp_path: Path, line: str) -> None:
    users = tmp_path / "users"
    users.write_text(f"\nalice:{hash_password('a-long-password', iterations=1000)}\n{line}\n", encoding="utf-8")

    with pytest.raises(UsersFileError) as raised:
        read_users(users)

    assert str(users) in raised.value.message
    assert "line 3:" in raised.value.message
    assert line not in raised.value.message


def test_add_user_asks_again_for_a_short_password(tmp_path: Path) -> None:
    users = tmp_path / "users"

    result = CliRunner().invoke(
        cli, ["serve", "--add-user", "alice"], input="short\nlong-enough-pass\nlong-enough-pass\n", env={"DOCMATCH_WEB_USERS_FILE": str(users)}
    )

    assert result.exit_code == 0, result.output
    assert "at least 12 characters" in result.output
    assert "the password has 5 characters; use at least 12" in result.output
    stored = read_users(users)
    assert list(stored) == ["alice"]
    assert check_password("long-enough-pass", stored["alice"])
    assert not check_password("short", stored["alice"])


def test_add_user_gives_up_after_three_short_passwords(tmp_path: Path) -> None:
    """GIVEN three short passwords on the input
    WHEN `serve --add-user` reads them
    THEN it exits 2, reports that the user was not added, and writes no users file."""
    users = tmp_path / "users"

    result = CliRunner().invoke(cli, ["serve", "--add-user", "alice"], input="a\nshort\nshorter\nlong-enough-pass\n", env={"DOCMATCH_WEB_USERS_FILE": str(users)})

    assert result.exit_code == 2, result.output
    assert "the password has 1 character; use at least 12" in result.output
    assert "Error: the password has 7 characters; use at least 12. The user alice was not added after 3 short passwords; run the command again" in result.output
    assert not users.exists()


def test_add_user_keeps_old_password_when_input_ends(tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text(f"alice:{hash_password('first-password-1', iterations=1000)}\n", encoding="utf-8")
    before = users.read_text(encoding="utf-8")

    result = CliRunner().invoke(cli, ["serve", "--add-user", "alice"], input="second-password\n", env={"DOCMATCH_WEB_USERS_FILE": str(users)})

    assert result.exit_code == 2, result.output
    assert "the input ended before a password was confirmed; the password of alice was not changed" in result.output
    assert users.read_text(encoding="utf-8") == before


def test_add_user_interrupted_says_not_added(run_cli: Callable[..., CliRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN the user presses Ctrl-C at the password prompt THEN the exit code stays 130 and the user is named."""
    import click

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise click.Abort() from None

    monkeypatch.setattr(click, "prompt", interrupted)
    users = tmp_path / "users"

    run = run_cli("serve", "--add-user", "alice", env={"DOCMATCH_WEB_USERS_FILE": str(users)})

    assert run.code == 130
    assert "The user alice was not added" in run.err
    assert not users.exists()


def test_add_user_replaces_an_existing_password(tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text(f"# team\nalice:{hash_password('first-password-1', iterations=1000)}\nbob:{hash_password('bobs-password-1', iterations=1000)}\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["serve", "--add-user", "alice"], input="second-password\nsecond-password\n", env={"DOCMATCH_WEB_USERS_FILE": str(users)})

    assert result.exit_code == 0, result.output
    assert f"changed the password of alice in {users}" in result.output
    stored = read_users(users)
    assert sorted(stored) == ["alice", "bob"]
    assert check_password("second-password", stored["alice"])
    assert users.read_text(encoding="utf-8").startswith("# team\n")


def test_add_user_help_states_the_minimum(run_cli: Callable[..., CliRun]) -> None:
    run = run_cli("serve", "--help")

    assert "at least 12 characters" in " ".join(run.out.split())


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", "http://127.0.0.1:18977"), ("0.0.0.0", "http://127.0.0.1:18977"), ("::1", "http://[::1]:18977"), ("localhost", "http://localhost:18977")],
)
def test_links_follow_the_served_address(host: str, expected: str) -> None:
    settings = _links_to_this_server(load_settings(), host, 18977)

    assert settings.web_base_url == expected


def test_configured_base_url_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCMATCH_WEB_BASE_URL", "https://docmatch.example.com")

    settings = _links_to_this_server(load_settings(), "127.0.0.1", 18977)

    assert settings.web_base_url == "https://docmatch.example.com"


def test_module_form_runs_serve() -> None:
    # The demo prints `python -m docmatch` when no docmatch script started it.
    finished = subprocess.run([sys.executable, "-m", "docmatch", "serve", "--help"], capture_output=True, text=True, timeout=60)

    assert finished.returncode == 0
    assert "--add-user" in finished.stdout
