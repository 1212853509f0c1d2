"""Mailbox intake against a real Dovecot IMAP server on loopback."""

from __future__ import annotations

import imaplib
import threading
import unicodedata
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.intake.builders import (
    apple_mail_inline,
    build_tnef,
    mail_with_pdfs,
    mail_with_rfc2047_name,
    mail_with_rfc2231_split_name,
    mail_with_tnef,
    make_image,
    make_pdf,
)
from tests.intake.conftest import open_recording_intake

from docmatch.ingest import imap as imap_module
from docmatch.ingest.config import ImapAccount
from docmatch.ingest.imap import ImapPoller
from docmatch.ingest.ledger import MailAttachmentRecord, MailMessageRecord, QuarantineRecord

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture
def folder(dovecot) -> str:  # type: ignore[no-untyped-def]
    """A fresh mailbox folder per test, so tests never see each other's mail."""
    name = f"t-{uuid.uuid4().hex[:8]}"
    with _client(dovecot) as client:
        client.create(name)
    return name


class _client:
    def __init__(self, dovecot) -> None:  # type: ignore[no-untyped-def]
        self.connection = imaplib.IMAP4("127.0.0.1", dovecot.port)
        self.connection.login(dovecot.user, dovecot.password)

    def __enter__(self) -> imaplib.IMAP4:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.logout()


def append(dovecot, folder: str, *messages: bytes) -> None:  # type: ignore[no-untyped-def]
    with _client(dovecot) as client:
        for raw in messages:
            typ, data = client.append(folder, None, None, raw)
            assert typ == "OK", data


def flags_of(dovecot, folder: str) -> list[str]:  # type: ignore[no-untyped-def]
    with _client(dovecot) as client:
        client.select(folder)
        typ, data = client.fetch("1:*", "(FLAGS)")
        return [item.decode() for item in data if item]


def account(dovecot, folder: str, **overrides) -> ImapAccount:  # type: ignore[no-untyped-def]
    values = {"name": "ap", "host": "127.0.0.1", "port": dovecot.port, "user": dovecot.user, "password": dovecot.password, "tls": "none", "folders": [folder]}
    return ImapAccount(**{**values, **overrides})


