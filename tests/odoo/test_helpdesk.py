"""Helpdesk tickets opened by `report_case`, in both Helpdesk variants and every dialect."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pytest

from docmatch.errors import OdooOutcomeUnknown
from docmatch.models import Finding, FindingKind, Severity
from docmatch.odoo.client import OdooClient
from docmatch.odoo.helpdesk import detect_helpdesk, report_case
from docmatch.odoo.testserver import OdooTestServer

from .conftest import connect, sample_case, settings_for


def tickets(server: OdooTestServer) -> list[dict]:
    return list(server.database.rows["helpdesk.ticket"].values())


def test_helpdesk_variant_detected(odoo_server: OdooTestServer, client: OdooClient) -> None:
    assert detect_helpdesk(client).name == odoo_server.helpdesk


def test_ticket_fields(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    """GIVEN a case with two findings WHEN reported THEN one ticket names document, order and count, with team, tag, partner and priority."""
    ref = report_case(sample_case(), document_file, client, settings_for(odoo_server))

    [ticket] = tickets(odoo_server)
    assert ref.id == ticket["id"]
    assert ticket["name"] == "INV-2024-0417.pdf: P00702, 2 findings"
    assert ticket["team_id"] == 1
    assert ticket["partner_id"] == 7
    # The worst finding is high: '2' is "High priority" in Enterprise and "High" in OCA.
    assert ticket["priority"] == "2"
    tag_model = "helpdesk.tag" if odoo_server.helpdesk == "enterprise" else "helpdesk.ticket.tag"
    tag_names = {odoo_server.database.rows[tag_model][tag]["name"] for tag in ticket["tag_ids"]}
    assert tag_names == {"docmatch"}


def test_ticket_description_table_and_links(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    report_case(sample_case(), document_file, client, settings_for(odoo_server))

    [ticket] = tickets(odoo_server)
    description = ticket["description"]
    for header in ("Document value", "Odoo value", "Rule", "Tolerance"):
        assert f"<th>{header}</th>" in description
    assert "<td>13.10</td><td>12.50</td><td>unit_price</td><td>0.5 %</td>" in description
    assert "&lt;by 4.8 %&gt;" in description
    assert "model=purchase.order" in description
    assert ">P00702</a>" in description
    assert "model=stock.picking" in description
    assert ">WH/IN/00021</a>" in description
    assert f"docmatch key: docmatch:{'ab' * 32}" in description
    assert "/evidence/" in description


def test_attachment_and_internal_note(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    """GIVEN a reported case THEN the PDF is attached to the ticket and the explanation is an internal HTML note."""
    ref = report_case(sample_case(), document_file, client, settings_for(odoo_server))

    attachments = [row for row in odoo_server.database.rows["ir.attachment"].values() if row["res_model"] == "helpdesk.ticket" and row["res_id"] == ref.id]
    assert len(attachments) == 1
    assert attachments[0]["name"] == "INV-2024-0417.pdf"
    assert base64.b64decode(attachments[0]["datas"]) == document_file.read_bytes()
    assert attachments[0]["mimetype"] == "application/pdf"

    notes = [row for row in odoo_server.database.rows["mail.message"].values() if row["res_id"] == ref.id]
    assert len(notes) == 1
    assert notes[0]["subtype_id"] == 2  # mail.mt_note: internal, no mail to the customer
    assert notes[0]["body"].startswith("<p>The invoice bills 13.10 per flange")
    [post] = odoo_server.calls_of("message_post")
    assert ("body_is_html" in post.kwargs) == (odoo_server.version >= 17)


def test_reprocessing_updates_same_ticket(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    """GIVEN a ticket for a document WHEN the document is processed again with other findings THEN the same ticket is updated."""
    settings = settings_for(odoo_server)
    first = report_case(sample_case(), document_file, client, settings)
    fewer = [Finding(kind=FindingKind.QUANTITY_MISMATCH, severity=Severity.LOW, rule="quantity", document_value=11, odoo_value=10, message="Quantity 11 instead of 10")]
    second = report_case(sample_case(findings=fewer), document_file, client, settings)

    assert second.id == first.id
    [ticket] = tickets(odoo_server)
    assert ticket["name"] == "INV-2024-0417.pdf: P00702, 1 finding"
    assert ticket["priority"] == "0"
    assert len([row for row in odoo_server.database.rows["ir.attachment"].values() if row["res_id"] == first.id]) == 1
    assert len(odoo_server.calls_of("create", "helpdesk.ticket")) == 1


def test_same_report_twice_posts_one_note(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    settings = settings_for(odoo_server)
    report_case(sample_case(), document_file, client, settings)
    report_case(sample_case(), document_file, client, settings)
    assert len(odoo_server.database.rows["mail.message"]) == 1


def test_ticket_created_once_when_create_times_out(odoo_server: OdooTestServer, document_file: Path) -> None:
    """GIVEN Odoo creates the ticket but responds after the client's timeout WHEN reporting THEN the client finds it by key and creates no second one."""
    client = connect(odoo_server, odoo_timeout=0.4)
    odoo_server.inject("create", model="helpdesk.ticket", action="delay_after", seconds=1.0)

    ref = report_case(sample_case(), document_file, client, settings_for(odoo_server))

    assert [ticket["id"] for ticket in tickets(odoo_server)] == [ref.id]
    assert len(odoo_server.calls_of("create", "helpdesk.ticket")) == 1


