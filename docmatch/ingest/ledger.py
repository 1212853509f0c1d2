"""The intake ledger: what each channel has already taken, so nothing is taken twice.

Tables (all on `docmatch.storage.db.Base`, so the Alembic migration covers them):

    intake_mail_message      one row per mailbox message seen: account name, folder,
                             UIDVALIDITY, UID, Message-ID, size, status
    intake_mail_attachment   the attachments taken from a message, by SHA-256
    intake_remote_file       files watched in SFTP drops and local folders: size and
                             modification time per poll, until stable and taken
    intake_odoo_document     Odoo Documents records taken, by record id
    intake_quarantine        rejected input with the reason, for the report

Claiming is how overlapping polls stay apart. A poller claims a message by inserting its
row under the unique key (account, folder, UIDVALIDITY, UID); the database lets exactly
one insert win, on SQLite and PostgreSQL alike, and the row outlives a restart. A remote
file is claimed by a conditional UPDATE from `watching` to `claimed`, which again only one
poller can win. A claim left behind by a poller that died is taken over after
`STALE_CLAIM` by the same kind of conditional UPDATE. Only account names chosen in the
configuration are stored, never a login or an address.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from docmatch.storage.db import Base

log = logging.getLogger(__name__)

# A claim older than this belongs to a poller that died; another poller may take it over.
STALE_CLAIM = timedelta(minutes=30)

# Message and file statuses.
CLAIMED = "claimed"
DONE = "done"
REFUSED = "refused"  # permanent: too large, undecodable container, rejected by a rule
FAILED = "failed"  # transient: a later poll tries again
WATCHING = "watching"
REJECTED = "rejected"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class MailMessageRecord(Base):
    __tablename__ = "intake_mail_message"
    __table_args__ = (UniqueConstraint("account", "folder", "uidvalidity", "uid", name="uq_intake_mail_message_uid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(200), comment="Account name from the intake file, not the login.")
    folder: Mapped[str] = mapped_column(String(500))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default=CLAIMED)
    reason: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MailAttachmentRecord(Base):
    __tablename__ = "intake_mail_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("intake_mail_message.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(String(20), comment="new, known or quarantined")


class RemoteFileRecord(Base):
    __tablename__ = "intake_remote_file"
    __table_args__ = (UniqueConstraint("channel", "location", "path", name="uq_intake_remote_file_path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(500), comment="Drop name from the intake file.")
    path: Mapped[str] = mapped_column(String(1000))
    size: Mapped[int] = mapped_column(BigInteger)
    mtime: Mapped[float] = mapped_column(Float)
    stable_polls: Mapped[int] = mapped_column(Integer, default=1, comment="Consecutive polls that saw this size and time.")
    status: Mapped[str] = mapped_column(String(20), default=WATCHING)
    sha256: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    # When the current size and time were first seen; reset whenever either changes.
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def unchanged_for(self, now: datetime) -> float:
        """Seconds since the current size and time were first seen."""
        return (now - _aware(self.first_seen)).total_seconds()


class OdooDocumentRecord(Base):
    __tablename__ = "intake_odoo_document"
    __table_args__ = (UniqueConstraint("location", "record_id", name="uq_intake_odoo_document_record"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location: Mapped[str] = mapped_column(String(500), comment="Channel name from the intake file.")
    record_id: Mapped[int] = mapped_column(BigInteger)
    create_date: Mapped[str | None] = mapped_column(String(32), comment="Odoo create_date, UTC 'YYYY-MM-DD HH:MM:SS'.")
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=CLAIMED)
    reason: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuarantineRecord(Base):
    __tablename__ = "intake_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(1000))
    filename: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    stored_path: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


LEDGER_TABLES = [
    MailMessageRecord.__table__,
    MailAttachmentRecord.__table__,
    RemoteFileRecord.__table__,
    OdooDocumentRecord.__table__,
    QuarantineRecord.__table__,
]


# --- mail -----------------------------------------------------------------------------


def claim_message(
    session: Session,
    *,
    account: str,
    folder: str,
    uidvalidity: int,
    uid: int,
    size: int | None,
    worker: str,
    message_id: str | None = None,
    now: datetime | None = None,
) -> MailMessageRecord | None:
    """Claim one message for this poller; None when it is taken, being taken, or refused.

    A row in status `failed` or a stale `claimed` row is taken over by a conditional
    UPDATE, so of two pollers that race for it only one succeeds.
    """
    now = now or utcnow()
    record = MailMessageRecord(
        account=account, folder=folder, uidvalidity=uidvalidity, uid=uid, message_id=message_id, size=size, status=CLAIMED, claimed_by=worker, claimed_at=now
    )
    if _inserted(session, record):
        return record
    existing = session.scalars(
        select(MailMessageRecord).filter_by(account=account, folder=folder, uidvalidity=uidvalidity, uid=uid)
    ).one()
    if existing.status == FAILED or (existing.status == CLAIMED and _aware(existing.claimed_at) < now - STALE_CLAIM):
        return _take_over(session, MailMessageRecord, existing, worker=worker, now=now)
    return None


def _take_over(session: Session, model: type, existing, *, worker: str, now: datetime):  # type: ignore[no-untyped-def]
    """Move a failed or stale claim to this poller; None when another poller was faster."""
    values = {"status": CLAIMED, "claimed_at": now}
    if hasattr(model, "claimed_by"):
        values["claimed_by"] = worker
    result = session.execute(
        update(model)
        .where(model.id == existing.id, model.status == existing.status, model.claimed_at == existing.claimed_at)
        .values(**values)
    )
    session.commit()
    if result.rowcount != 1:
        return None
    log.info("took over an unfinished intake claim (status was %s)", existing.status)
    session.refresh(existing)
    return existing


def message_seen_before(session: Session, *, account: str, message_id: str | None, exclude_id: int) -> bool:
    """Return whether a message with this Message-ID was already taken from `account`.

    This is what keeps a folder reset (new UIDVALIDITY, every UID new) or a message
    moved between watched folders from being processed again.
    """
    if not message_id:
        return False
    found = session.scalars(
        select(MailMessageRecord.id).where(
            MailMessageRecord.account == account,
            MailMessageRecord.message_id == message_id,
            MailMessageRecord.status == DONE,
            MailMessageRecord.id != exclude_id,
        )
    ).first()
    return found is not None


def finish_message(session: Session, record: MailMessageRecord, *, status: str, reason: str | None = None, message_id: str | None = None) -> None:
    record.status = status
    record.reason = reason
    if message_id is not None:
        record.message_id = message_id
    record.finished_at = utcnow()
    session.merge(record)
    session.commit()


def record_attachment(session: Session, record: MailMessageRecord, *, sha256: str | None, filename: str, outcome: str) -> None:
    """Add an attachment row; it is committed with the message's `finish_message`."""
    session.add(MailAttachmentRecord(message_id=record.id, sha256=sha256, filename=filename[:500], outcome=outcome))


