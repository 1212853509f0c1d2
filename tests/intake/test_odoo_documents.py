"""Odoo Documents intake (polling and webhook) and the upload endpoint, over the Odoo test server."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.intake.builders import make_pdf

from docmatch.errors import IntakeError
from docmatch.ingest.config import ChannelsConfig, OdooDocumentsChannel
from docmatch.ingest.odoo_documents import OdooDocumentsPoller
from docmatch.ingest.webhook import HttpIntake, create_app
from docmatch.odoo.client import OdooClient
from docmatch.odoo.testserver import OdooTestServer
from docmatch.settings import load_settings

WEBHOOK_TOKEN = "w" * 20 + "Qx7-k2Lm9pZr4TbVn8Yc"
UPLOAD_TOKEN = "u" * 20 + "Hs3-q8Wd1fGj6NeRa5Xo"
WATCHED = 3
CHANNEL = OdooDocumentsChannel(name="odoo-inbound", folder_id=WATCHED)
INVOICE = make_pdf("INV-ODOO-1")
ATTACHED = make_pdf("PO-ODOO-3")


def snapshot(folder: Path, version: int) -> Path:
    """Documents in the watched folder, another folder, and a URL document, shaped per version."""
    folder.mkdir()
    (folder / "version.json").write_text(json.dumps({"server_version": f"{version}.0"}))
    files = [
        {"id": 10, "name": "INV-ODOO-1.pdf", "folder_id": [WATCHED, "Inbound"], "type": "binary", "datas": base64.b64encode(INVOICE).decode(), "mimetype": "application/pdf", "create_date": "2026-12-01 10:00:00", "attachment_id": False},
        {"id": 11, "name": "other.pdf", "folder_id": [4, "Archive"], "type": "binary", "datas": base64.b64encode(make_pdf("other")).decode(), "mimetype": "application/pdf", "create_date": "2026-12-01 10:00:00", "attachment_id": False},
        {"id": 12, "name": "a link", "folder_id": [WATCHED, "Inbound"], "type": "url", "datas": False, "mimetype": False, "create_date": "2026-12-01 10:00:00", "attachment_id": False},
        {"id": 13, "name": "PO-ODOO-3.pdf", "folder_id": [WATCHED, "Inbound"], "type": "binary", "datas": False, "mimetype": "application/pdf", "create_date": "2026-12-01 10:00:00", "attachment_id": [77, "PO-ODOO-3.pdf"]},
    ]
    attachments = [{"id": 77, "name": "PO-ODOO-3.pdf", "datas": base64.b64encode(ATTACHED).decode(), "res_model": "documents.document", "res_id": 13, "res_field": False}]
    (folder / "ir.attachment.json").write_text(json.dumps(attachments))
    if version >= 18:
        folders = [{"id": WATCHED, "name": "Inbound", "type": "folder", "folder_id": False, "datas": False, "mimetype": False, "attachment_id": False}, {"id": 4, "name": "Archive", "type": "folder", "folder_id": False, "datas": False, "mimetype": False, "attachment_id": False}]
        (folder / "documents.document.json").write_text(json.dumps(folders + files))
    else:
        (folder / "documents.folder.json").write_text(json.dumps([{"id": WATCHED, "name": "Inbound"}, {"id": 4, "name": "Archive"}]))
        (folder / "documents.document.json").write_text(json.dumps(files))
    return folder


@pytest.fixture(params=[16, 17, 18], ids=["odoo16-workspace", "odoo17-workspace", "odoo18-folder-document"])
def odoo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OdooTestServer]:
    with OdooTestServer(version=request.param, snapshot=snapshot(tmp_path / "snapshot", request.param)) as server:
        yield server


def client_for(server: OdooTestServer) -> OdooClient:
    settings = load_settings(odoo_url=server.url, odoo_db=server.db, odoo_user=server.login, odoo_api_key=server.api_key)
    return OdooClient.from_settings(settings)


def test_polling_takes_new_files_of_the_watched_folder_once(odoo, intake) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a watched folder (a workspace on 16 and 17, a folder document on 18) with two PDFs, one
        readable only through its ir.attachment, plus a PDF elsewhere and a URL document
    WHEN the folder is polled twice, and once more after a new file was created in it
    THEN only the PDFs of the watched folder are taken, each once."""
    api = client_for(odoo)
    poller = OdooDocumentsPoller(CHANNEL, api, intake)

    first = poller.poll()
    second = poller.poll()
    later = make_pdf("INV-ODOO-2")
    api.call("documents.document", "create", vals_list=[{"name": "INV-ODOO-2.pdf", "folder_id": WATCHED, "type": "binary", "datas": base64.b64encode(later).decode()}])
    third = poller.poll()

    assert (first.new, second.new, third.new) == (2, 0, 1)
    assert [row.filename for row in intake.documents()] == ["INV-ODOO-1.pdf", "PO-ODOO-3.pdf", "INV-ODOO-2.pdf"]
    assert [row.size for row in intake.documents()][1] == len(ATTACHED)
    assert [arrival.source_ref for arrival in intake.arrivals()][0] == "odoo-inbound:documents.document/10"


