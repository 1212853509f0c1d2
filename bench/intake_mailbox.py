"""Mailbox intake time per message, against plain imaplib downloading the same messages.

    .venv/bin/python bench/intake_mailbox.py [--messages 200] [--rounds 3]

Starts a Dovecot on loopback (as root, like the tests), appends MESSAGES mails with one
small PDF each to a fresh folder per round, then times two things on the same folder:

    baseline   imaplib: SELECT, UID SEARCH ALL, UID FETCH BODY.PEEK[] of each message
    docmatch   `ImapPoller.poll()` with the documents only stored (dispatch mode
               `store`): headers and sizes first, a ledger claim per message, the
               download, MIME walking, hashing, storage and the arrival record

The ratio docmatch / baseline is the cost of durability per message: the claim, the
arrival and the outcome are each committed, and each stored file is fsynced. Target:
under 100 ms per message on SQLite, so a backlog of 1,000 mails is taken in under two
minutes.
"""

from __future__ import annotations

import argparse
import imaplib
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# The test helpers are imported by path: another installed package is named `tests`.
sys.path.insert(0, str(REPO / "tests" / "intake"))

from builders import mail_with_pdfs, make_pdf  # noqa: E402
from servers import DovecotServer  # noqa: E402

from docmatch.ingest.config import ImapAccount  # noqa: E402
from docmatch.ingest.imap import ImapPoller  # noqa: E402
from docmatch.ingest.poll import open_intake  # noqa: E402
from docmatch.settings import load_settings  # noqa: E402


def fill_folder(server: DovecotServer, count: int) -> str:
    folder = f"bench-{uuid.uuid4().hex[:8]}"
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login(server.user, server.password)
    client.create(folder)
    for number in range(count):
        client.append(folder, None, None, mail_with_pdfs((f"INV-{number}.pdf", make_pdf(f"INV-{number} {folder}"))))
    client.logout()
    return folder


def plain_download(server: DovecotServer, folder: str) -> float:
    started = time.perf_counter()
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login(server.user, server.password)
    client.select(folder)
    _, data = client.uid("SEARCH", "ALL")
    for uid in data[0].split():
        client.uid("FETCH", uid, "(BODY.PEEK[])")
    client.logout()
    return time.perf_counter() - started


def docmatch_poll(server: DovecotServer, folder: str, scratch: Path, count: int) -> float:
    settings = load_settings(data_dir=scratch / "data", database_url=f"sqlite:///{scratch / 'bench.sqlite3'}")
    intake = open_intake(settings, dispatch="store")
    account = ImapAccount(name="bench", host="127.0.0.1", port=server.port, user=server.user, password=server.password, tls="none", folders=[folder])
    started = time.perf_counter()
    report = ImapPoller(account, intake).poll()
    elapsed = time.perf_counter() - started
    intake.store.dispose()
    if report.new != count:
        raise SystemExit(f"expected {count} new documents, got {report.summary()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    server = DovecotServer().start()
    baseline, docmatch = [], []
    try:
        for _ in range(options.rounds):
            folder = fill_folder(server, options.messages)
            baseline.append(plain_download(server, folder))
            with tempfile.TemporaryDirectory() as scratch:
                docmatch.append(docmatch_poll(server, folder, Path(scratch), options.messages))
    finally:
        server.stop()

    base, ours = statistics.median(baseline), statistics.median(docmatch)
    print(f"messages per round: {options.messages}, rounds: {options.rounds}")
    print(f"baseline imaplib download: {base:.2f} s median ({1000 * base / options.messages:.1f} ms per message)")
    print(f"docmatch mailbox poll:     {ours:.2f} s median ({1000 * ours / options.messages:.1f} ms per message)")
    print(f"ratio docmatch / baseline: {ours / base:.1f}")


if __name__ == "__main__":
    main()