def test_ticket_found_when_server_commits_late(odoo_server: OdooTestServer, document_file: Path) -> None:
    """GIVEN Odoo is still busy with the create when the client times out THEN read-backs wait for it instead of creating again."""
    client = OdooClient.from_settings(settings_for(odoo_server, odoo_timeout=0.3), backoff=0.2)
    odoo_server.inject("create", model="helpdesk.ticket", action="delay_before", seconds=0.6)

    ref = report_case(sample_case(), document_file, client, settings_for(odoo_server))

    assert [ticket["id"] for ticket in tickets(odoo_server)] == [ref.id]
    assert len(odoo_server.calls_of("create", "helpdesk.ticket")) == 1


def test_lost_create_reported_then_retried_safely(odoo_server: OdooTestServer, document_file: Path) -> None:
    """GIVEN the create never shows up WHEN reporting THEN OdooOutcomeUnknown; a later retry searches the key first and creates once."""
    client = connect(odoo_server, odoo_timeout=0.3)
    odoo_server.inject("create", model="helpdesk.ticket", action="status", status=504)
    settings = settings_for(odoo_server)

    with pytest.raises(OdooOutcomeUnknown):
        report_case(sample_case(), document_file, client, settings)
    ref = report_case(sample_case(), document_file, client, settings)

    assert [ticket["id"] for ticket in tickets(odoo_server)] == [ref.id]


