"""Fixtures of the intake tests: an intake desk on a fresh database, and the real servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.db_schema import fresh_schema
from tests.intake.servers import DOVECOT, SSHD, DovecotServer, SshdServer, missing_requirement

from docmatch.ingest.intake import Intake
from docmatch.settings import load_settings
from docmatch.storage.store import Store
from docmatch.storage.tables import ArrivalRow, DocumentRow


class RecordingIntake(Intake):
    """An intake whose dispatcher only records the ids it was given."""

    dispatched: list[int]

    def documents(self) -> list[DocumentRow]:
        with self.sessions() as session:
            return list(session.scalars(select(DocumentRow).order_by(DocumentRow.id)))

    def arrivals(self) -> list[ArrivalRow]:
        with self.sessions() as session:
            return list(session.scalars(select(ArrivalRow).order_by(ArrivalRow.id)))

    def count(self, model) -> int:  # type: ignore[no-untyped-def]
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0


def open_recording_intake(folder: Path, database_url: str | None = None) -> RecordingIntake:
    """A new intake on the database in `folder` (or at `database_url`): calling it twice is a restart."""
    settings = load_settings(data_dir=folder / "data", database_url=database_url or f"sqlite:///{folder / 'docmatch.sqlite3'}")
    store = Store(settings.effective_database_url)
    store.migrate()
    dispatched: list[int] = []
    intake = RecordingIntake(settings, store, dispatch=lambda document, document_id: dispatched.append(document_id))
    intake.dispatched = dispatched
    return intake


@pytest.fixture
def intake(tmp_path: Path) -> Iterator[RecordingIntake]:
    desk = open_recording_intake(tmp_path)
    yield desk
    desk.store.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL, once SQLite and once PostgreSQL: claims must hold on both."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'docmatch.sqlite3'}"
        return
    with fresh_schema("intake") as url:
        yield url


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    reason = missing_requirement(DOVECOT)
    if reason:
        pytest.skip(reason)
    server = DovecotServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sshd() -> Iterator[SshdServer]:
    reason = missing_requirement(SSHD)
    if reason:
        pytest.skip(reason)
    server = SshdServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot_tls() -> Iterator[DovecotServer]:
    reason = missing_requirement(DOVECOT)
    if reason:
        pytest.skip(reason)
    server = DovecotServer(tls=True).start()
    yield server
    server.stop()
