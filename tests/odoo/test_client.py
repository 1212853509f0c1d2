"""The live Odoo client against the Odoo test server, in every dialect and Helpdesk variant."""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from docmatch.errors import OdooAccessError, OdooAuthError, OdooOutcomeUnknown
from docmatch.odoo.client import OdooClient
from docmatch.odoo.helpdesk import assign_to_self
from docmatch.odoo.testserver import OdooTestServer
from docmatch.odoo.wire import local_date, local_to_utc, to_wire

from .conftest import API_KEY, connect


def test_protocol_follows_server_version(odoo_server: OdooTestServer, client: OdooClient) -> None:
    """GIVEN a server of each version WHEN connecting with protocol auto THEN 19 uses JSON-2, 16-18 XML-RPC."""
    expected = "json2" if odoo_server.version >= 19 else "xmlrpc"
    assert client.transport.name == expected
    assert client.major == odoo_server.version
    client.search_read("res.partner", [], ["name"])
    assert {call.protocol for call in odoo_server.calls} == {expected}


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_rpc_protocols_selectable(odoo_server: OdooTestServer, protocol: str) -> None:
    client = connect(odoo_server, odoo_protocol=protocol)
    rows = client.search_read("purchase.order", [["name", "=", "P00702"]], ["name"])
    assert [row["name"] for row in rows] == ["P00702"]
    assert odoo_server.calls[-1].protocol == protocol


