"""An HTTP server on loopback that speaks Odoo's external API protocols.

No Odoo can be installed on the development and CI machines, so docmatch's live-Odoo
code is tested against this server. It speaks the three protocols as Odoo does, each
following the Odoo source file named here:

- XML-RPC `/xmlrpc/2/common` and `/xmlrpc/2/object`
  (`odoo/addons/base/controllers/rpc.py` in 16 to 18, `addons/rpc/controllers/xmlrpc.py`
  in 19): integer fault codes 1 application error (with the traceback as the fault
  string), 2 UserError, 3 AccessDenied, 4 AccessError; the response marshaller has
  `allow_none=False`, so a method returning None applies and then fails with fault 1
  "cannot marshal None unless allow_none is enabled".
- JSON-RPC `POST /jsonrpc` (same controller; dispatcher in `odoo/http.py`,
  `JsonRPCDispatcher`): errors come back with HTTP 200 and an `error` member
  `{code, message: "Odoo Server Error", data: {name, message, arguments, context, debug}}`,
  code 200 up to 18 and 0 in 19; a None result leaves out the `result` member.
- JSON-2 `POST /json/2/<model>/<method>` on 19 only (`addons/rpc/controllers/json2.py`,
  `Json2Dispatcher` in `odoo/http.py`): `Authorization: bearer <api key>`, arguments by
  name, 401 "Invalid apikey", 404 for an unknown model or method and for GET, 422 when
  ids go to a model-level method or arguments do not bind, the exception's
  `http_status` otherwise (UserError 422, AccessError 403, MissingError 404, others
  500), with the body `{name, message, arguments, context, debug}`.
- `GET /web/version` on 19, `{"version_info": [...], "version": "19.0"}`, and the 401
  body above (odoo/documentation `content/developer/reference/external_api.rst`).

Tests steer failures with `inject` (a delay before or after a method runs, an HTTP
status instead of a response) and read every request back from `calls`, including how
many None values arrived (`none_values`), which a correct client never sends.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
import xmlrpc.client
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from docmatch.odoo.testserver import dialects
from docmatch.odoo.testserver.database import AccessDenied, BadArguments, Database, InvalidValue, OdooException, User

log = logging.getLogger(__name__)

# Method signatures: (model-level method?, parameter names in order, required names).
# Odoo binds positional XML-RPC arguments and JSON-2 names against the same signature.
SIGNATURES: dict[str, tuple[bool, list[str], set[str]]] = {
    "search": (True, ["domain", "offset", "limit", "order"], {"domain"}),
    "search_read": (True, ["domain", "fields", "offset", "limit", "order"], set()),
    "search_count": (True, ["domain", "limit"], {"domain"}),
    "read": (False, ["fields", "load"], set()),
    "fields_get": (True, ["allfields", "attributes"], set()),
    "create": (True, ["vals_list"], {"vals_list"}),
    "write": (False, ["vals"], {"vals"}),
    "unlink": (False, [], set()),
    "message_post": (False, [], set()),
    "context_get": (True, [], set()),
    "assign_to_me": (False, [], set()),
}
# Button methods that return None, per Helpdesk (OCA `helpdesk_mgmt` `assign_to_me`).
VOID_METHODS = {"oca": "assign_to_me"}


@dataclass
class Injection:
    """A failure the server produces on the next `times` calls of `model.method`.

    `action` is one of:
        delay_after   run the method, then wait `seconds` before responding
        delay_before  wait `seconds`, then run the method and respond
        status        respond with HTTP `status` without running the method
    """

    method: str
    model: str | None = None
    action: str = "delay_after"
    seconds: float = 0.0
    status: int = 503
    times: int = 1


@dataclass
class Call:
    protocol: str
    model: str
    method: str
    ids: list[int] | None
    kwargs: dict[str, Any]
    context: dict[str, Any]
    body: bytes = b""


@dataclass
class OdooTestServer:
    """An Odoo test server serving a snapshot folder in one version and Helpdesk variant."""

    version: int = 17
    helpdesk: str = "enterprise"
    snapshot: Path | None = None
    api_key: str = "test-api-key"
    login: str = "docmatch"
    host: str = "127.0.0.1"
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    injections: list[Injection] = field(default_factory=list)
    none_values: int = 0
    # False makes a 19 server answer 404 on /xmlrpc and /jsonrpc, as a build that has
    # removed the deprecated services would.
    deprecated_rpc: bool = True

    def __post_init__(self) -> None:
        self.database = Database.build(self.version, self.helpdesk, Path(self.snapshot) if self.snapshot else None, api_key=self.api_key, login=self.login)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start the server first"
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    @property
    def db(self) -> str:
        return self.database.name

    def start(self) -> OdooTestServer:
        handler = type("BoundHandler", (_Handler,), {"server_state": self})
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        # A short poll interval lets stop() return at once; tests start many servers.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="odoo-testserver", daemon=True)
        self._thread.start()
        log.info("Odoo %d test server (%s helpdesk) listening on %s", self.version, self.helpdesk, self.url)
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
            log.info("Odoo test server stopped")

    def __enter__(self) -> OdooTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(self, method: str, model: str | None = None, **options: Any) -> Injection:
        injection = Injection(method=method, model=model, **options)
        self.injections.append(injection)
        return injection

    def calls_of(self, method: str, model: str | None = None) -> list[Call]:
        return [call for call in self.calls if call.method == method and (model is None or call.model == model)]

    def take_injection(self, model: str, method: str) -> Injection | None:
        with self._lock:
            for injection in self.injections:
                if injection.method == method and injection.model in (None, model) and injection.times > 0:
                    injection.times -= 1
                    return injection
        return None

    # --- dispatch shared by the protocols -------------------------------------------

    def dispatch(self, protocol: str, user: User, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any], body: bytes) -> Any:
        """Run one call as `user`, with the context taken out of the keyword arguments as `execute_kw` does."""
        kwargs = dict(kwargs)
        context = dict(kwargs.pop("context", None) or {})
        self.calls.append(Call(protocol, model, method, ids, kwargs, context, body))
        database = self.database
        with database.lock:
            try:
                database.check_access(model, method)
            except KeyError:
                raise InvalidValue(f"Object {model} doesn't exist") from None
            if method == "fields_get":
                return database.fields_get(model, kwargs.get("attributes"))
            database.allowed_companies(user, context)
            return self._run(user, model, method, ids, kwargs, context)

    def _run(self, user: User, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any], context: dict[str, Any]) -> Any:
        database = self.database
        if method == "search":
            return database.search(model, user, context, kwargs["domain"], kwargs.get("offset") or 0, kwargs.get("limit") or None, kwargs.get("order") or None)
        if method == "search_read":
            found = database.search(model, user, context, kwargs.get("domain") or [], kwargs.get("offset") or 0, kwargs.get("limit") or None, kwargs.get("order") or None)
            return database.read(model, user, context, found, kwargs.get("fields") or None)
        if method == "search_count":
            return len(database.search(model, user, context, kwargs["domain"], 0, kwargs.get("limit") or None))
        if method == "read":
            return database.read(model, user, context, ids or [], kwargs.get("fields") or None)
        if method == "create":
            vals = kwargs["vals_list"]
            created = database.create(model, user, context, vals if isinstance(vals, list) else [vals])
            return created if isinstance(vals, list) else created[0]
        if method == "write":
            return database.write(model, user, context, ids or [], kwargs["vals"])
        if method == "unlink":
            for record_id in ids or []:
                database.rows[model].pop(record_id, None)
            return True
        if method == "message_post":
            return database.message_post(model, user, context, ids or [], kwargs)
        if method == "context_get" and model == "res.users":
            return {"lang": "en_US", "tz": user.tz, "uid": user.uid}
        if model == "helpdesk.ticket" and method == VOID_METHODS.get(self.helpdesk):
            return database.void_action(model, user, context, ids or [])
        raise _NotFound(f"The method '{method}' does not exist on the model '{model}'")


class _NotFound(OdooException):
    odoo_name = "werkzeug.exceptions.NotFound"
    http_status = 404


def bind_arguments(method: str, ids: list[int] | None, args: list[Any], kwargs: dict[str, Any], *, by_name: bool) -> tuple[list[int] | None, dict[str, Any]]:
    """Bind positional and named arguments to the method's signature, as Python would."""
    if method not in SIGNATURES:
        return ids, kwargs
    model_level, names, required = SIGNATURES[method]
    if by_name and model_level and ids:
        raise BadArguments(f"cannot call {method} with ids")
    if not by_name and not model_level:
        if not args:
            raise BadArguments(f"{method}() missing 1 required positional argument: 'self'")
        ids, args = list(args[0]) if isinstance(args[0], (list, tuple)) else [args[0]], list(args[1:])
    bound = dict(zip(names, args))
    for name, value in kwargs.items():
        if name == "context":
            bound[name] = value
            continue
        if name in bound:
            raise BadArguments(f"{method}() got multiple values for argument '{name}'")
        if method != "message_post" and name not in names:
            raise BadArguments(f"{method}() got an unexpected keyword argument '{name}'")
        bound[name] = value
    missing = sorted(required - set(bound))
    if missing:
        raise BadArguments(f"missing a required argument: '{missing[0]}'")
    return ids, bound