# --- remote files ---------------------------------------------------------------------


def observe_file(session: Session, *, channel: str, location: str, path: str, size: int, mtime: float) -> RemoteFileRecord:
    """Record one poll's view of a file and return its record.

    The count of consecutive polls and `first_seen` restart whenever the size or the time
    changed, and for a file that reappears after it was taken (a new upload under the
    same name).
    """
    now = utcnow()
    record = session.scalars(select(RemoteFileRecord).filter_by(channel=channel, location=location, path=path)).first()
    if record is None:
        record = RemoteFileRecord(channel=channel, location=location, path=path, size=size, mtime=mtime, stable_polls=1, status=WATCHING, first_seen=now)
        if _inserted(session, record):
            return record
        record = session.scalars(select(RemoteFileRecord).filter_by(channel=channel, location=location, path=path)).one()
    unchanged = record.size == size and record.mtime == mtime
    if record.status == WATCHING:
        record.stable_polls = record.stable_polls + 1 if unchanged else 1
    elif record.status in (DONE, REJECTED) and not unchanged:
        # The file was taken and moved away; this is a new upload under the same name.
        record.status, record.stable_polls, record.sha256, record.reason = WATCHING, 1, None, None
    if not unchanged:
        record.first_seen = now
    record.size, record.mtime = size, mtime
    session.commit()
    return record