def test_unresolved_partner_sends_false(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    """GIVEN a case matched to no order (vendor unresolved) THEN the ticket is created with partner False and no None on the wire."""
    case = sample_case()
    case.matched = []
    report_case(case, document_file, client, settings_for(odoo_server))

    [ticket] = tickets(odoo_server)
    assert ticket["partner_id"] is False
    assert ticket["name"] == "INV-2024-0417.pdf: no order found, 2 findings"
    assert odoo_server.none_values == 0


def test_note_body_escaped_without_flag_on_17(odoo_server: OdooTestServer, client: OdooClient) -> None:
    """The server escapes a body sent without body_is_html on 17+, as Odoo does; docmatch always sends the flag there."""
    if odoo_server.version < 17:
        pytest.skip("16.0 stores bodies as HTML and has no body_is_html")
    ticket_id = client.create_once("helpdesk.ticket", {"name": "t", "description": "<p>x</p>"}, find=lambda: None)
    message_id = client.call("helpdesk.ticket", "message_post", [ticket_id], body="<p>bold</p>", message_type="comment", subtype_xmlid="mail.mt_note")
    assert odoo_server.database.rows["mail.message"][message_id]["body"] == html.escape("<p>bold</p>")


def test_tag_without_create_right_skipped(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    """GIVEN a user who may not create tags WHEN a configured tag is missing THEN the ticket opens without it."""
    tag_model = "helpdesk.tag" if odoo_server.helpdesk == "enterprise" else "helpdesk.ticket.tag"
    odoo_server.database.denied.add((tag_model, "create"))
    report_case(sample_case(), document_file, client, settings_for(odoo_server, helpdesk_tags=["docmatch", "brand-new"]))
    [ticket] = tickets(odoo_server)
    assert [odoo_server.database.rows[tag_model][tag]["name"] for tag in ticket["tag_ids"]] == ["docmatch"]


def test_unknown_team_is_configuration_error(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    from docmatch.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="team 'Nobody' not found"):
        report_case(sample_case(), document_file, client, settings_for(odoo_server, helpdesk_team="Nobody"))
    assert tickets(odoo_server) == []


def test_ticket_values_carry_units(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    """GIVEN a quantity finding whose evidence names the units THEN the table writes "80 Units", as the terminal does."""
    quantity = Finding(kind=FindingKind.QUANTITY_MISMATCH, severity=Severity.MEDIUM, rule="quantity", line=1, document_value=80.0, odoo_value=50.0, message="Line 1: 80 Units billed, 50 Units ordered.", evidence={"uom": "Units"})
    report_case(sample_case(findings=[quantity]), document_file, client, settings_for(odoo_server))

    [ticket] = tickets(odoo_server)
    assert "<td>80 Units</td><td>50 Units</td>" in ticket["description"]


def test_ticket_text_has_no_local_paths(odoo_server: OdooTestServer, client: OdooClient, document_file: Path) -> None:
    """GIVEN an unreadable document whose reason names the stored copy's path THEN the ticket names the document's file only."""
    sha256 = "cd" * 32
    reason = f"cannot identify image file '/var/lib/docmatch/documents/cd/{sha256}'"
    failed = Finding(kind=FindingKind.EXTRACTION_FAILED, severity=Severity.HIGH, rule="extraction", message=f"The document could not be read: {reason}", evidence={"reason": reason})
    case = sample_case(sha256, findings=[failed])
    case.explanation = f"The invoice could not be read: {reason}."
    case.notes = ["read from /home/ap/inbox/INV-2024-0417.pdf"]

    ref = report_case(case, document_file, client, settings_for(odoo_server))

    [ticket] = tickets(odoo_server)
    [note] = [row for row in odoo_server.database.rows["mail.message"].values() if row["res_id"] == ref.id]
    for text in (ticket["description"], note["body"]):
        assert "/var/lib" not in text
        assert "/home/ap" not in text
    assert "cannot identify image file &#x27;INV-2024-0417.pdf&#x27;" in ticket["description"]
    assert "<li>read from INV-2024-0417.pdf</li>" in ticket["description"]
    assert "could not be read: cannot identify image file &#x27;INV-2024-0417.pdf&#x27;" in note["body"]


@pytest.fixture
def fresh_team_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from docmatch.odoo import helpdesk

    monkeypatch.setattr(helpdesk, "_warned_no_team", False)


@pytest.mark.usefixtures("fresh_team_warning")
def test_ticket_without_team_warns_once(odoo_server: OdooTestServer, client: OdooClient, document_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN DOCMATCH_HELPDESK_TEAM unset WHEN two tickets open without a team THEN one warning names the setting."""
    settings = settings_for(odoo_server, helpdesk_team=None)
    assert settings.helpdesk_team is None

    report_case(sample_case("ab" * 32), document_file, client, settings)
    report_case(sample_case("ef" * 32), document_file, client, settings)

    assert [ticket.get("team_id", False) for ticket in tickets(odoo_server)] == [False, False]
    warnings = [record.getMessage() for record in caplog.records if "without a Helpdesk team" in record.getMessage()]
    assert len(warnings) == 1
    assert "DOCMATCH_HELPDESK_TEAM is unset" in warnings[0]


@pytest.mark.usefixtures("fresh_team_warning")
def test_ticket_with_team_does_not_warn(odoo_server: OdooTestServer, client: OdooClient, document_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    report_case(sample_case(), document_file, client, settings_for(odoo_server))

    assert not [record for record in caplog.records if "without a Helpdesk team" in record.getMessage()]