def count_none(value: Any) -> int:
    if value is None:
        return 1
    if isinstance(value, dict):
        return sum(count_none(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(count_none(item) for item in value)
    return 0


def error_body(exc: Exception, debug: str) -> dict[str, Any]:
    """Return Odoo's `serialize_exception` shape (`odoo/http.py`)."""
    name = exc.odoo_name if isinstance(exc, OdooException) else f"builtins.{type(exc).__name__}"
    message = str(exc)
    return {"name": name, "message": message, "arguments": [message], "context": {}, "debug": debug}


class _Handler(BaseHTTPRequestHandler):
    server_state: OdooTestServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        log.debug("%s %s", self.address_string(), format % args)

    # --- routing --------------------------------------------------------------------

    def do_GET(self) -> None:
        state = self.server_state
        if self.path == "/web/version" and state.version >= 19:
            info = dialects.version_info(state.version)
            self._send_json(200, {"version_info": info["server_version_info"], "version": info["server_version"]})
        elif self.path.startswith("/json/2") and state.version >= 19:
            self._send_json(404, error_body(_NotFound("Did you mean POST /json/2/<model>/<method>?"), ""))
        else:
            self._send(404, b"<html><body>Not Found</body></html>", "text/html")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        state = self.server_state
        rpc_removed = state.version >= 19 and not state.deprecated_rpc
        if rpc_removed and (self.path.startswith("/xmlrpc") or self.path == "/jsonrpc"):
            self._send(404, b"<html><body>Not Found</body></html>", "text/html")
        elif self.path in ("/xmlrpc/2/common", "/xmlrpc/2/object"):
            self._xmlrpc(self.path.rsplit("/", 1)[1], body)
        elif self.path == "/jsonrpc":
            self._jsonrpc(body)
        elif self.path.startswith("/json/2/") and state.version >= 19:
            self._json2(body)
        else:
            self._send(404, b"<html><body>Not Found</body></html>", "text/html")

    # --- XML-RPC --------------------------------------------------------------------

    def _xmlrpc(self, service: str, body: bytes) -> None:
        state = self.server_state
        try:
            params, method = xmlrpc.client.loads(body, use_datetime=True)
            state.none_values += count_none(params)
            self._deprecation_notice("xmlrpc")
            result = self._service(service, method, list(params), body, "xmlrpc")
            if result is _ANSWERED:
                return
            # Odoo marshals with allow_none=False: a None result faults after the method ran.
            response = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a fault, as in rpc.py
            response = xmlrpc.client.dumps(self._fault(exc), methodresponse=True, allow_none=False)
        self._send(200, response.encode(), "text/xml")

    def _fault(self, exc: Exception) -> xmlrpc.client.Fault:
        if isinstance(exc, AccessDenied):
            return xmlrpc.client.Fault(3, str(exc))
        if isinstance(exc, OdooException) and exc.odoo_name == "odoo.exceptions.AccessError":
            return xmlrpc.client.Fault(4, str(exc))
        if isinstance(exc, OdooException) and exc.odoo_name.startswith("odoo.exceptions.") and exc.http_status in (404, 422):
            return xmlrpc.client.Fault(2, str(exc))
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        if isinstance(exc, OdooException):
            detail = f"{exc.odoo_name}: {exc}"
        return xmlrpc.client.Fault(1, f"Traceback (most recent call last):\n  File \"odoo/service/model.py\", in execute_kw\n{detail}\n")

    # --- JSON-RPC -------------------------------------------------------------------

    def _jsonrpc(self, body: bytes) -> None:
        state = self.server_state
        request_id = None
        try:
            request = json.loads(body)
            request_id = request.get("id")
            params = request.get("params") or {}
            state.none_values += count_none(params.get("args"))
            self._deprecation_notice("jsonrpc")
            result = self._service(params.get("service", ""), params.get("method", ""), list(params.get("args") or []), body, "jsonrpc")
            if result is _ANSWERED:
                return
            response: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
            if result is not None:
                response["result"] = result
        except Exception as exc:  # noqa: BLE001 - JsonRPCDispatcher.handle_error serializes every failure
            code = 200 if state.version < 19 else 0
            response = {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": "Odoo Server Error", "data": error_body(exc, traceback.format_exc())}}
        self._send_json(200, response)

    # --- XML-RPC and JSON-RPC services ----------------------------------------------

    def _service(self, service: str, method: str, params: list[Any], body: bytes, protocol: str) -> Any:
        state = self.server_state
        database = state.database
        if service == "common":
            if method == "version":
                return dialects.version_info(state.version)
            if method in ("authenticate", "login"):
                db, login, key = params[0], params[1], params[2]
                if db != database.name:
                    return False
                try:
                    return database.user_for_key(login, key).uid
                except AccessDenied:
                    return False
            raise InvalidValue(f"Method not available {method}")
        if service != "object" or method not in ("execute_kw", "execute"):
            raise InvalidValue(f"Method not available {method}")
        db, uid, key, model, model_method = params[:5]
        if db != database.name:
            raise InvalidValue(f'FATAL:  database "{db}" does not exist')
        user = database.user_for_key(None, key)
        if user.uid != uid:
            raise AccessDenied()
        args = list(params[5]) if len(params) > 5 else []
        kwargs = dict(params[6]) if len(params) > 6 and method == "execute_kw" else {}
        ids, bound = bind_arguments(model_method, None, args, kwargs, by_name=False)
        return self._run_with_injection(protocol, user, model, model_method, ids, bound, body)

    def _run_with_injection(self, protocol: str, user: User, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any], body: bytes) -> Any:
        state = self.server_state
        injection = state.take_injection(model, method)
        if injection and injection.action == "status":
            self._send(injection.status, b"Service Unavailable", "text/plain")
            return _ANSWERED
        if injection and injection.action == "delay_before":
            time.sleep(injection.seconds)
        result = state.dispatch(protocol, user, model, method, ids, kwargs, body)
        if injection and injection.action == "delay_after":
            time.sleep(injection.seconds)
        return result

    def _deprecation_notice(self, protocol: str) -> None:
        if self.server_state.version >= 19:
            # addons/rpc/controllers/__init__.py logs this on every deprecated call.
            log.warning("%s is deprecated since Odoo 19; use /json/2", protocol)

    # --- JSON-2 ---------------------------------------------------------------------

    def _json2(self, body: bytes) -> None:
        state = self.server_state
        database = state.database
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) != 4:
            self._send_json(404, error_body(_NotFound("Did you mean POST /json/2/<model>/<method>?"), ""))
            return
        model, method = parts[2], parts[3]
        database_header = self.headers.get("X-Odoo-Database")
        if database_header and database_header != database.name:
            self._send_json(404, error_body(_NotFound("Not Found"), ""))
            return
        scheme, _, key = (self.headers.get("Authorization") or "").partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise AccessDenied("Invalid apikey")
            user = database.user_for_key(None, key.strip())
        except AccessDenied:
            self._send_json(401, {"name": "werkzeug.exceptions.Unauthorized", "message": "Invalid apikey", "arguments": ["Invalid apikey", 401], "context": {}, "debug": ""})
            return
        try:
            payload = json.loads(body or b"{}")
            if not isinstance(payload, dict):
                raise BadArguments("the body must be a JSON object")
            state.none_values += count_none(payload)
            ids = payload.pop("ids", None)
            if model not in database.fields:
                raise _NotFound(f"the model {model!r} does not exist")
            if method not in SIGNATURES or (method == "assign_to_me" and state.helpdesk != "oca"):
                raise _NotFound(f"The method '{method}' does not exist on the model '{model}'")
            ids, bound = bind_arguments(method, ids, [], payload, by_name=True)
            result = self._run_with_injection("json2", user, model, method, ids, bound, body)
            if result is _ANSWERED:
                return
            self._send_json(200, result)
        except OdooException as exc:
            self._send_json(exc.http_status, error_body(exc, traceback.format_exc()))
        except Exception as exc:  # noqa: BLE001 - Json2Dispatcher.handle_error responds with 500
            self._send_json(500, error_body(exc, traceback.format_exc()))

    # --- output ---------------------------------------------------------------------

    def _send_json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value).encode(), "application/json")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up waiting (an injected delay); Odoo would log the same.
            log.debug("client closed the connection before the response")


_ANSWERED = object()