def claim_file(session: Session, record: RemoteFileRecord, *, now: datetime | None = None) -> bool:
    """Claim a watched (or stale claimed) file for this poller; True when this poller won."""
    now = now or utcnow()
    allowed = (RemoteFileRecord.status == WATCHING) | (
        (RemoteFileRecord.status == CLAIMED) & (RemoteFileRecord.claimed_at < now - STALE_CLAIM)
    )
    result = session.execute(
        update(RemoteFileRecord)
        .where(RemoteFileRecord.id == record.id, RemoteFileRecord.size == record.size, RemoteFileRecord.mtime == record.mtime, allowed)
        .values(status=CLAIMED, claimed_at=now)
    )
    session.commit()
    return result.rowcount == 1


def release_file(session: Session, record: RemoteFileRecord) -> None:
    """Give a claimed file back to watching: it changed while it was being read."""
    session.execute(update(RemoteFileRecord).where(RemoteFileRecord.id == record.id).values(status=WATCHING, stable_polls=0, claimed_at=None, first_seen=utcnow()))
    session.commit()


def finish_file(session: Session, record: RemoteFileRecord, *, status: str, sha256: str | None = None, reason: str | None = None) -> None:
    session.execute(update(RemoteFileRecord).where(RemoteFileRecord.id == record.id).values(status=status, sha256=sha256, reason=reason))
    session.commit()


# --- Odoo Documents -------------------------------------------------------------------


def claim_odoo_document(session: Session, *, location: str, record_id: int, create_date: str | None, now: datetime | None = None) -> OdooDocumentRecord | None:
    """Claim one Odoo Documents record; None when the webhook or another poll has it."""
    now = now or utcnow()
    record = OdooDocumentRecord(location=location, record_id=record_id, create_date=create_date, status=CLAIMED, claimed_at=now)
    if _inserted(session, record):
        return record
    existing = session.scalars(select(OdooDocumentRecord).filter_by(location=location, record_id=record_id)).one()
    if existing.status == FAILED or (existing.status == CLAIMED and _aware(existing.claimed_at) < now - STALE_CLAIM):
        return _take_over(session, OdooDocumentRecord, existing, worker="", now=now)
    return None


def finish_odoo_document(session: Session, record: OdooDocumentRecord, *, status: str, sha256: str | None = None, reason: str | None = None) -> None:
    session.execute(update(OdooDocumentRecord).where(OdooDocumentRecord.id == record.id).values(status=status, sha256=sha256, reason=reason))
    session.commit()


def latest_odoo_create_date(session: Session, *, location: str) -> str | None:
    """Return the newest create_date taken from this channel, the polling cursor."""
    rows = session.scalars(select(OdooDocumentRecord.create_date).where(OdooDocumentRecord.location == location, OdooDocumentRecord.create_date.is_not(None)))
    return max(rows, default=None)


# --- quarantine -----------------------------------------------------------------------


def record_quarantine(
    session: Session, *, channel: str, source: str, filename: str, reason: str, sha256: str | None, size: int, stored_path: str | None
) -> QuarantineRecord:
    record = QuarantineRecord(
        channel=channel, source=source[:1000], filename=filename[:500], reason=reason, sha256=sha256, size=size, stored_path=stored_path
    )
    session.add(record)
    session.commit()
    return record


def _inserted(session: Session, record: Base) -> bool:
    """Insert `record`; return False, rolled back, when its unique key is already taken."""
    try:
        session.add(record)
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
        return False


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
