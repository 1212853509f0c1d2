"""Mailbox intake: poll IMAP folders and take the documents attached to messages.

One poll of an account, per folder:

1. SELECT the folder and read its UIDVALIDITY;
2. list the messages not yet marked (UID SEARCH), then fetch only their size and a few
   headers (UID FETCH RFC822.SIZE and BODY.PEEK of Message-ID, From, Subject);
3. claim each message that the sender and subject rules select in the ledger, so an
   overlapping poll cannot take it too. Skip it when its Message-ID was already taken
   from this account, as after a folder reset or a move between watched folders;
4. refuse it by RFC822.SIZE before download when it is larger than the limit;
5. download it with BODY.PEEK[] (the \\Seen flag stays as it was), find its attachments
   (`mime.find_attachments`) and hand each to the intake;
6. record the outcome, then move or flag the message as configured.

Why a ledger claim rather than IMAP flags or a Redis lock: the claim is an INSERT under a
unique key in docmatch's own database, so it is atomic on SQLite and PostgreSQL alike,
outlives a restart, needs no extra service, and does not depend on the server's
support for keywords (some servers refuse custom flags). The flag or move after intake
is for people reading the mailbox, not for correctness.
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import fnmatch
import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from docmatch.errors import IntakeError
from docmatch.ingest import ledger
from docmatch.ingest.config import ImapAccount
from docmatch.ingest.intake import Intake, IntakeReport
from docmatch.ingest.mime import MailContents, find_attachments, parse_message

log = logging.getLogger(__name__)

# UIDs per FETCH of sizes and headers; keeps command lines short on large folders.
FETCH_BATCH = 200

_HEADER_FIELDS = "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID FROM SUBJECT)]"


@dataclass(frozen=True)
class MessageSummary:
    """Size and headers of a message, read before the message is downloaded."""

    uid: int
    size: int
    message_id: str | None
    sender: str
    subject: str


class ImapPoller:
    """Polls the folders of one account; `worker` names this poller in the ledger."""

    def __init__(self, account: ImapAccount, intake: Intake, *, worker: str = "intake") -> None:
        self.account = account
        self.intake = intake
        self.worker = worker
        self._subject = re.compile(account.subject_pattern, re.IGNORECASE) if account.subject_pattern else None
        self._attachment = re.compile(account.attachment_pattern, re.IGNORECASE) if account.attachment_pattern else None

    def poll(self) -> IntakeReport:
        """Poll every folder of the account once and return the counts."""
        report = IntakeReport()
        log.info("mailbox %s: poll started", self.account.name)
        with connect(self.account) as client:
            for folder in self.account.folders:
                try:
                    report.merge(self.poll_folder(client, folder))
                except IntakeError as exc:
                    # A missing or unreadable folder must not stop the account's other folders.
                    log.error("mailbox %s: %s", self.account.name, exc)
                    report.failed += 1
        log.info("mailbox %s: poll finished: %s", self.account.name, report.summary())
        return report

    def poll_folder(self, client: imaplib.IMAP4, folder: str) -> IntakeReport:
        report = IntakeReport()
        uidvalidity = select_folder(client, folder)
        for summary in self.list_messages(client):
            if not self.selected(summary):
                report.skipped += 1
                continue
            self.take_message(client, folder, uidvalidity, summary, report)
        return report

    # --- steps ------------------------------------------------------------------------

    def list_messages(self, client: imaplib.IMAP4) -> list[MessageSummary]:
        """Return size and headers of the messages not yet marked by docmatch."""
        criteria = ["UNDELETED", "UNKEYWORD", self.account.refused_flag]
        if self.account.after_intake == "flag":
            criteria += ["UNKEYWORD", self.account.done_flag]
        uids = _uid_list(_check(client.uid("SEARCH", *criteria), "UID SEARCH"))
        summaries: list[MessageSummary] = []
        for start in range(0, len(uids), FETCH_BATCH):
            batch = ",".join(str(uid) for uid in uids[start : start + FETCH_BATCH])
            data = _check(client.uid("FETCH", batch, f"(UID RFC822.SIZE {_HEADER_FIELDS})"), "UID FETCH")
            summaries.extend(_summaries(data))
        return sorted(summaries, key=lambda summary: summary.uid)

    def selected(self, summary: MessageSummary) -> bool:
        """Apply the account's sender and subject rules."""
        if self.account.senders:
            address = email.utils.parseaddr(summary.sender)[1].lower()
            if not any(fnmatch.fnmatch(address, pattern.lower()) for pattern in self.account.senders):
                return False
        if self._subject and not self._subject.search(summary.subject):
            return False
        return True

    def take_message(self, client: imaplib.IMAP4, folder: str, uidvalidity: int, summary: MessageSummary, report: IntakeReport) -> None:
        """Claim, check, download and take one message; its outcome goes to the ledger."""
        with self.intake.sessions() as session:
            claim = ledger.claim_message(
                session,
                account=self.account.name,
                folder=folder,
                uidvalidity=uidvalidity,
                uid=summary.uid,
                size=summary.size,
                worker=self.worker,
                message_id=summary.message_id,
            )
            if claim is None:
                return

            # Known by Message-ID: a folder reset or a move between watched folders.
            if ledger.message_seen_before(session, account=self.account.name, message_id=summary.message_id, exclude_id=claim.id):
                ledger.finish_message(session, claim, status=ledger.DONE, reason="taken before under another UID")
                report.known += 1
                self.after_intake(client, summary.uid, done=True)
                return

            # Refuse oversized messages before downloading them.
            if summary.size > self.account.max_message_bytes:
                reason = f"message of {summary.size} bytes exceeds the limit of {self.account.max_message_bytes}"
                ledger.finish_message(session, claim, status=ledger.REFUSED, reason=reason)
                log.warning("mailbox %s: message UID %d rejected: %s", self.account.name, summary.uid, reason)
                report.refused += 1
                self.after_intake(client, summary.uid, done=False)
                return

            try:
                contents = find_attachments(parse_message(fetch_message(client, summary.uid)))
                reasons = self.take_attachments(session, claim, folder, uidvalidity, summary.uid, contents, report)
            except (imaplib.IMAP4.abort, OSError):
                session.rollback()  # drop the attachment rows; the retry records them again
                ledger.finish_message(session, claim, status=ledger.FAILED, reason="connection lost while reading the message")
                raise
            except Exception as exc:  # one bad message must not stop the others
                log.error("mailbox %s: message UID %d failed: %s: %s", self.account.name, summary.uid, type(exc).__name__, exc)
                session.rollback()
                ledger.finish_message(session, claim, status=ledger.FAILED, reason=f"{type(exc).__name__}: {exc}")
                report.failed += 1
                return
            ledger.finish_message(session, claim, status=ledger.DONE, reason="; ".join(reasons) or None)
        self.after_intake(client, summary.uid, done=True)

    def take_attachments(self, session, claim, folder: str, uidvalidity: int, uid: int, contents: MailContents, report: IntakeReport) -> list[str]:  # type: ignore[no-untyped-def]
        """Hand each attachment to the intake; quarantine containers that did not open."""
        source = f"{self.account.name}/{folder}/{uidvalidity}/{uid}"
        for attachment in contents.attachments:
            if self._attachment and not self._attachment.search(attachment.filename):
                report.skipped += 1
                continue
            received = self.intake.receive(attachment.content, filename=attachment.filename, channel="imap", source=source)
            ledger.record_attachment(session, claim, sha256=received.sha256, filename=received.filename, outcome=received.outcome)
            report.add(received)
        for problem, reason in contents.problems:
            log.warning("mailbox %s: message UID %d (ledger message %d): a container was quarantined: %s", self.account.name, uid, claim.id, reason)
            received = self.intake.quarantine(problem.content, filename=problem.filename, channel="imap", source=source, reason=reason)
            ledger.record_attachment(session, claim, sha256=received.sha256, filename=received.filename, outcome=received.outcome)
            report.add(received)
        report.skipped += len(contents.skipped)
        if not contents.attachments and not contents.problems:
            log.info("mailbox %s: message UID %d has no documents", self.account.name, uid)
        return contents.problem_reasons

    def after_intake(self, client: imaplib.IMAP4, uid: int, *, done: bool) -> None:
        """Move or flag the message; a failure here is logged, the ledger already has it."""
        try:
            if not done:
                _check(client.uid("STORE", str(uid), "+FLAGS", f"({self.account.refused_flag})"), "UID STORE")
            elif self.account.after_intake == "flag":
                _check(client.uid("STORE", str(uid), "+FLAGS", f"({self.account.done_flag})"), "UID STORE")
            else:
                move_message(client, uid, self.account.move_to)
        except (IntakeError, imaplib.IMAP4.error) as exc:
            log.warning("mailbox %s: message UID %d could not be moved or flagged: %s", self.account.name, uid, exc)


