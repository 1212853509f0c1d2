"""HTTP intake: Odoo's webhook and a plain upload endpoint, on one FastAPI app.

    POST /webhooks/odoo/{token}   Odoo 17+ "Send Webhook Notification" on documents.document
    POST /documents               authenticated upload of one file (multipart field `file`)

`create_app(settings)` builds the app; the web interface mounts its own routes on the
same app. Odoo's webhook carries no signature and no authentication header, so the URL
contains a long random token (`DOCMATCH_INTAKE_WEBHOOK_TOKEN`), compared in constant
time. A wrong token gets the same 404 as an unknown path. The payload is only a hint: the
record is re-read through the API and must be a file in a watched folder. Odoo waits
one second and never retries, so the endpoint answers 202 at once and takes the file in
the background; polling remains the source of truth.

Uploads need `Authorization: Bearer <DOCMATCH_INTAKE_UPLOAD_TOKEN>`.
"""

from __future__ import annotations

import hmac
import logging
import time
from typing import Any

from fastapi import BackgroundTasks, FastAPI, File, Header, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from docmatch.errors import ConfigurationError, DocmatchError
from docmatch.ingest.config import ChannelsConfig, OdooDocumentsChannel, load_channels
from docmatch.ingest.intake import Intake
from docmatch.ingest.odoo_documents import DOCUMENT_MODEL, OdooDocumentsPoller
from docmatch.settings import Settings

log = logging.getLogger(__name__)

# Shortest token accepted: 32 characters of a URL-safe random token carry 192 bits.
MIN_TOKEN_CHARS = 32
# Largest upload accepted through POST /documents (bytes).
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
# The 17.0 webhook is sent before Odoo commits the record: tries and pause to find it.
HINT_ATTEMPTS = 3
HINT_PAUSE_SECONDS = 1.0


class HttpIntake:
    """Dependencies of the routes: the intake desk, the channels and, opened on first use, the Odoo client."""

    def __init__(self, settings: Settings, *, intake: Intake | None = None, channels: ChannelsConfig | None = None, odoo_api=None) -> None:  # type: ignore[no-untyped-def]
        self.settings = settings
        self._intake = intake
        self._channels = channels
        self._odoo_api = odoo_api

    @property
    def intake(self) -> Intake:
        if self._intake is None:
            from docmatch.ingest.poll import open_intake

            self._intake = open_intake(self.settings)
        return self._intake

    @property
    def channels(self) -> ChannelsConfig:
        if self._channels is None:
            self._channels = load_channels(self.settings.intake_file) if self.settings.intake_file else ChannelsConfig()
        return self._channels

    @property
    def odoo_api(self):  # type: ignore[no-untyped-def]
        if self._odoo_api is None:
            from docmatch.odoo.client import OdooClient

            self._odoo_api = OdooClient.from_settings(self.settings)
        return self._odoo_api

    def take_hint(self, record_id: int) -> None:
        """Take the record a webhook named, trying each watched folder; never raises."""
        for attempt in range(1, HINT_ATTEMPTS + 1):
            try:
                if self._take_once(record_id):
                    return
            except DocmatchError as exc:
                log.error("webhook hint for record %d failed: %s", record_id, exc.message)
                return
            except Exception as exc:  # a background task has no caller to report to
                log.error("webhook hint for record %d failed: %s: %s", record_id, type(exc).__name__, exc)
                return
            if attempt < HINT_ATTEMPTS:
                time.sleep(HINT_PAUSE_SECONDS)
        log.info("webhook hint for record %d: no file in a watched folder; polling will reconcile", record_id)

    def _take_once(self, record_id: int) -> bool:
        """Take the record into the channel watching its folder; False when it is not found yet."""
        rows = self.odoo_api.search_read(DOCUMENT_MODEL, [("id", "=", record_id)], ["folder_id", "type"])
        if not rows:
            return False
        folder = rows[0].get("folder_id")
        folder_id = folder[0] if isinstance(folder, list) and folder else folder
        channel = next((channel for channel in self.channels.odoo_documents if channel.folder_id == folder_id), None)
        if channel is None or rows[0].get("type") != "binary":
            log.info("webhook hint for record %d ignored: not a file in a watched folder", record_id)
            return True
        received = OdooDocumentsPoller(channel, self.odoo_api, self.intake).take(record_id)
        if received is not None:
            log.info("webhook hint for record %d taken: %s", record_id, received.outcome)
        return received is not None or self._already_taken(channel, record_id)

    def _already_taken(self, channel: OdooDocumentsChannel, record_id: int) -> bool:
        from sqlalchemy import select

        from docmatch.ingest.ledger import DONE, REFUSED, OdooDocumentRecord

        with self.intake.sessions() as session:
            status = session.scalar(select(OdooDocumentRecord.status).filter_by(location=channel.name, record_id=record_id))
        return status in (DONE, REFUSED)


