"""The three ways to call Odoo's external API, behind one interface.

    XmlRpcTransport   /xmlrpc/2/common and /xmlrpc/2/object (Odoo 16 to 19; deprecated in 19)
    JsonRpcTransport  POST /jsonrpc with service "common" or "object" (16 to 19; deprecated in 19)
    Json2Transport    POST /json/2/<model>/<method> with a bearer API key (19 and later)

Every transport takes arguments by name (`ids` plus keyword arguments), because JSON-2
binds the body to the method's Python signature and has no positional arguments. Over
XML-RPC and JSON-RPC the ids go first in `args` and the rest travel as `execute_kw`
keyword arguments, which Odoo binds the same way.

Failures become `docmatch.errors` exceptions here, at the boundary:

    Odoo outcome                              XML-RPC     JSON-RPC (HTTP 200)      JSON-2
    bad login or API key                      fault 3     AccessDenied             401
    missing access rights                     fault 4     AccessError              403
    UserError / ValidationError               fault 2     UserError...             422
    anything else                             fault 1     other `data.name`        500

(`odoo/addons/base/controllers/rpc.py` for the fault codes, `odoo/http.py` for the
JSON-RPC and JSON-2 error bodies.) A transient failure carries `maybe_applied`: False
when the request cannot have reached Odoo (connection refused, HTTP 503 from a proxy),
True when Odoo may have run it (timeout, connection dropped mid-response).
"""

from __future__ import annotations

import http.client
import logging
import socket
import xmlrpc.client
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from pydantic import SecretStr

from docmatch.errors import OdooAccessError, OdooAuthError, OdooError, OdooFault, OdooTransientError, odoo_unreachable_hint

log = logging.getLogger(__name__)

# Proxy and overload statuses after which the request was not processed.
RETRYABLE_STATUS = {429, 502, 503, 504}

# Step labels that start each error message, so that the message names what docmatch was doing.
READING_VERSION = "reading the Odoo server version"
LOGGING_IN = "logging in to Odoo"


def calling(model: str, method: str) -> str:
    """Return the step label of a model method call, such as "calling sale.order.search_read"."""
    return f"calling {model}.{method}"

# The XML-RPC fault text of a method that returned None. Odoo builds its marshaller
# with allow_none=False, so the call ran but its result could not be encoded.
NONE_MARSHAL_TEXT = "cannot marshal None"

AUTH_HINT = (
    "create an API key for the docmatch user in Odoo (Preferences > Account Security > New API Key) "
    "and set DOCMATCH_ODOO_API_KEY; check DOCMATCH_ODOO_DB and DOCMATCH_ODOO_USER too. Odoo blocks "
    "the address for a minute after 10 failed logins"
)


@dataclass(frozen=True)
class Credentials:
    """Connection target and identity. The API key is left out of the repr."""

    url: str
    db: str
    login: str
    api_key: SecretStr = field(repr=False)
    # Where the user set `url`: the DOCMATCH_ODOO_URL variable or a command-line option
    # such as --odoo. Hints about an unreachable server name it.
    url_source: str = "DOCMATCH_ODOO_URL"

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", self.url.rstrip("/"))

    @property
    def key(self) -> str:
        return self.api_key.get_secret_value()

    def scrub(self, text: str) -> str:
        """Return `text` with the API key masked, for messages built from server output."""
        key = self.key
        return text.replace(key, "***") if key else text


class Transport(Protocol):
    """One protocol to Odoo; implementations MUST raise only `docmatch.errors.OdooError`s."""

    name: str
    credentials: Credentials

    def version(self) -> dict[str, Any]:
        """Return the server's version information (`server_version`, `server_version_info`)."""
        ...

    def authenticate(self) -> int:
        """Return the uid of the configured user; raise `OdooAuthError` when Odoo refuses the key."""
        ...

    def execute(self, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any]) -> Any:
        """Call `model.method` on `ids` (None for model-level methods) with keyword arguments."""
        ...

    def close(self) -> None: ...


def transient(message: str, *, maybe_applied: bool, credentials: Credentials) -> OdooTransientError:
    """Build the error for a failure that retrying may cure; its hint names where the URL was set."""
    error = OdooTransientError(message, hint=odoo_unreachable_hint(credentials.url_source))
    error.maybe_applied = maybe_applied  # type: ignore[attr-defined]
    return error


def auth_error(credentials: Credentials, detail: str) -> OdooAuthError:
    return OdooAuthError(
        f"Odoo at {credentials.url} refused the API key of the configured user on database {credentials.db!r}: {credentials.scrub(detail)}",
        hint=AUTH_HINT,
    )