def test_a_folder_id_of_the_wrong_kind_is_a_clear_error(odoo, intake) -> None:  # type: ignore[no-untyped-def]
    poller = OdooDocumentsPoller(OdooDocumentsChannel(name="odoo-inbound", folder_id=10), client_for(odoo), intake)

    with pytest.raises(IntakeError, match="folder 10 is not"):
        poller.poll()


@pytest.fixture
def app(odoo, intake, tmp_path: Path) -> TestClient:  # type: ignore[no-untyped-def]
    settings = load_settings(data_dir=tmp_path / "web", intake_webhook_token=WEBHOOK_TOKEN, intake_upload_token=UPLOAD_TOKEN)
    http = HttpIntake(settings, intake=intake, channels=ChannelsConfig(odoo_documents=[CHANNEL]), odoo_api=client_for(odoo))
    return TestClient(create_app(settings, http_intake=http))


def test_webhook_with_a_wrong_token_is_refused_and_takes_nothing(app, intake) -> None:  # type: ignore[no-untyped-def]
    payload = {"_model": "documents.document", "_id": 10, "_action": "Send to docmatch(#7)"}

    wrong = app.post("/webhooks/odoo/" + WEBHOOK_TOKEN[:-1] + "X", json=payload)
    short = app.post("/webhooks/odoo/x", json=payload)

    assert (wrong.status_code, short.status_code) == (404, 404)
    assert intake.documents() == []


def test_webhook_payload_is_a_hint_and_the_record_is_re_read(app, intake) -> None:  # type: ignore[no-untyped-def]
    """GIVEN Odoo's webhook body naming record 10, with a made-up name and folder
    WHEN it is posted with the right token
    THEN docmatch answers 202, re-reads the record and takes its real file under its real name;
        a later poll does not take it again."""
    payload = {"_model": "documents.document", "_id": 10, "_action": "Send to docmatch(#7)", "name": "evil.exe", "folder_id": 999}

    response = app.post(f"/webhooks/odoo/{WEBHOOK_TOKEN}", json=payload)

    assert response.status_code == 202
    [document] = intake.documents()
    assert (document.filename, document.size) == ("INV-ODOO-1.pdf", len(INVOICE))
    http = app.app.state.http_intake
    later = OdooDocumentsPoller(CHANNEL, http.odoo_api, intake).poll()
    assert later.new == 1  # only the other file of the folder
    assert [arrival.source_ref for arrival in intake.arrivals()] == ["odoo-inbound:documents.document/10", "odoo-inbound:documents.document/13"]


def test_webhook_for_a_record_outside_the_watched_folder_takes_nothing(app, intake, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("docmatch.ingest.webhook.HINT_PAUSE_SECONDS", 0.0)

    outside = app.post(f"/webhooks/odoo/{WEBHOOK_TOKEN}", json={"_model": "documents.document", "_id": 11})
    other_model = app.post(f"/webhooks/odoo/{WEBHOOK_TOKEN}", json={"_model": "res.partner", "_id": 10})
    malformed = app.post(f"/webhooks/odoo/{WEBHOOK_TOKEN}", json={"_model": "documents.document", "_id": "ten"})

    assert (outside.status_code, other_model.status_code, malformed.status_code) == (202, 202, 422)
    assert other_model.json()["status"] == "ignored"
    assert intake.documents() == []


def test_upload_needs_the_token_and_records_each_arrival(app, intake) -> None:  # type: ignore[no-untyped-def]
    pdf = make_pdf("upload")
    files = {"file": ("Delivery note.pdf", pdf, "application/pdf")}
    auth = {"Authorization": f"Bearer {UPLOAD_TOKEN}"}

    anonymous = app.post("/documents", files=files)
    first = app.post("/documents", files=files, headers=auth)
    again = app.post("/documents", files=files, headers=auth)
    bad = app.post("/documents", files={"file": ("x.pdf", b"MZ\x90\x00" * 50, "application/pdf")}, headers=auth)
    text = app.post("/documents", files={"file": ("fake.pdf", b"not a PDF at all", "application/pdf")}, headers=auth)

    assert anonymous.status_code == 401
    assert (first.status_code, first.json()["outcome"]) == (201, "new")
    assert (again.status_code, again.json()["outcome"]) == (200, "known")
    assert (bad.status_code, bad.json()["reason"]) == (422, "executable content (Windows program) named .pdf")
    assert (text.status_code, text.json()["reason"]) == (422, "content is plain text, not a PDF, PNG, JPEG or TIFF file, although the name ends in .pdf")
    assert len(intake.documents()) == 1
    assert len(intake.arrivals()) == 2


def test_short_tokens_are_refused_at_start(tmp_path: Path) -> None:
    from docmatch.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="DOCMATCH_INTAKE_WEBHOOK_TOKEN"):
        create_app(load_settings(data_dir=tmp_path, intake_webhook_token="short"))
