"""The Odoo test server responds as Odoo does, checked with plain protocol clients (no docmatch code)."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from docmatch.odoo.testserver import OdooTestServer

from .conftest import API_KEY, write_snapshot


@pytest.fixture(params=[16, 19])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OdooTestServer]:
    with OdooTestServer(version=request.param, helpdesk="oca", snapshot=write_snapshot(tmp_path / "snapshot", request.param), api_key=API_KEY) as running:
        running.database.denied.add(("helpdesk.ticket.tag", "create"))
        yield running


def execute_kw(server: OdooTestServer, model: str, method: str, args: list, kwargs: dict | None = None, *, key: str = API_KEY):  # type: ignore[no-untyped-def]
    proxy = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    return proxy.execute_kw(server.db, 2, key, model, method, args, kwargs or {})


def jsonrpc(server: OdooTestServer, model: str, method: str, args: list, kwargs: dict | None = None, *, key: str = API_KEY) -> httpx.Response:
    body = {"jsonrpc": "2.0", "method": "call", "params": {"service": "object", "method": "execute_kw", "args": [server.db, 2, key, model, method, args, kwargs or {}]}, "id": 5}
    return httpx.post(f"{server.url}/jsonrpc", json=body)


def test_version_and_authenticate(server: OdooTestServer) -> None:
    common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
    assert common.version()["server_version_info"][0] == server.version
    assert common.authenticate(server.db, "docmatch", API_KEY, {}) == 2
    assert common.authenticate(server.db, "docmatch", "wrong", {}) is False


@pytest.mark.parametrize(
    ("model", "method", "args", "code", "text"),
    [
        ("res.partner", "search_read", [[]], 3, "Access Denied"),
        ("helpdesk.ticket.tag", "create", [[{"name": "x"}]], 4, "not allowed"),
        ("helpdesk.ticket", "create", [[{"name": "no description"}]], 2, "mandatory field"),
        ("helpdesk.ticket", "create", [[{"name": "x", "description": "y", "bogus": 1}]], 1, "Invalid field 'bogus'"),
    ],
    ids=["access-denied", "access-error", "user-error", "application-error"],
)
def test_xmlrpc_fault_codes(server: OdooTestServer, model: str, method: str, args: list, code: int, text: str) -> None:
    key = "wrong" if code == 3 else API_KEY
    with pytest.raises(xmlrpc.client.Fault) as raised:
        execute_kw(server, model, method, args, key=key)
    assert raised.value.faultCode == code
    assert text in raised.value.faultString


def test_xmlrpc_application_fault_carries_traceback(server: OdooTestServer) -> None:
    with pytest.raises(xmlrpc.client.Fault) as raised:
        execute_kw(server, "no.such.model", "search", [[]])
    assert raised.value.faultString.startswith("Traceback (most recent call last):")


def test_jsonrpc_error_with_http_200(server: OdooTestServer) -> None:
    response = jsonrpc(server, "helpdesk.ticket.tag", "create", [[{"name": "x"}]])
    assert response.status_code == 200
    error = response.json()["error"]
    assert error["message"] == "Odoo Server Error"
    assert error["code"] == (200 if server.version < 19 else 0)
    assert error["data"]["name"] == "odoo.exceptions.AccessError"
    assert response.json()["id"] == 5


def test_jsonrpc_none_result_has_no_result_member(server: OdooTestServer) -> None:
    ticket_id = execute_kw(server, "helpdesk.ticket", "create", [[{"name": "t", "description": "d"}]])[0]
    response = jsonrpc(server, "helpdesk.ticket", "assign_to_me", [[ticket_id]])
    assert response.status_code == 200
    assert "result" not in response.json()
    assert "error" not in response.json()


def test_json2_only_on_19(server: OdooTestServer) -> None:
    response = httpx.post(f"{server.url}/json/2/res.partner/search_read", json={}, headers={"Authorization": f"bearer {API_KEY}"})
    assert response.status_code == (200 if server.version >= 19 else 404)


@pytest.mark.parametrize(
    ("path", "body", "key", "status", "message"),
    [
        ("/json/2/res.partner/search_read", {"domain": []}, "wrong", 401, "Invalid apikey"),
        ("/json/2/no.such.model/search_read", {}, API_KEY, 404, "does not exist"),
        ("/json/2/res.partner/frobnicate", {}, API_KEY, 404, "does not exist"),
        ("/json/2/res.partner/search_read", {"ids": [7]}, API_KEY, 422, "cannot call search_read with ids"),
        ("/json/2/res.partner/write", {"ids": [7]}, API_KEY, 422, "missing a required argument: 'vals'"),
        ("/json/2/helpdesk.ticket.tag/create", {"vals_list": [{"name": "x"}]}, API_KEY, 403, "not allowed"),
        ("/json/2/helpdesk.ticket/create", {"vals_list": [{"name": "x"}]}, API_KEY, 422, "mandatory field"),
    ],
    ids=["bad-key", "unknown-model", "unknown-method", "ids-to-model-method", "unbound-arguments", "access-error", "user-error"],
)
def test_json2_status_codes(server: OdooTestServer, path: str, body: dict, key: str, status: int, message: str) -> None:
    if server.version < 19:
        pytest.skip("JSON-2 exists from Odoo 19")
    response = httpx.post(f"{server.url}{path}", json=body, headers={"Authorization": f"bearer {key}", "X-Odoo-Database": server.db})
    assert response.status_code == status
    error = response.json()
    assert message in error["message"]
    assert set(error) == {"name", "message", "arguments", "context", "debug"}


def test_json2_get_is_not_found(server: OdooTestServer) -> None:
    if server.version < 19:
        pytest.skip("JSON-2 exists from Odoo 19")
    response = httpx.get(f"{server.url}/json/2/res.partner/search_read")
    assert response.status_code == 404
    assert "Did you mean POST" in response.json()["message"]


def test_attachment_search_hides_field_attachments(server: OdooTestServer) -> None:
    """`ir.attachment` searches add res_field = False unless the domain names id or res_field."""
    execute_kw(server, "ir.attachment", "create", [[{"name": "a.pdf", "datas": "JVBERi0=", "res_model": "helpdesk.ticket", "res_id": 1}]])
    server.database.rows["ir.attachment"][1]["res_field"] = "image_1920"
    assert execute_kw(server, "ir.attachment", "search", [[["name", "=", "a.pdf"]]]) == []
    assert execute_kw(server, "ir.attachment", "search", [[["id", "=", 1]]]) == [1]


def test_archived_records_need_active_test_false(server: OdooTestServer) -> None:
    ticket_id = execute_kw(server, "helpdesk.ticket", "create", [[{"name": "t", "description": "d"}]])[0]
    execute_kw(server, "helpdesk.ticket", "write", [[ticket_id], {"active": False}])
    assert execute_kw(server, "helpdesk.ticket", "search", [[]]) == []
    assert execute_kw(server, "helpdesk.ticket", "search", [[]], {"context": {"active_test": False}}) == [ticket_id]


def test_closed_stage_sets_closed_date(server: OdooTestServer) -> None:
    ticket_id = execute_kw(server, "helpdesk.ticket", "create", [[{"name": "t", "description": "d"}]])[0]
    execute_kw(server, "helpdesk.ticket", "write", [[ticket_id], {"stage_id": 3}])
    [row] = execute_kw(server, "helpdesk.ticket", "read", [[ticket_id], ["closed", "closed_date", "number"]])
    assert row["closed"] is True
    assert row["closed_date"]
    assert row["number"] == "HT00001"


def test_testserver_command_serves(tmp_path: Path) -> None:
    """`docmatch odoo testserver` serves until stopped; the test stops it by its own PID."""
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    snapshot = write_snapshot(tmp_path / "snapshot", 18)
    command = [sys.executable, "-m", "docmatch", "odoo", "testserver", "--snapshot", str(snapshot), "--version", "18", "--helpdesk", "oca", "--port", str(port), "--api-key", API_KEY]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common")
        deadline = time.monotonic() + 30
        while True:
            try:
                version = common.version()
                break
            except OSError:
                assert time.monotonic() < deadline, "the test server did not start within 30 s"
                time.sleep(0.2)
        assert version["server_version"] == "18.0"
        assert common.authenticate("docmatch", "docmatch", API_KEY, {}) == 2
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_testserver_refuses_another_version_than_the_snapshot(tmp_path: Path) -> None:
    """GIVEN a snapshot of Odoo 18 WHEN the test server is asked to speak 19 THEN it stops with the snapshot's version in the message."""
    from click.testing import CliRunner

    from docmatch.cli import cli

    snapshot = write_snapshot(tmp_path / "snapshot", 18)

    result = CliRunner().invoke(cli, ["odoo", "testserver", "--snapshot", str(snapshot), "--version", "19", "--port", "1"])

    assert result.exit_code == 2
    assert "taken from Odoo 18, not 19" in result.output
