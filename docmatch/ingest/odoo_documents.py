"""Odoo Documents intake: files staff put in a watched Documents folder.

Two ways in, one way of taking a record:

- polling (every version, and the only way on 16): search `documents.document` in the
  folder by `create_date`, from a little before the newest date already taken, so a
  record committed late is still found; the ledger skips ids already taken;
- the webhook (17+, see `docmatch.ingest.webhook`): Odoo's "Send Webhook Notification"
  posts the record id; docmatch treats it as a hint and takes the record the same way.

Taking a record always re-reads it through the API and reads the file from its `datas`
field (base64), falling back to the linked `ir.attachment`. Folder semantics differ by
version: on 16 and 17 `folder_id` points to a `documents.folder` (a workspace); from 18
on folders are `documents.document` records of type `folder`. Both keep files in
`documents.document` with `type = 'binary'`. Only files directly in the watched folder
are taken, not those of its sub-folders.
"""

from __future__ import annotations

import base64
import binascii
import logging
from datetime import datetime, timedelta
from typing import Any, Protocol

from docmatch.errors import IntakeError, OdooError
from docmatch.ingest import ledger
from docmatch.ingest.config import OdooDocumentsChannel
from docmatch.ingest.intake import Intake, IntakeReport, Received

log = logging.getLogger(__name__)

DOCUMENT_MODEL = "documents.document"
RECORD_FIELDS = ["name", "folder_id", "type", "datas", "mimetype", "create_date", "attachment_id"]
ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"


class DocumentsApi(Protocol):
    """The part of `docmatch.odoo.client.OdooClient` this module uses."""

    server_version: str

    def search_read(self, model: str, domain: list[Any] | None = None, fields: list[str] | None = None, *, offset: int = 0, limit: int | None = None, order: str | None = None) -> list[dict[str, Any]]: ...


def folders_are_documents(server_version: str) -> bool:
    """True from Odoo 18 on, where a folder is a `documents.document` of type folder."""
    head = server_version.replace("saas~", "").split(".")[0]
    try:
        return int(head) >= 18
    except ValueError:
        return True


class OdooDocumentsPoller:
    """Takes files from one watched Odoo Documents folder."""

    def __init__(self, channel: OdooDocumentsChannel, api: DocumentsApi, intake: Intake) -> None:
        self.channel = channel
        self.api = api
        self.intake = intake

    def check_folder(self) -> None:
        """Make sure the watched folder exists in this Odoo version's model.

        Raises:
            IntakeError: the folder id names no folder (a 16-17 workspace id used on 18,
                or the other way round, or a folder the docmatch user cannot see).
        """
        if folders_are_documents(self.api.server_version):
            rows = self.api.search_read(DOCUMENT_MODEL, [("id", "=", self.channel.folder_id), ("type", "=", "folder")], ["name"])
            kind = "a documents.document of type folder"
        else:
            rows = self.api.search_read("documents.folder", [("id", "=", self.channel.folder_id)], ["name"])
            kind = "a documents.folder (workspace)"
        if not rows:
            raise IntakeError(
                f"Odoo Documents channel {self.channel.name}: folder {self.channel.folder_id} is not {kind} visible to the docmatch user",
                hint="check folder_id in the intake file; on 18+ also grant the docmatch user access to the folder",
            )

    def poll(self) -> IntakeReport:
        """Take every file created in the folder since the last poll."""
        report = IntakeReport()
        self.check_folder()
        domain: list[Any] = [("folder_id", "=", self.channel.folder_id), ("type", "=", "binary")]
        since = self.since()
        if since:
            domain.append(("create_date", ">=", since))
        rows = self.api.search_read(DOCUMENT_MODEL, domain, ["create_date"], order="create_date asc, id asc")
        for row in rows:
            received = self.take(int(row["id"]))
            if received is not None:
                report.add(received)
        log.info("Odoo Documents %s: poll finished: %s", self.channel.name, report.summary())
        return report

    def since(self) -> str | None:
        """Return the polling cursor: the newest create_date taken, minus the overlap."""
        with self.intake.sessions() as session:
            newest = ledger.latest_odoo_create_date(session, location=self.channel.name)
        if not newest:
            return None
        moment = datetime.strptime(newest[:19], ODOO_DATETIME) - timedelta(seconds=self.channel.poll_overlap_seconds)
        return moment.strftime(ODOO_DATETIME)

    def take(self, record_id: int) -> Received | None:
        """Re-read one record and take its file; None when it is taken, not ours or not readable yet."""
        with self.intake.sessions() as session:
            claim = ledger.claim_odoo_document(session, location=self.channel.name, record_id=record_id, create_date=None)
            if claim is None:
                return None
            try:
                record = self.read_record(record_id)
            except OdooError as exc:
                ledger.finish_odoo_document(session, claim, status=ledger.FAILED, reason=exc.message)
                raise
            if record is None:
                # Not committed yet (the 17.0 webhook posts inside Odoo's transaction) or
                # outside the watched folder: a later poll or hint may take it.
                ledger.finish_odoo_document(session, claim, status=ledger.FAILED, reason="not a file in the watched folder (yet)")
                return None
            claim.create_date = str(record.get("create_date") or "")[:19] or None
            session.merge(claim)
            session.commit()

            content = self.read_content(record)
            source = f"{self.channel.name}:{DOCUMENT_MODEL}/{record_id}"
            received = self.intake.receive(content, filename=str(record.get("name") or f"document-{record_id}"), channel="odoo_documents", source=source)
            status = ledger.REFUSED if received.outcome == "quarantined" else ledger.DONE
            ledger.finish_odoo_document(session, claim, status=status, sha256=received.sha256, reason=received.reason)
            return received

    def read_record(self, record_id: int) -> dict[str, Any] | None:
        """Return the record when it is a file in the watched folder, else None."""
        rows = self.api.search_read(DOCUMENT_MODEL, [("id", "=", record_id)], RECORD_FIELDS)
        if not rows:
            return None
        record = rows[0]
        folder = record.get("folder_id")
        folder_id = folder[0] if isinstance(folder, list) and folder else folder
        if folder_id != self.channel.folder_id or record.get("type") != "binary":
            return None
        return record

    def read_content(self, record: dict[str, Any]) -> bytes:
        """Decode the file from `datas`, or from the linked attachment when `datas` is empty."""
        datas = record.get("datas")
        if not datas and record.get("attachment_id"):
            attachment = record["attachment_id"]
            attachment_id = attachment[0] if isinstance(attachment, list) else attachment
            rows = self.api.search_read("ir.attachment", [("id", "=", attachment_id)], ["datas"])
            datas = rows[0].get("datas") if rows else False
        if not datas:
            return b""
        try:
            return base64.b64decode(datas, validate=False)
        except (binascii.Error, ValueError):
            log.warning("Odoo Documents %s: a record's datas is not valid base64", self.channel.name)
            return b""