def ledger_rows(intake, model):  # type: ignore[no-untyped-def]
    with intake.sessions() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def test_overlapping_polls_and_a_restart_take_each_attachment_once(dovecot, folder: str, tmp_path: Path, any_database: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN six mails with two PDFs each, one PDF also attached to a seventh mail
    WHEN three pollers start at the same moment on the same database, and later a restarted
        poller polls again with the docmatch flags removed
    THEN each PDF is one document dispatched once, each attachment one arrival, each message
        one ledger row, and the restart takes nothing."""
    pdfs = [make_pdf(f"INV-{number}") for number in range(12)]
    mails = [mail_with_pdfs((f"INV-{2 * n}.pdf", pdfs[2 * n]), (f"INV-{2 * n + 1}.pdf", pdfs[2 * n + 1])) for n in range(6)]
    mails.append(mail_with_pdfs(("copy of INV-0.pdf", pdfs[0])))
    append(dovecot, folder, *mails)
    desks = [open_recording_intake(tmp_path, any_database) for _ in range(3)]
    start = threading.Barrier(len(desks))
    errors: list[BaseException] = []

    def run(desk, number: int) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            ImapPoller(account(dovecot, folder), desk, worker=f"poller-{number}").poll()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(desk, number)) for number, desk in enumerate(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    checker = desks[0]
    assert len(checker.documents()) == 12
    assert len(checker.arrivals()) == 13
    assert sorted(sum((desk.dispatched for desk in desks), [])) == sorted(row.id for row in checker.documents())
    assert [row.status for row in ledger_rows(checker, MailMessageRecord)] == ["done"] * 7
    assert len(ledger_rows(checker, MailAttachmentRecord)) == 13

    # A restart, with the flags a person might have cleared: the ledger alone must hold.
    with _client(dovecot) as client:
        client.select(folder)
        client.store("1:*", "-FLAGS", "($DocmatchDone)")
    restarted = open_recording_intake(tmp_path, any_database)
    report = ImapPoller(account(dovecot, folder), restarted).poll()

    assert (report.new, report.known) == (0, 0)
    assert len(restarted.arrivals()) == 13
    assert restarted.dispatched == []
    for desk in [*desks, restarted]:
        desk.store.dispose()


def test_a_folder_reset_does_not_reprocess_old_mail(dovecot, folder: str, intake) -> None:  # type: ignore[no-untyped-def]
    """GIVEN mail already taken from a folder
    WHEN the folder is deleted and recreated (new UIDVALIDITY) and the same mails come back
    THEN the Message-IDs are recognised: no new document, no new arrival."""
    mails = [mail_with_pdfs((f"PO-{n}.pdf", make_pdf(f"PO-{n}"))) for n in range(3)]
    append(dovecot, folder, *mails)
    ImapPoller(account(dovecot, folder), intake).poll()
    with _client(dovecot) as client:
        client.delete(folder)
        client.create(folder)
    append(dovecot, folder, *mails)

    report = ImapPoller(account(dovecot, folder), intake).poll()

    assert (report.new, report.known) == (0, 3)
    assert len(intake.arrivals()) == 3
    rows = ledger_rows(intake, MailMessageRecord)
    assert len({row.uidvalidity for row in rows}) == 2
    assert [row.reason for row in rows[3:]] == ["taken before under another UID"] * 3


def test_oversized_message_is_refused_by_size_before_download(dovecot, folder: str, intake, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    append(dovecot, folder, mail_with_pdfs(("big.pdf", make_pdf("big", padding=200_000))))
    downloads: list[int] = []
    real_fetch = imap_module.fetch_message
    monkeypatch.setattr(imap_module, "fetch_message", lambda client, uid: downloads.append(uid) or real_fetch(client, uid))

    report = ImapPoller(account(dovecot, folder, max_message_bytes=100_000), intake).poll()

    assert (report.refused, report.new) == (1, 0)
    assert downloads == []
    [row] = ledger_rows(intake, MailMessageRecord)
    assert row.status == "refused"
    assert "exceeds the limit of 100000" in (row.reason or "")
    assert "$DocmatchRefused" in flags_of(dovecot, folder)[0]
    # A refused message stays refused on the next poll.
    assert ImapPoller(account(dovecot, folder, max_message_bytes=100_000), intake).poll().refused == 0


def test_field_cases_from_the_mailbox(dovecot, folder: str, intake) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an Outlook winmail.dat mail, an Apple Mail inline mail, and one delivery note sent
        twice with its NFD name encoded per RFC 2231 (split) and per RFC 2047
    WHEN the folder is polled
    THEN INV-7301.pdf, BOL-55120.pdf and the delivery note are the only documents; the delivery
        note is one document whose two arrivals carry the same NFC name."""
    invoice, bol, note = make_pdf("INV-7301", pages=2), make_pdf("BOL-55120"), make_pdf("Lieferschein")
    name = "Lieferschein äöü ß 2024.pdf"
    append(
        dovecot,
        folder,
        mail_with_tnef(build_tnef([("INV-7301.pdf", invoice, None), ("logo.png", make_image(seed=9), "image001.png@01D9")])),
        apple_mail_inline(bol, make_image("PNG", seed=10), make_image("JPEG", size=(400, 200), seed=11)),
        mail_with_rfc2231_split_name(name, note),
        mail_with_rfc2047_name(name, note),
    )

    report = ImapPoller(account(dovecot, folder), intake).poll()

    assert (report.new, report.known, report.quarantined) == (3, 1, 0)
    assert report.skipped == 3  # logo.png in the TNEF, logo.png and banner.jpg in the Apple mail
    assert [row.filename for row in intake.documents()] == ["INV-7301.pdf", "BOL-55120.pdf", unicodedata.normalize("NFC", name)]
    note_arrivals = [arrival.filename for arrival in intake.arrivals() if arrival.filename.startswith("Lieferschein")]
    assert note_arrivals == [unicodedata.normalize("NFC", name)] * 2
    assert all("/" not in arrival.filename for arrival in intake.arrivals())


def test_undecodable_winmail_dat_is_a_visible_error(dovecot, folder: str, intake) -> None:  # type: ignore[no-untyped-def]
    append(dovecot, folder, mail_with_tnef(b"\x00not tnef" * 30))

    report = ImapPoller(account(dovecot, folder), intake).poll()

    assert (report.new, report.quarantined) == (0, 1)
    [quarantined] = ledger_rows(intake, QuarantineRecord)
    assert quarantined.filename == "winmail.dat"
    assert quarantined.reason.startswith("unsupported or damaged container winmail.dat")
    [message] = ledger_rows(intake, MailMessageRecord)
    assert message.status == "done"
    assert message.reason.startswith("unsupported or damaged container")


def test_taken_messages_are_moved_when_configured(dovecot, folder: str, intake) -> None:  # type: ignore[no-untyped-def]
    append(dovecot, folder, mail_with_pdfs(("A.pdf", make_pdf("A"))), mail_with_pdfs(("B.pdf", make_pdf("B"))))
    target = f"{folder}-done"

    report = ImapPoller(account(dovecot, folder, after_intake="move", move_to=target), intake).poll()

    assert report.new == 2
    with _client(dovecot) as client:
        assert client.select(folder)[1] == [b"0"]
        assert client.select(target)[1] == [b"2"]


def test_sender_and_subject_rules_leave_other_mail_alone(dovecot, folder: str, intake) -> None:  # type: ignore[no-untyped-def]
    append(
        dovecot,
        folder,
        mail_with_pdfs(("wanted.pdf", make_pdf("wanted")), subject="Invoice 42"),
        mail_with_pdfs(("newsletter.pdf", make_pdf("news")), subject="Our newsletter"),
    )

    report = ImapPoller(account(dovecot, folder, senders=["*@example.com"], subject_pattern=r"\binvoice\b"), intake).poll()

    assert (report.new, report.skipped) == (1, 1)
    assert [row.filename for row in intake.documents()] == ["wanted.pdf"]
    assert "$DocmatchDone" not in flags_of(dovecot, folder)[1]


def test_attachment_pattern_skips_other_attachments(dovecot, folder: str, intake) -> None:  # type: ignore[no-untyped-def]
    message = mail_with_pdfs(("INV-9.pdf", make_pdf("INV-9")), ("terms.pdf", make_pdf("terms")))
    append(dovecot, folder, message)

    report = ImapPoller(account(dovecot, folder, attachment_pattern=r"^INV-"), intake).poll()

    assert (report.new, report.skipped) == (1, 1)
    assert [row.filename for row in intake.documents()] == ["INV-9.pdf"]


def test_wrong_password_is_a_clear_error_without_the_secret(dovecot, folder: str, intake) -> None:  # type: ignore[no-untyped-def]
    from docmatch.errors import IntakeError

    with pytest.raises(IntakeError) as raised:
        ImapPoller(account(dovecot, folder, password="not-the-password"), intake).poll()

    assert "login refused" in str(raised.value)
    assert "not-the-password" not in str(raised.value)


@pytest.mark.parametrize("tls", ["ssl", "starttls"])
def test_tls_modes_verify_the_certificate(dovecot_tls, intake, tls: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a server with a certificate from a private CA
    WHEN docmatch connects by implicit TLS or STARTTLS
    THEN it takes mail with the CA in ca_file, and rejects the connection without it."""
    from docmatch.errors import IntakeError

    append(dovecot_tls, "INBOX", mail_with_pdfs(("TLS.pdf", make_pdf(f"TLS {tls}"))))
    port = dovecot_tls.tls_port if tls == "ssl" else dovecot_tls.port

    with pytest.raises(IntakeError, match="cannot connect"):
        ImapPoller(account(dovecot_tls, "INBOX", tls=tls, port=port), intake).poll()
    report = ImapPoller(account(dovecot_tls, "INBOX", tls=tls, port=port, ca_file=dovecot_tls.certificate), intake).poll()

    assert report.new == 1


def test_intake_command_reports_counts_and_failures(dovecot, folder: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from docmatch.cli import cli

    append(dovecot, folder, mail_with_pdfs(("CLI.pdf", make_pdf("CLI"))))
    intake_file = tmp_path / "intake.yaml"
    intake_file.write_text(
        "imap:\n"
        f"  - {{name: ap, host: 127.0.0.1, port: {dovecot.port}, tls: none, user: {dovecot.user}, password: '${{TEST_IMAP_PASSWORD}}', folders: [{folder}]}}\n"
        f"  - {{name: broken, host: 127.0.0.1, port: {dovecot.port}, tls: none, user: {dovecot.user}, password: wrong, folders: [{folder}]}}\n"
    )
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    monkeypatch.setenv("DOCMATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")

    result = CliRunner().invoke(cli, ["intake", "imap", "--once", "--dispatch", "store", "--intake-file", str(intake_file)])

    assert result.exit_code == 6
    assert "imap: 1 new" in result.output
    assert "mailbox broken: login refused" in result.output
    assert dovecot.password not in result.output


def test_missing_folder_does_not_stop_the_other_folders(dovecot, folder: str, intake) -> None:  # type: ignore[no-untyped-def]
    append(dovecot, folder, mail_with_pdfs(("OK.pdf", make_pdf("OK"))))

    report = ImapPoller(account(dovecot, folder, folders=["no-such-folder", folder]), intake).poll()

    assert report.failed == 1
    assert report.new == 1


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("INBOX", "INBOX"),
        ("Eingänge", "Eing&AOQ-nge"),
        ("Rechnungen & Belege", "Rechnungen &- Belege"),
        # The example of RFC 3501, section 5.1.3.
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
    ],
)
def test_mailbox_names_in_modified_utf7(name: str, encoded: str) -> None:
    assert imap_module.encode_mailbox(name) == encoded


def test_non_ascii_folders_are_read_and_moved_to(dovecot, intake) -> None:  # type: ignore[no-untyped-def]
    folder = f"Eingänge-{uuid.uuid4().hex[:8]}"
    target = f"{folder}-erledigt ✓"
    with _client(dovecot) as client:
        assert client.create(imap_module.quote_mailbox(folder))[0] == "OK"
    append(dovecot, imap_module.quote_mailbox(folder), mail_with_pdfs(("A.pdf", make_pdf("A"))))

    report = ImapPoller(account(dovecot, folder, after_intake="move", move_to=target), intake).poll()

    assert report.new == 1
    with _client(dovecot) as client:
        assert client.select(imap_module.quote_mailbox(target))[1] == [b"1"]


def test_damaged_tnef_is_quarantined_and_logged(dovecot, folder: str, intake, caplog) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a mail whose winmail.dat has a valid TNEF signature but is cut inside its PDF
    WHEN the folder is polled
    THEN nothing of the PDF becomes a document, the container is quarantined as damaged,
        and a warning names the message's ledger id, never an address."""
    import logging

    from docmatch.ingest.ledger import MailMessageRecord

    whole = build_tnef([("INV-7302.pdf", make_pdf("INV-7302", padding=3000), None)])
    append(dovecot, folder, mail_with_tnef(whole[: len(whole) // 2]))

    with caplog.at_level(logging.WARNING, logger="docmatch.ingest.imap"):
        report = ImapPoller(account(dovecot, folder), intake).poll()

    assert (report.new, report.quarantined) == (0, 1)
    assert intake.documents() == []
    [quarantined] = ledger_rows(intake, QuarantineRecord)
    assert quarantined.filename == "winmail.dat"
    assert quarantined.reason.startswith("unsupported or damaged container winmail.dat: ")
    [message] = ledger_rows(intake, MailMessageRecord)
    assert "unsupported or damaged container" in (message.reason or "")
    [line] = [record.getMessage() for record in caplog.records if "container was quarantined" in record.getMessage()]
    assert f"(ledger message {message.id})" in line
    assert "@" not in line
