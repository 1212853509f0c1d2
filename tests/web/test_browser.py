"""The evidence view and dashboard in Debian's Chromium, driven by Playwright.

Screenshots of both pages are written to test-artifacts/ at the repository root.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from docmatch.web.links import evidence_url

pytestmark = pytest.mark.browser


def _relative_box(page, selector: str, container: str) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    box = page.locator(selector).first.bounding_box()
    frame = page.locator(container).first.bounding_box()
    return (
        (box["x"] - frame["x"]) / frame["width"],
        (box["y"] - frame["y"]) / frame["height"],
        (box["x"] + box["width"] - frame["x"]) / frame["width"],
        (box["y"] + box["height"] - frame["y"]) / frame["height"],
    )


def test_field_box_sits_over_its_word(live_server, page, word_position, artifacts) -> None:  # type: ignore[no-untyped-def]
    base_url, settings, records = live_server
    page.goto(evidence_url(records[0].sha256, settings))
    page.wait_for_selector("#page-1 img")
    page.wait_for_function("document.querySelector('#page-1 img').complete")

    left, upper, right, lower = word_position(Path(records[0].document.path or ""), "INV-1001")
    shown = _relative_box(page, '#page-1 .box[data-target="field-number"]', "#page-1")

    assert abs(shown[0] - left) < 0.01
    assert abs(shown[1] - upper) < 0.01
    assert abs(shown[2] - right) < 0.01
    assert abs(shown[3] - lower) < 0.01

    page.screenshot(path=str(artifacts / "evidence-view.png"), full_page=True)


def test_hover_on_differing_cell_shows_rule(live_server, page) -> None:  # type: ignore[no-untyped-def]
    base_url, settings, records = live_server
    page.goto(evidence_url(records[0].sha256, settings))

    page.locator("#line-1 td.differs").first.hover()

    tooltip = page.locator("#tooltip")
    assert tooltip.is_visible()
    assert "quantity.invoice_vs_order" in tooltip.inner_text()
    assert "2 % or 1 unit" in tooltip.inner_text()


def test_next_key_moves_focus(live_server, page) -> None:  # type: ignore[no-untyped-def]
    base_url, settings, records = live_server
    page.goto(evidence_url(records[0].sha256, settings))
    attention = page.eval_on_selector_all(".panel .attention", "items => items.map(item => item.id)")
    assert len(attention) >= 2

    page.keyboard.press("n")
    first = page.evaluate("document.activeElement.id")
    page.keyboard.press("n")
    second = page.evaluate("document.activeElement.id")

    assert first == attention[0]
    assert second == attention[1]
    assert page.locator(f'.box.active[data-target="{second}"]').count() >= 1 or second.startswith("field-")


def test_tampered_link_is_refused(live_server, page) -> None:  # type: ignore[no-untyped-def]
    base_url, settings, records = live_server
    link = evidence_url(records[0].sha256, settings)

    response = page.goto(link[:-4] + "AAAA")

    assert response is not None
    assert response.status == 403


@pytest.mark.services
def test_dashboard_counts_match_database(live_store_server, page, artifacts) -> None:  # type: ignore[no-untyped-def]
    base_url, store = live_store_server
    page.set_extra_http_headers({"Authorization": "Basic cmV2aWV3ZXI6c2VjcmV0LXBhc3M="})  # reviewer:secret-pass
    page.goto(base_url + "/dashboard")

    shown_total = page.locator('[data-figure="documents"]').inner_text()
    shown_invoices = page.locator('[data-figure="doc-type-invoice"]').inner_text()
    shown_imap = page.locator('[data-figure="channel-imap"]').inner_text()
    shown_exceptions = page.locator('[data-figure="exception-rate"]').inner_text()

    with store.engine.connect() as connection:
        documents = connection.execute(text("select count(*) from documents")).scalar_one()
        invoices = connection.execute(text("select count(*) from documents where doc_type = 'invoice'")).scalar_one()
        imap = connection.execute(text("select count(distinct document_id) from arrivals where channel = 'imap'")).scalar_one()
        tickets = connection.execute(text("select count(*) from cases where opens_ticket")).scalar_one()
    assert int(shown_total) == documents
    assert int(shown_invoices) == invoices
    assert int(shown_imap) == imap
    assert shown_exceptions == f"{100 * tickets / documents:.1f} %"

    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
