"""The read-only web interface: evidence view per case and the operations dashboard.

    GET /evidence/{token}                 evidence view of one case (signed, expiring link)
    GET /evidence/{token}/pages/{n}.png   page image for that view
    GET /dashboard                        operations dashboard (login)
    GET /dashboard/figures                the dashboard's figures, for htmx updates (login)
    GET /cases                            list of cases behind every figure (login)
    GET /cases/{sha256}                   redirect to a fresh evidence link (login)

Evidence links carry their own authorisation, so a reviewer clicking from a Helpdesk
ticket needs no second login. Every other page needs a user from `web_users_file`
(HTTP Basic) or a trusted reverse-proxy header (`web_auth_header`).
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from docmatch.reporting.explain import finding_value, format_value
from docmatch.settings import Settings
from docmatch.web.auth import Authenticator
from docmatch.web.dashboard import Filters, amount_text, build_dashboard, chart_series, status_of
from docmatch.web.evidence import LINE_COLUMNS, build_evidence_view
from docmatch.web.files import DocumentFiles, missing_file_notice
from docmatch.web.links import InvalidLink, evidence_url, signing_key, verify_case_token
from docmatch.web.pages import page_sizes, render_page_png
from docmatch.web.repository import CaseRecord, CaseRepository

log = logging.getLogger(__name__)

_HERE = Path(__file__).parent

# Errors raised by opening a file that is neither a PDF nor an image. pypdfium2's
# PdfiumError is a RuntimeError, and PIL's UnidentifiedImageError is an OSError.
UNRENDERABLE = (RuntimeError, OSError, ValueError)


def _filters(start: date | None = None, end: date | None = None, partner: str | None = None, doc_type: str | None = None, week: str | None = None, kind: str | None = None, channel: str | None = None, status: str | None = None) -> Filters:
    def blank_to_none(value):  # type: ignore[no-untyped-def]
        return value or None

    return Filters(start, end, blank_to_none(partner), blank_to_none(doc_type), blank_to_none(week), blank_to_none(kind), blank_to_none(channel), blank_to_none(status))


def create_app(settings: Settings, repository: CaseRepository) -> FastAPI:
    """Return the web application reading cases from `repository`."""
    app = FastAPI(title="docmatch", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.globals["line_columns"] = LINE_COLUMNS
    templates.env.globals["chart_series"] = chart_series
    # The terminal summary, report.html and the tickets write values with `finding_value`
    # and `format_value`, so the web pages use them too and show "48 L" where those do.
    templates.env.globals["finding_value"] = finding_value
    templates.env.filters["reading"] = format_value
    templates.env.filters["money"] = amount_text
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    authenticate = Authenticator(settings)
    key = signing_key(settings)
    page_cache = Path(settings.data_dir) / "page-cache"
    files = DocumentFiles(Path(settings.data_dir))

    def record_for_token(token: str) -> CaseRecord:
        try:
            sha256 = verify_case_token(token, key=key)
        except InvalidLink as exc:
            log.info("evidence link rejected: %s", exc.message)
            raise HTTPException(status_code=403, detail=f"{exc.message}; {exc.hint}") from None
        record = repository.get(sha256)
        if record is None:
            raise HTTPException(status_code=404, detail="case not found")
        return record

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/dashboard", status_code=303)

    def sizes_and_notice(record: CaseRecord) -> tuple[list[tuple[float, float]], str | None]:
        """Return the page sizes of the record's file, or no pages and the reason shown instead."""
        path = files.locate(record.document)
        if path is None:
            return [], missing_file_notice(record.document)
        try:
            return page_sizes(path, fallback_dpi=settings.ocr_dpi), None
        except UNRENDERABLE as exc:
            log.warning("document %s: pages cannot be measured: %s", record.sha256[:12], type(exc).__name__)
            return [], f"The pages of {record.document.filename} cannot be shown because the file does not open as a PDF or image."

    @app.get("/evidence/{token}", response_class=HTMLResponse)
    def evidence(request: Request, token: str) -> HTMLResponse:
        record = record_for_token(token)
        sizes, notice = sizes_and_notice(record)
        view = build_evidence_view(record, sizes, low_confidence=settings.low_confidence, repository=repository)
        view.file_notice = notice
        return templates.TemplateResponse(request, "evidence.html.j2", {"view": view, "token": token})

    @app.get("/evidence/{token}/pages/{number}.png")
    def evidence_page(token: str, number: int) -> Response:
        record = record_for_token(token)
        path = files.locate(record.document)
        if path is None:
            raise HTTPException(status_code=410, detail=missing_file_notice(record.document))
        try:
            image = render_page_png(path, number, cache_dir=page_cache, document_sha256=record.sha256)
        except IndexError:
            raise HTTPException(status_code=404, detail=f"the document has no page {number}") from None
        except UNRENDERABLE as exc:
            log.warning("document %s: page %d cannot be rendered: %s", record.sha256[:12], number, type(exc).__name__)
            raise HTTPException(status_code=422, detail=f"page {number} of {record.document.filename} cannot be rendered") from None
        return Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request, filters: Filters = Depends(_filters), user: str = Depends(authenticate)) -> HTMLResponse:
        records = repository.all()
        board = build_dashboard(records, filters)
        context = {"board": board, "filters": filters, "user": user, "partners": sorted({r.partner for r in records if r.partner}), "doc_types": sorted({r.case.document.doc_type for r in records})}
        return templates.TemplateResponse(request, "dashboard.html.j2", context)

    @app.get("/dashboard/figures", response_class=HTMLResponse)
    def dashboard_figures(request: Request, filters: Filters = Depends(_filters), user: str = Depends(authenticate)) -> HTMLResponse:
        board = build_dashboard(repository.all(), filters)
        return templates.TemplateResponse(request, "_figures.html.j2", {"board": board, "filters": filters})

    @app.get("/cases", response_class=HTMLResponse)
    def cases(request: Request, filters: Filters = Depends(_filters), user: str = Depends(authenticate)) -> HTMLResponse:
        selected = [record for record in repository.all() if filters.admits(record)]
        return templates.TemplateResponse(request, "cases.html.j2", {"records": selected, "filters": filters, "status_of": status_of})

    @app.get("/cases/{sha256}")
    def case_link(sha256: str, user: str = Depends(authenticate)) -> RedirectResponse:
        if repository.get(sha256) is None:
            raise HTTPException(status_code=404, detail="case not found")
        url = evidence_url(sha256, settings).removeprefix(settings.web_base_url.rstrip("/"))
        return RedirectResponse(url, status_code=303)

    return app