@pytest.mark.parametrize("protocol", ["auto", "xmlrpc", "jsonrpc"])
def test_wrong_api_key_clear_error(odoo_server: OdooTestServer, protocol: str, caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a wrong API key WHEN connecting THEN OdooAuthError names the refusal and hints at the key setting."""
    caplog.set_level(logging.DEBUG)
    wrong_key = "wrong-key-5d1e"
    with pytest.raises(OdooAuthError) as raised:
        connect(odoo_server, odoo_api_key=wrong_key, odoo_protocol=protocol)
    error = raised.value
    assert "refused the API key" in error.message
    assert "DOCMATCH_ODOO_API_KEY" in error.hint
    assert wrong_key not in str(error)
    assert wrong_key not in repr(error)
    assert wrong_key not in caplog.text


def test_api_key_absent_from_repr_and_logs(odoo_server: OdooTestServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    odoo_server.inject("search_read", action="status", status=503, times=1)
    client = connect(odoo_server)
    client.search_read("res.partner", [], ["name"])
    assert API_KEY not in repr(client)
    assert API_KEY not in repr(client.transport.credentials)
    assert API_KEY not in caplog.text


def test_allowed_company_ids_on_every_call(odoo_server: OdooTestServer, client: OdooClient) -> None:
    """GIVEN a user of two companies WHEN docmatch works in company 1 THEN every call carries it and company 2's order stays hidden."""
    names = [row["name"] for row in client.search_read("purchase.order", [], ["name"])]
    assert names == ["P00702"]
    business_calls = [call for call in odoo_server.calls if call.method != "fields_get"]
    assert business_calls
    assert all(call.context.get("allowed_company_ids") == [1] for call in business_calls)


def test_company_defaults_to_user_company(odoo_server: OdooTestServer) -> None:
    client = connect(odoo_server, odoo_company_ids=[])
    assert client.company_ids == [1]


def test_unknown_company_refused(odoo_server: OdooTestServer) -> None:
    client = connect(odoo_server, odoo_company_ids=[1])
    client.company_ids = [1, 99]
    with pytest.raises(OdooAccessError, match="unauthorized or invalid companies"):
        client.search_read("purchase.order", [], ["name"])


def test_none_sent_as_false(odoo_server: OdooTestServer, client: OdooClient) -> None:
    """GIVEN values with None (an unresolved vendor) WHEN creating a ticket THEN False goes on the wire, never None."""
    ticket_id = client.create_once("helpdesk.ticket", {"name": "vendor unresolved", "description": "<p>x</p>", "partner_id": None, "user_id": None}, find=lambda: None)
    stored = odoo_server.database.rows["helpdesk.ticket"][ticket_id]
    assert stored["partner_id"] is False
    assert odoo_server.none_values == 0


def test_transient_read_retried(odoo_server: OdooTestServer, client: OdooClient) -> None:
    odoo_server.inject("search_read", model="res.partner", action="status", status=503, times=2)
    rows = client.search_read("res.partner", [], ["name"])
    assert [row["name"] for row in rows] == ["Flanges Ltd"]
    assert odoo_server.injections[-1].times == 0


def test_proxy_503_on_write_retried(odoo_server: OdooTestServer, client: OdooClient) -> None:
    """GIVEN a 503 that proves the write never ran WHEN writing THEN the client sends it again."""
    ticket_id = client.create_once("helpdesk.ticket", {"name": "t", "description": "<p>x</p>"}, find=lambda: None)
    odoo_server.inject("write", model="helpdesk.ticket", action="status", status=503, times=1)
    assert client.write("helpdesk.ticket", [ticket_id], {"name": "renamed"})
    assert odoo_server.database.rows["helpdesk.ticket"][ticket_id]["name"] == "renamed"


def test_write_timeout_is_outcome_unknown(odoo_server: OdooTestServer) -> None:
    client = connect(odoo_server, odoo_timeout=0.3)
    ticket_id = client.create_once("helpdesk.ticket", {"name": "t", "description": "<p>x</p>"}, find=lambda: None)
    odoo_server.inject("write", model="helpdesk.ticket", action="delay_after", seconds=0.8)
    with pytest.raises(OdooOutcomeUnknown):
        client.write("helpdesk.ticket", [ticket_id], {"name": "renamed"})
    assert len(odoo_server.calls_of("write", "helpdesk.ticket")) == 1


def test_void_method_confirmed_by_read_back(odoo_server: OdooTestServer) -> None:
    """GIVEN a button method returning None WHEN called over each protocol THEN its effect is confirmed, and it ran once.

    Over XML-RPC Odoo applies the method and then faults because it cannot marshal None.
    """
    protocol = "json2" if odoo_server.version >= 19 else "xmlrpc"
    for chosen in {protocol, "xmlrpc"}:
        client = connect(odoo_server, odoo_protocol=chosen)
        ticket_id = client.create_once("helpdesk.ticket", {"name": f"assign over {chosen}", "description": "<p>x</p>"}, find=lambda: None)
        before = len(odoo_server.calls)
        assign_to_self(client, ticket_id)
        methods = [call.method for call in odoo_server.calls[before:]]
        if odoo_server.helpdesk == "oca":
            assert methods.count("assign_to_me") == 1
        else:
            # Enterprise has no such button method: a plain write does it.
            assert methods.count("write") == 1
        assert odoo_server.database.rows["helpdesk.ticket"][ticket_id]["user_id"] == client.uid


def test_void_method_fault_over_xmlrpc(odoo_server: OdooTestServer) -> None:
    """The raw XML-RPC response of a None-returning method is fault 1 although the change is applied."""
    import xmlrpc.client

    if odoo_server.helpdesk != "oca":
        pytest.skip("only OCA helpdesk_mgmt has a ticket method that returns None")
    client = connect(odoo_server, odoo_protocol="xmlrpc")
    ticket_id = client.create_once("helpdesk.ticket", {"name": "raw", "description": "<p>x</p>"}, find=lambda: None)
    method = "assign_to_me"
    proxy = xmlrpc.client.ServerProxy(f"{odoo_server.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as raised:
        proxy.execute_kw(odoo_server.db, client.uid, API_KEY, "helpdesk.ticket", method, [[ticket_id]], {})
    assert raised.value.faultCode == 1
    assert "cannot marshal None" in raised.value.faultString
    assert odoo_server.database.rows["helpdesk.ticket"][ticket_id]["user_id"] == client.uid


def test_datetimes_written_as_naive_utc(odoo_server: OdooTestServer, client: OdooClient) -> None:
    """GIVEN a due time 2024-04-30 17:00 in Berlin WHEN written THEN Odoo gets '2024-04-30 15:00:00' and the date '2024-04-30'."""
    due = local_to_utc(datetime(2024, 4, 30, 17, 0), "Europe/Berlin")
    field = "assign_date" if odoo_server.helpdesk == "enterprise" else "assigned_date"
    ticket_id = client.create_once("helpdesk.ticket", {"name": "due", "description": "<p>x</p>", field: due}, find=lambda: None)
    activity_id = client.create_once("mail.activity", {"res_model": "helpdesk.ticket", "res_id": ticket_id, "summary": "payment due", "date_deadline": due.astimezone(ZoneInfo("Europe/Berlin")).date()}, find=lambda: None)
    assert odoo_server.database.rows["helpdesk.ticket"][ticket_id][field] == "2024-04-30 15:00:00"
    assert odoo_server.database.rows["mail.activity"][activity_id]["date_deadline"] == "2024-04-30"


def test_iso_datetime_with_offset_rejected_by_server(odoo_server: OdooTestServer, client: OdooClient) -> None:
    """The test server refuses what Odoo refuses: an ISO 8601 string with 'T' and an offset."""
    from docmatch.errors import OdooFault

    field = "assign_date" if odoo_server.helpdesk == "enterprise" else "assigned_date"
    with pytest.raises(OdooFault, match="does not match format"):
        client.create_once("helpdesk.ticket", {"name": "iso", "description": "<p>x</p>", field: "2024-04-30T17:00:00+02:00"}, find=lambda: None)


def test_order_date_reads_as_local_date(client: OdooClient) -> None:
    """GIVEN date_order 2024-03-31 22:30:00 UTC WHEN read for a Berlin company THEN the order is dated 2024-04-01."""
    row = client.search_read("purchase.order", [["name", "=", "P00702"]], ["date_order"])[0]
    assert row["date_order"] == "2024-03-31 22:30:00"
    assert local_date(row["date_order"], "Europe/Berlin") == date(2024, 4, 1)


def test_domain_datetime_sent_as_utc_string(odoo_server: OdooTestServer, client: OdooClient) -> None:
    since = datetime(2024, 4, 1, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    rows = client.search_read("purchase.order", [["date_order", ">=", since]], ["name"])
    assert [row["name"] for row in rows] == ["P00702"]
    assert odoo_server.calls[-1].kwargs["domain"] == [["date_order", ">=", "2024-03-31 22:30:00"]]


def test_to_wire_refuses_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        to_wire({"deadline": datetime(2024, 4, 30, 17, 0)})


def test_to_wire_converts_nested_values() -> None:
    value = {"a": None, "b": [None, (1, 2)], "c": datetime(2024, 1, 1, 12, tzinfo=timezone.utc), "d": date(2024, 1, 2)}
    assert to_wire(value) == {"a": False, "b": [False, [1, 2]], "c": "2024-01-01 12:00:00", "d": "2024-01-02"}


def test_version_from_web_version_without_xmlrpc(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a 19 server without the deprecated RPC services THEN the version comes from /web/version and JSON-2 is used."""
    from .conftest import write_snapshot

    with OdooTestServer(version=19, helpdesk="oca", snapshot=write_snapshot(tmp_path / "snapshot", 19), api_key=API_KEY, deprecated_rpc=False) as server:
        client = connect(server)
        assert client.server_version == "19.0"
        assert client.transport.name == "json2"
        assert client.search_read("purchase.order", [], ["name"]) == [{"id": 7, "name": "P00702"}]


def test_create_timeout_over_jsonrpc(odoo_server: OdooTestServer) -> None:
    """GIVEN JSON-RPC and a create that times out after being applied THEN create_once finds the record and sends one create."""
    client = connect(odoo_server, odoo_protocol="jsonrpc", odoo_timeout=0.3)
    odoo_server.inject("create", model="helpdesk.ticket", action="delay_after", seconds=0.8)

    def find() -> int | None:
        found = client.search("helpdesk.ticket", [["name", "=", "json-rpc timeout"]])
        return found[0] if found else None

    ticket_id = client.create_once("helpdesk.ticket", {"name": "json-rpc timeout", "description": "<p>x</p>"}, find=find)
    assert list(odoo_server.database.rows["helpdesk.ticket"]) == [ticket_id]
    assert len(odoo_server.calls_of("create", "helpdesk.ticket")) == 1


def test_access_error_mapped(odoo_server: OdooTestServer, client: OdooClient) -> None:
    tag_model = "helpdesk.tag" if odoo_server.helpdesk == "enterprise" else "helpdesk.ticket.tag"
    odoo_server.database.denied.add((tag_model, "create"))
    with pytest.raises(OdooAccessError, match="not allowed"):
        client.create_once(tag_model, {"name": "x"}, find=lambda: None)
