"""`docmatch process --odoo URL` end to end: demo documents against the demo snapshot served by the Odoo test server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from docmatch.cli import cli
from docmatch.odoo import helpdesk
from docmatch.odoo.testserver import OdooTestServer

from .conftest import API_KEY

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
DOCUMENTS = ["invoice-alpquell-total-de.pdf", "invoice-greenline-uom-en.pdf"]


@pytest.fixture(params=["enterprise", "oca"])
def demo_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[OdooTestServer]:
    if not (DEMO / "odoo" / "version.json").is_file() or not all((DEMO / "documents" / name).is_file() for name in DOCUMENTS):
        pytest.skip("the demo data set is not in fixtures/demo")
    with OdooTestServer(version=17, helpdesk=request.param, snapshot=DEMO / "odoo", api_key=API_KEY) as server:
        settings = {"ODOO_URL": server.url, "ODOO_DB": server.db, "ODOO_USER": server.login, "ODOO_API_KEY": API_KEY, "ODOO_COMPANY_IDS": "[1]", "TICKET_OPENER": "docmatch.odoo.helpdesk:open_ticket", "HELPDESK_TEAM": "Order exceptions"}
        for name, value in settings.items():
            monkeypatch.setenv(f"DOCMATCH_{name}", value)
        # A database of its own: the pipeline trusts the ticket links it recorded before.
        monkeypatch.setenv("DOCMATCH_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
        helpdesk._environment_opener.cache_clear()
        yield server
        helpdesk._environment_opener.cache_clear()


def run_process(server: OdooTestServer) -> list[dict]:
    files = [str(DEMO / "documents" / name) for name in DOCUMENTS]
    result = CliRunner().invoke(cli, ["process", *files, "--odoo", server.url, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_process_opens_one_ticket_per_document(demo_server: OdooTestServer) -> None:
    """GIVEN two demo invoices with findings WHEN processed twice against a live Odoo THEN each has one ticket, its PDF and a note."""
    first = run_process(demo_server)
    second = run_process(demo_server)

    tickets = demo_server.database.rows["helpdesk.ticket"]
    assert len(tickets) == len(DOCUMENTS)
    assert [case["ticket"]["id"] for case in first] == [case["ticket"]["id"] for case in second]
    for case in first:
        ticket_id = case["ticket"]["id"]
        assert tickets[ticket_id]["name"].startswith(case["document"]["filename"])
        attachments = [row for row in demo_server.database.rows["ir.attachment"].values() if row["res_id"] == ticket_id]
        assert [row["name"] for row in attachments] == [case["document"]["filename"]]
        notes = [row for row in demo_server.database.rows["mail.message"].values() if row["res_id"] == ticket_id]
        assert len(notes) == 1
    assert demo_server.none_values == 0
    assert all(call.context.get("allowed_company_ids") == [1] for call in demo_server.calls if call.method != "fields_get")


def test_ticket_gets_a_note_when_findings_are_gone(demo_server: OdooTestServer, tmp_path: Path) -> None:
    """GIVEN a ticket for a document WHEN it is processed again and no finding needs a ticket THEN the same ticket gets a note and stays open."""
    first = run_process(demo_server)
    lenient = tmp_path / "rules.yaml"
    lenient.write_text("tickets:\n  open_for: []\n", encoding="utf-8")

    files = [str(DEMO / "documents" / name) for name in DOCUMENTS]
    result = CliRunner().invoke(cli, ["process", *files, "--odoo", demo_server.url, "--rules", str(lenient), "--json"])
    second = json.loads(result.stdout)

    assert result.exit_code == 0, result.output
    assert [case["ticket"]["id"] for case in second] == [case["ticket"]["id"] for case in first]
    assert len(demo_server.database.rows["helpdesk.ticket"]) == len(DOCUMENTS)
    for case in second:
        notes = [row["body"] for row in demo_server.database.rows["mail.message"].values() if row["res_id"] == case["ticket"]["id"]]
        assert len(notes) == 2
        assert helpdesk.RESOLVED_ON_RERUN.split(":")[0] in notes[-1]


def test_summary_names_each_ticket(demo_server: OdooTestServer) -> None:
    """GIVEN documents that open tickets WHEN the text summary is printed THEN each case line names its ticket's model and id."""
    files = [str(DEMO / "documents" / name) for name in DOCUMENTS]
    result = CliRunner().invoke(cli, ["process", *files, "--odoo", demo_server.url])

    assert result.exit_code == 0, result.output
    ticket_ids = sorted(demo_server.database.rows["helpdesk.ticket"])
    for name, ticket_id in zip(DOCUMENTS, ticket_ids, strict=True):
        assert f"{name} [invoice] -> " in result.stdout
        assert f": TICKET helpdesk.ticket #{ticket_id}, " in result.stdout
    assert f"{len(DOCUMENTS)} document(s), {len(DOCUMENTS)} for review, {len(DOCUMENTS)} ticket(s) in Odoo" in result.stdout
