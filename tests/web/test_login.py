"""Dashboard login responses name what is wrong with the users file."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from pathlib import Path

from docmatch.settings import Settings
from docmatch.web.repository import MemoryRepository
from tests.web.conftest import _serve


def dashboard_status(settings: Settings) -> tuple[int, str]:
    """Return the status and error detail of GET /dashboard as reviewer:secret-pass."""
    for base_url in _serve(settings, MemoryRepository()):
        request = urllib.request.Request(base_url + "/dashboard", headers={"Authorization": "Basic " + base64.b64encode(b"reviewer:secret-pass").decode()})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())["detail"]
    raise AssertionError("the server did not start")


def test_valid_users_file_logs_in(web_settings: Settings) -> None:
    assert dashboard_status(web_settings) == (200, "")


def test_invalid_line_names_file_and_line(web_settings: Settings) -> None:
    users = web_settings.web_users_file
    assert users is not None
    users.write_text(users.read_text(encoding="utf-8") + "garbage line\n", encoding="utf-8")

    status, detail = dashboard_status(web_settings)

    assert status == 503
    assert f"users file {users}, line 2: not a 'name:pbkdf2_sha256$iterations$salt$hash' entry" in detail


def test_missing_users_file_is_named(web_settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-users"

    status, detail = dashboard_status(web_settings.model_copy(update={"web_users_file": missing}))

    assert status == 503
    assert f"users file {missing} does not exist" in detail
    assert "docmatch serve --add-user NAME" in detail