def create_app(settings: Settings, *, http_intake: HttpIntake | None = None) -> FastAPI:
    """Return the FastAPI app with the intake routes; other packages may add routes to it.

    Raises:
        ConfigurationError: a configured token is shorter than `MIN_TOKEN_CHARS`.
    """
    for name in ("intake_webhook_token", "intake_upload_token"):
        token = getattr(settings, name)
        if token is not None and len(token.get_secret_value()) < MIN_TOKEN_CHARS:
            raise ConfigurationError(
                f"DOCMATCH_{name.upper()} is shorter than {MIN_TOKEN_CHARS} characters",
                hint='generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"',
            )
    app = FastAPI(title="docmatch", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.http_intake = http_intake or HttpIntake(settings)
    _add_intake_routes(app)
    return app


def _token_matches(given: str, expected) -> bool:  # type: ignore[no-untyped-def]
    if expected is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.get_secret_value().encode("utf-8"))


def _add_intake_routes(app: FastAPI) -> None:
    @app.post("/webhooks/odoo/{token}", status_code=202, include_in_schema=False)
    async def odoo_webhook(token: str, request: Request, background: BackgroundTasks) -> dict[str, Any]:
        settings: Settings = request.app.state.settings
        if not _token_matches(token, settings.intake_webhook_token):
            log.warning("webhook call rejected: wrong token")
            raise HTTPException(status_code=404, detail="Not Found")
        try:
            payload = await request.json()
        except ValueError:
            raise HTTPException(status_code=400, detail="body must be a JSON object") from None
        if not isinstance(payload, dict):
            raise HTTPException(status_code=400, detail="body must be a JSON object")
        if payload.get("_model") != DOCUMENT_MODEL:
            return {"status": "ignored", "reason": f"only {DOCUMENT_MODEL} records are taken"}
        record_id = payload.get("_id")
        if isinstance(record_id, str) and record_id.isdigit():
            record_id = int(record_id)
        if not isinstance(record_id, int) or isinstance(record_id, bool) or record_id <= 0:
            raise HTTPException(status_code=422, detail="_id must be a positive record id")
        background.add_task(request.app.state.http_intake.take_hint, record_id)
        return {"status": "accepted", "id": record_id}

    @app.post("/documents", include_in_schema=False)
    async def upload_document(request: Request, file: UploadFile = File(...), authorization: str | None = Header(default=None)) -> JSONResponse:
        settings: Settings = request.app.state.settings
        if settings.intake_upload_token is None:
            raise HTTPException(status_code=404, detail="Not Found")
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not _token_matches(given.strip(), settings.intake_upload_token):
            log.warning("upload rejected: missing or wrong bearer token")
            raise HTTPException(status_code=401, detail="a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        content = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            raise HTTPException(status_code=413, detail=f"files up to {MAX_UPLOAD_BYTES} bytes are accepted")
        intake: Intake = request.app.state.http_intake.intake
        received = await run_in_threadpool(intake.receive, content, filename=file.filename or "upload", channel="upload", source=f"upload:{file.filename or ''}"[:500])
        status = {"new": 201, "known": 200, "quarantined": 422}[received.outcome]
        body = {"outcome": received.outcome, "filename": received.filename, "sha256": received.sha256, "document_id": received.document_id, "reason": received.reason}
        return JSONResponse(status_code=status, content=body)
