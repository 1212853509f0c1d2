"""Run the real `docmatch` entry point in-process and capture its exit code and output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from docmatch.cli import main
from docmatch.settings import get_settings


@dataclass
class CliRun:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliRun]:
    """Return a function that runs `docmatch ARGS` with extra environment variables."""

    def run(*args: str, env: dict[str, str] | None = None) -> CliRun:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "argv", ["docmatch", *args])
        get_settings.cache_clear()
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exited:
            code = exited.code if isinstance(exited.code, int) else 1
        finally:
            get_settings.cache_clear()
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run
