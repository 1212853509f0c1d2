"""Fixtures: a small snapshot in each Odoo dialect and the Odoo test server serving it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docmatch.models import Case, CaseDocument, Finding, FindingKind, OdooRef, Severity
from docmatch.odoo.client import OdooClient
from docmatch.odoo.testserver import OdooTestServer
from docmatch.settings import load_settings

API_KEY = "dm-test-key-7f3a9c"
DIALECTS = [(version, helpdesk) for version in (16, 17, 18, 19) for helpdesk in ("enterprise", "oca")]


def snapshot_records(version: int) -> dict[str, list[dict[str, Any]]]:
    """Return a small database in the field names of `version`.

    Company 1 is in Berlin; company 2 owns one purchase order the docmatch client must
    not see. P00702 was confirmed at 00:30 Berlin time on 1 April 2024, which Odoo
    stores as 22:30 UTC on 31 March.
    """
    line_uom = "product_uom_id" if version >= 19 else "product_uom"
    done = "quantity" if version >= 17 else "quantity_done"
    uoms = (
        [{"id": 1, "name": "Units", "relative_factor": 1.0, "relative_uom_id": False, "factor": 1.0, "parent_path": "1/"}]
        if version >= 19
        else [{"id": 1, "name": "Units", "category_id": [1, "Unit"], "factor": 1.0, "rounding": 0.01}]
    )
    product = {"id": 12, "name": "Flange DN50 PN16", "display_name": "[FLG-DN50] Flange DN50 PN16", "default_code": "FLG-DN50", "barcode": False, "uom_id": [1, "Units"], "product_tmpl_id": [12, "Flange DN50 PN16"], "categ_id": [1, "All"]}
    if version < 19:
        product["uom_po_id"] = [1, "Units"]
    order_line = {"id": 41, "order_id": [7, "P00702"], "product_id": [12, "[FLG-DN50] Flange DN50 PN16"], "name": "Flange DN50 PN16", "product_qty": 10.0, line_uom: [1, "Units"], "price_unit": 12.5, "discount": 0.0, "qty_received": 10.0, "qty_invoiced": 0.0, "price_subtotal": 125.0, "display_type": False, "company_id": [1, "Berlin GmbH"]}
    return {
        "res.company": [{"id": 1, "name": "Berlin GmbH", "currency_id": [1, "EUR"]}, {"id": 2, "name": "Vienna GmbH", "currency_id": [1, "EUR"]}],
        "res.partner": [{"id": 7, "name": "Flanges Ltd", "vat": "DE123456789", "ref": False, "email": False, "commercial_partner_id": [7, "Flanges Ltd"], "is_company": True}],
        "uom.uom": uoms,
        "product.product": [product],
        "product.supplierinfo": [{"id": 3, "partner_id": [7, "Flanges Ltd"], "product_code": "VND-7781", "product_name": False, "product_id": [12, "[FLG-DN50] Flange DN50 PN16"], "product_tmpl_id": [12, "Flange DN50 PN16"], "price": 12.5, ("product_uom_id" if version >= 19 else "product_uom"): [1, "Units"], "min_qty": 0.0}],
        "purchase.order": [
            {"id": 7, "name": "P00702", "partner_id": [7, "Flanges Ltd"], "state": "purchase", "date_order": "2024-03-31 22:30:00", "currency_id": [1, "EUR"], "company_id": [1, "Berlin GmbH"], "partner_ref": False, "origin": False, "amount_untaxed": 125.0, "amount_tax": 23.75, "amount_total": 148.75, "order_line": [41]},
            {"id": 8, "name": "P00800", "partner_id": [7, "Flanges Ltd"], "state": "purchase", "date_order": "2024-04-02 08:00:00", "currency_id": [1, "EUR"], "company_id": [2, "Vienna GmbH"], "partner_ref": False, "origin": False, "amount_untaxed": 10.0, "amount_tax": 0.0, "amount_total": 10.0, "order_line": []},
        ],
        "purchase.order.line": [order_line],
        "stock.picking": [{"id": 21, "name": "WH/IN/00021", "picking_type_code": "incoming", "state": "done", "partner_id": [7, "Flanges Ltd"], "origin": "P00702", "scheduled_date": "2024-04-03 07:00:00", "date_done": "2024-04-03 09:15:00", "carrier_tracking_ref": False, "move_ids": [31], "return_id": False, "company_id": [1, "Berlin GmbH"]}],
        "stock.move": [{"id": 31, "picking_id": [21, "WH/IN/00021"], "product_id": [12, "[FLG-DN50] Flange DN50 PN16"], "product_uom_qty": 10.0, done: 10.0, "product_uom": [1, "Units"], "state": "done", "purchase_line_id": [41, "P00702: Flange DN50 PN16"], "sale_line_id": False, "company_id": [1, "Berlin GmbH"]}],
    }


def write_snapshot(folder: Path, version: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for model, records in snapshot_records(version).items():
        (folder / f"{model}.json").write_text(json.dumps(records), encoding="utf-8")
    (folder / "version.json").write_text(json.dumps({"server_version": f"{version}.0"}), encoding="utf-8")
    return folder


@pytest.fixture(params=DIALECTS, ids=[f"{version}-{helpdesk}" for version, helpdesk in DIALECTS])
def dialect(request: pytest.FixtureRequest) -> tuple[int, str]:
    return request.param


@pytest.fixture
def odoo_server(dialect: tuple[int, str], tmp_path: Path) -> Iterator[OdooTestServer]:
    version, helpdesk = dialect
    with OdooTestServer(version=version, helpdesk=helpdesk, snapshot=write_snapshot(tmp_path / "snapshot", version), api_key=API_KEY) as server:
        yield server


def settings_for(server: OdooTestServer, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "odoo_url": server.url,
        "odoo_db": server.db,
        "odoo_user": server.login,
        "odoo_api_key": API_KEY,
        "odoo_company_ids": [1],
        "odoo_timeout": 5.0,
        "helpdesk_team": "Order exceptions",
        "helpdesk_tags": ["docmatch"],
    }
    values.update(overrides)
    return load_settings(**values)


def connect(server: OdooTestServer, **overrides: Any) -> OdooClient:
    """Return a client whose retries wait a few milliseconds instead of seconds."""
    return OdooClient.from_settings(settings_for(server, **overrides), backoff=0.01)


@pytest.fixture
def client(odoo_server: OdooTestServer) -> Iterator[OdooClient]:
    odoo_client = connect(odoo_server)
    yield odoo_client
    odoo_client.close()


def sample_case(sha256: str = "ab" * 32, *, findings: list[Finding] | None = None) -> Case:
    """Return a case for an invoice of P00702 with an unknown vendor code and a price difference."""
    if findings is None:
        findings = [
            Finding(kind=FindingKind.UNKNOWN_PRODUCT, severity=Severity.MEDIUM, rule="vendor_code", line=2, document_value="VND-9999", odoo_value=None, message="Unknown vendor code VND-9999", evidence={"partner_id": 7, "vendor_code": "VND-9999", "candidate_product_ids": [12]}),
            Finding(kind=FindingKind.PRICE_MISMATCH, severity=Severity.HIGH, rule="unit_price", tolerance="0.5 %", line=1, document_value=13.1, odoo_value=12.5, message="Unit price 13.10 differs from 12.50 <by 4.8 %>"),
        ]
    return Case(
        document=CaseDocument(sha256=sha256, filename="INV-2024-0417.pdf", doc_type="invoice"),
        matched=[OdooRef(model="purchase.order", id=7, name="P00702")],
        findings=findings,
        explanation="The invoice bills 13.10 per flange; the order says 12.50.\n\nLine 2 carries vendor code VND-9999, which Odoo does not know.",
        opens_ticket=True,
    )


@pytest.fixture
def document_file(tmp_path: Path) -> Path:
    path = tmp_path / "INV-2024-0417.pdf"
    path.write_bytes(b"%PDF-1.4\n% docmatch test document\n%%EOF\n")
    return path