def last_line(text: str) -> str:
    """Return the last non-empty line of a server traceback: the exception and its message."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[-1] if lines else str(text)


def error_for_exception_name(name: str, message: str, credentials: Credentials, where: str) -> OdooError:
    """Map an Odoo exception class name (`odoo.exceptions.AccessError`) to a docmatch error."""
    message = credentials.scrub(message)
    short = name.rsplit(".", 1)[-1]
    if short == "AccessDenied":
        return auth_error(credentials, message)
    if short == "AccessError":
        return OdooAccessError(f"{where}: Odoo denied access: {message}")
    if short == "SessionExpiredException":
        return auth_error(credentials, "session expired")
    if NONE_MARSHAL_TEXT in message:
        return none_result_error(where)
    return OdooFault(f"{where}: Odoo raised {short}: {message}")


def none_result_error(where: str) -> OdooError:
    from docmatch.errors import OdooOutcomeUnknown

    error = OdooOutcomeUnknown(f"{where}: the method ran but returned None, which XML-RPC cannot send back")
    error.void_result = True  # type: ignore[attr-defined]
    return error


# --- XML-RPC --------------------------------------------------------------------------


class _TimeoutMixin:
    timeout: float

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        connection = super().make_connection(host)  # type: ignore[misc]
        connection.timeout = self.timeout
        return connection


class _HttpTransport(_TimeoutMixin, xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout


class _HttpsTransport(_TimeoutMixin, xmlrpc.client.SafeTransport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout


class XmlRpcTransport:
    """`/xmlrpc/2`: integer fault codes, `execute_kw(db, uid, key, model, method, args, kwargs)`."""

    name = "xmlrpc"

    def __init__(self, credentials: Credentials, *, timeout: float) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.uid: int | None = None

    def _proxy(self, service: str) -> xmlrpc.client.ServerProxy:
        transport_class = _HttpsTransport if self.credentials.url.startswith("https") else _HttpTransport
        # allow_none=False: a None in a request is a bug upstream of here, never sent.
        return xmlrpc.client.ServerProxy(f"{self.credentials.url}/xmlrpc/2/{service}", transport=transport_class(self.timeout), allow_none=False)

    def _call(self, service: str, method: str, *params: Any, where: str) -> Any:
        try:
            return getattr(self._proxy(service), method)(*params)
        except xmlrpc.client.Fault as fault:
            raise self._fault_error(fault, where) from None
        except xmlrpc.client.ProtocolError as exc:
            if exc.errcode in RETRYABLE_STATUS:
                raise transient(f"{where}: Odoo responded with HTTP {exc.errcode}", maybe_applied=exc.errcode in (502, 504), credentials=self.credentials) from None
            raise OdooFault(f"{where}: HTTP {exc.errcode} {exc.errmsg} from {self.credentials.url}/xmlrpc/2/{service}") from None
        except ConnectionRefusedError:
            raise transient(f"{where}: connection to {self.credentials.url} refused", maybe_applied=False, credentials=self.credentials) from None
        except (TimeoutError, socket.timeout):
            raise transient(f"{where}: timed out after {self.timeout:g} s", maybe_applied=True, credentials=self.credentials) from None
        except (OSError, http.client.HTTPException) as exc:
            raise transient(f"{where}: connection to {self.credentials.url} failed: {type(exc).__name__}", maybe_applied=True, credentials=self.credentials) from None
        except TypeError as exc:
            # The client-side marshaller refuses None; to_wire should have converted it.
            raise OdooFault(f"{where}: request could not be encoded: {exc}") from None

    def _fault_error(self, fault: xmlrpc.client.Fault, where: str) -> OdooError:
        text = self.credentials.scrub(str(fault.faultString))
        if fault.faultCode == 3:
            return auth_error(self.credentials, last_line(text) or "Access Denied")
        if fault.faultCode == 4:
            return OdooAccessError(f"{where}: Odoo denied access: {last_line(text)}")
        if fault.faultCode == 2:
            return OdooFault(f"{where}: Odoo refused the request: {last_line(text)}")
        if NONE_MARSHAL_TEXT in text:
            return none_result_error(where)
        return OdooFault(f"{where}: Odoo raised {last_line(text)}")

    def version(self) -> dict[str, Any]:
        return self._call("common", "version", where=READING_VERSION)

    def authenticate(self) -> int:
        uid = self._call("common", "authenticate", self.credentials.db, self.credentials.login, self.credentials.key, {}, where=LOGGING_IN)
        if not uid:
            raise auth_error(self.credentials, "authenticate returned False")
        self.uid = int(uid)
        return self.uid

    def execute(self, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any]) -> Any:
        if self.uid is None:
            self.authenticate()
        args: list[Any] = [ids] if ids is not None else []
        return self._call("object", "execute_kw", self.credentials.db, self.uid, self.credentials.key, model, method, args, kwargs, where=calling(model, method))

    def close(self) -> None:
        pass


# --- JSON-RPC and JSON-2 share an HTTP client -----------------------------------------


class _HttpxTransport:
    def __init__(self, credentials: Credentials, *, timeout: float) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.http = httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": "docmatch"})
        self.uid: int | None = None
        # Sent with the JSON-2 login call; the client sets it before authenticating.
        self.context: dict[str, Any] = {}

    def _post(self, path: str, body: Any, where: str, headers: dict[str, str] | None = None) -> httpx.Response:
        try:
            return self.http.post(f"{self.credentials.url}{path}", json=body, headers=headers)
        except httpx.ConnectError:
            raise transient(f"{where}: connection to {self.credentials.url} refused", maybe_applied=False, credentials=self.credentials) from None
        except httpx.ConnectTimeout:
            raise transient(f"{where}: connecting took longer than {self.timeout:g} s", maybe_applied=False, credentials=self.credentials) from None
        except httpx.TimeoutException:
            raise transient(f"{where}: timed out after {self.timeout:g} s", maybe_applied=True, credentials=self.credentials) from None
        except httpx.TransportError as exc:
            raise transient(f"{where}: connection to {self.credentials.url} failed: {type(exc).__name__}", maybe_applied=True, credentials=self.credentials) from None

    def close(self) -> None:
        self.http.close()


class JsonRpcTransport(_HttpxTransport):
    """`/jsonrpc`: errors arrive with HTTP 200 in an `error` member whose `data.name` is the exception class."""

    name = "jsonrpc"

    def _rpc(self, service: str, method: str, args: list[Any], where: str) -> Any:
        body = {"jsonrpc": "2.0", "method": "call", "params": {"service": service, "method": method, "args": args}, "id": 1}
        response = self._post("/jsonrpc", body, where)
        if response.status_code in RETRYABLE_STATUS:
            raise transient(f"{where}: Odoo responded with HTTP {response.status_code}", maybe_applied=response.status_code in (502, 504), credentials=self.credentials)
        if response.status_code != 200:
            raise OdooFault(f"{where}: HTTP {response.status_code} from {self.credentials.url}/jsonrpc")
        try:
            payload = response.json()
        except ValueError:
            raise OdooFault(f"{where}: the /jsonrpc response is not JSON") from None
        error = payload.get("error")
        if error:
            data = error.get("data") or {}
            if error.get("code") == 100:
                raise auth_error(self.credentials, "session expired")
            raise error_for_exception_name(str(data.get("name", "")), str(data.get("message") or error.get("message", "")), self.credentials, where)
        return payload.get("result")

    def version(self) -> dict[str, Any]:
        return self._rpc("common", "version", [], READING_VERSION)

    def authenticate(self) -> int:
        uid = self._rpc("common", "authenticate", [self.credentials.db, self.credentials.login, self.credentials.key, {}], LOGGING_IN)
        if not uid:
            raise auth_error(self.credentials, "authenticate returned False")
        self.uid = int(uid)
        return self.uid

    def execute(self, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any]) -> Any:
        if self.uid is None:
            self.authenticate()
        args: list[Any] = [ids] if ids is not None else []
        params = [self.credentials.db, self.uid, self.credentials.key, model, method, args, kwargs]
        return self._rpc("object", "execute_kw", params, calling(model, method))


class Json2Transport(_HttpxTransport):
    """`/json/2/<model>/<method>`: bearer API key, arguments by name, HTTP status codes for errors."""

    name = "json2"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"bearer {self.credentials.key}", "X-Odoo-Database": self.credentials.db}

    def version(self) -> dict[str, Any]:
        try:
            response = self.http.get(f"{self.credentials.url}/web/version")
        except httpx.TimeoutException:
            raise transient(f"{READING_VERSION}: timed out after {self.timeout:g} s", maybe_applied=False, credentials=self.credentials) from None
        except httpx.TransportError:
            raise transient(f"{READING_VERSION}: connection to {self.credentials.url} failed", maybe_applied=False, credentials=self.credentials) from None
        if response.status_code != 200:
            raise OdooFault(f"{READING_VERSION}: HTTP {response.status_code} from {self.credentials.url}/web/version")
        data = response.json()
        return {"server_version": data.get("version"), "server_version_info": data.get("version_info")}

    def authenticate(self) -> int:
        context = self.execute("res.users", "context_get", None, {"context": dict(self.context)})
        self.uid = int(context["uid"])
        return self.uid

    def execute(self, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any]) -> Any:
        where = calling(model, method)
        body = dict(kwargs)
        if ids is not None:
            body["ids"] = ids
        response = self._post(f"/json/2/{model}/{method}", body, where, headers=self._headers())
        if response.status_code == 200:
            return response.json()
        raise self._status_error(response, where)

    def _status_error(self, response: httpx.Response, where: str) -> OdooError:
        status = response.status_code
        try:
            body = response.json()
            message = str(body.get("message") or body.get("name") or "")
            name = str(body.get("name") or "")
        except ValueError:
            message, name = response.text[:200], ""
        message = self.credentials.scrub(message)
        if status == 401:
            return auth_error(self.credentials, message or "Invalid apikey")
        if status == 403:
            return OdooAccessError(f"{where}: Odoo denied access: {message}")
        if status in RETRYABLE_STATUS:
            return transient(f"{where}: Odoo responded with HTTP {status}", maybe_applied=status in (502, 504), credentials=self.credentials)
        if status == 500 and name:
            return error_for_exception_name(name, message, self.credentials, where)
        return OdooFault(f"{where}: HTTP {status}: {message}")


TRANSPORTS: dict[str, type[XmlRpcTransport] | type[JsonRpcTransport] | type[Json2Transport]] = {
    "xmlrpc": XmlRpcTransport,
    "jsonrpc": JsonRpcTransport,
    "json2": Json2Transport,
}