# --- protocol helpers -----------------------------------------------------------------


@contextmanager
def connect(account: ImapAccount) -> Iterator[imaplib.IMAP4]:
    """Open, log in and finally log out; network and login failures become IntakeError."""
    client: imaplib.IMAP4 | None = None
    try:
        # The certificate and the host name are always verified; a private CA goes in ca_file.
        context = ssl.create_default_context(cafile=str(account.ca_file) if account.ca_file else None)
        if account.tls == "ssl":
            client = imaplib.IMAP4_SSL(account.host, account.effective_port, ssl_context=context, timeout=account.timeout)
        else:
            client = imaplib.IMAP4(account.host, account.effective_port, timeout=account.timeout)
            if account.tls == "starttls":
                client.starttls(context)
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
        if client is not None:
            with contextlib.suppress(OSError):
                client.shutdown()
        raise IntakeError(
            f"mailbox {account.name}: cannot connect to the IMAP server: {_reason(exc)}", hint="check host, port and tls in the intake file"
        ) from exc
    try:
        try:
            client.login(account.user, account.password.get_secret_value())
        except imaplib.IMAP4.error as exc:
            raise IntakeError(f"mailbox {account.name}: login refused", hint="check user and password in the intake file") from exc
        _refresh_capabilities(client)
        yield client
    except (imaplib.IMAP4.abort, socket.timeout, OSError) as exc:
        raise IntakeError(f"mailbox {account.name}: connection lost: {_reason(exc)}", hint="the next poll tries again") from exc
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def _refresh_capabilities(client: imaplib.IMAP4) -> None:
    # Servers announce MOVE and UIDPLUS only after login; imaplib keeps the list from before.
    typ, data = client.capability()
    if typ == "OK" and data and data[0]:
        client.capabilities = tuple(data[0].decode("ascii", "replace").upper().split())


def select_folder(client: imaplib.IMAP4, folder: str) -> int:
    """SELECT `folder` read-write and return its UIDVALIDITY."""
    typ, data = client.select(quote_mailbox(folder))
    if typ != "OK":
        raise IntakeError(f"folder {folder!r} cannot be opened: {_text(data)}", hint="check the folder names in the intake file")
    _, values = client.response("UIDVALIDITY")
    try:
        return int(values[0])
    except (TypeError, ValueError, IndexError) as exc:
        raise IntakeError(f"folder {folder!r}: the server sent no UIDVALIDITY", hint="docmatch needs an IMAP4rev1 server") from exc


def fetch_message(client: imaplib.IMAP4, uid: int) -> bytes:
    """Download one whole message without setting \\Seen."""
    data = _check(client.uid("FETCH", str(uid), "(BODY.PEEK[])"), "UID FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    raise IntakeError(f"message UID {uid} vanished before it could be read", hint="the next poll tries again")


def move_message(client: imaplib.IMAP4, uid: int, target: str) -> None:
    """Move one message with UID MOVE, or COPY, flag \\Deleted and expunge where MOVE is missing."""
    mailbox = quote_mailbox(target)
    client.create(mailbox)  # fails harmlessly when the folder exists
    if "MOVE" in client.capabilities:
        _check(client.uid("MOVE", str(uid), mailbox), "UID MOVE")
        return
    _check(client.uid("COPY", str(uid), mailbox), "UID COPY")
    _check(client.uid("STORE", str(uid), "+FLAGS", "(\\Deleted)"), "UID STORE")
    if "UIDPLUS" in client.capabilities:
        _check(client.uid("EXPUNGE", str(uid)), "UID EXPUNGE")
    else:
        # TODO: plain EXPUNGE also removes messages others marked \Deleted; drop this branch once UIDPLUS can be required.
        client.expunge()


def quote_mailbox(name: str) -> str:
    """Quote a mailbox name for a command line, in modified UTF-7 as IMAP4rev1 requires."""
    encoded = encode_mailbox(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def encode_mailbox(name: str) -> str:
    """Return `name` in IMAP's modified UTF-7 (RFC 3501, section 5.1.3): "Eingänge" -> "Eing&AOQ-nge".

    Printable ASCII stands for itself and "&" becomes "&-". Every other run of
    characters is written as UTF-16BE in base64 with "," for "/" and no padding,
    between "&" and "-".
    """
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _summaries(data: list) -> Iterator[MessageSummary]:  # type: ignore[type-arg]
    for item in data:
        if not isinstance(item, tuple):
            continue
        meta, headers = item[0].decode("ascii", "replace"), item[1]
        uid = re.search(r"UID (\d+)", meta)
        size = re.search(r"RFC822\.SIZE (\d+)", meta)
        if not uid or not size:
            continue
        parsed = parse_message(headers)
        message_id = (parsed.get("Message-ID") or "").strip() or None
        yield MessageSummary(int(uid.group(1)), int(size.group(1)), message_id, str(parsed.get("From") or ""), str(parsed.get("Subject") or ""))


def _uid_list(data: list) -> list[int]:  # type: ignore[type-arg]
    return [int(value) for chunk in data if chunk for value in chunk.split()]


def _check(response: tuple[str, list], command: str) -> list:  # type: ignore[type-arg]
    typ, data = response
    if typ != "OK":
        raise IntakeError(f"IMAP {command} failed: {_text(data)}", hint="see the IMAP server's log")
    return data


def _text(data: list) -> str:  # type: ignore[type-arg]
    return " ".join(item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item) for item in data or [])[:200]


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]
