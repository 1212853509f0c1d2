"""A client for a live Odoo 16 to 19: transport choice, context, retries and outcome checks.

`OdooClient.from_settings` asks the server for its version (XML-RPC
`common.version()`, else `GET /web/version`) and picks the transport: JSON-2 on 19 and
later, XML-RPC on 16 to 18 unless `DOCMATCH_ODOO_PROTOCOL` names another.

Every call:

- carries `allowed_company_ids` in its context, because without it Odoo searches every
  company the user may see and creates records in the user's default company;
- goes through `to_wire`, so None becomes False and datetimes become naive UTC strings;
- has the timeout of `DOCMATCH_ODOO_TIMEOUT`.

Reads are retried on transient failures with exponential backoff and jitter. Writes are
retried only when the request cannot have reached Odoo. When a write may have run (a
timeout on `create`, a method whose None result XML-RPC could not send back), the
client never repeats it: `create_once` and `call_void` read the record back to learn
what happened.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

from docmatch.errors import ConfigurationError, OdooError, OdooFault, OdooOutcomeUnknown, OdooTransientError
from docmatch.odoo.catalog import major_version
from docmatch.odoo.transports import TRANSPORTS, Credentials, Json2Transport, Transport, XmlRpcTransport
from docmatch.odoo.wire import to_wire

log = logging.getLogger(__name__)

# Methods that change nothing in Odoo, so repeating them after a timeout is harmless.
READ_METHODS = frozenset(
    {"search", "search_read", "read", "search_count", "fields_get", "name_search", "context_get", "read_group", "check_access_rights", "has_group", "default_get"}
)


class OdooClient:
    """Calls one Odoo database as one user, in the companies of `company_ids`."""

    def __init__(
        self,
        transport: Transport,
        *,
        server_version: str,
        company_ids: list[int] | None = None,
        attempts: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.transport = transport
        self.server_version = server_version
        self.attempts = attempts
        self.backoff = backoff
        self.sleep = sleep
        if company_ids and hasattr(transport, "context"):
            transport.context = {"allowed_company_ids": list(company_ids)}
        self.uid = transport.authenticate()
        self.company_ids = list(company_ids or []) or self._default_company_ids()
        log.info("connected to Odoo %s over %s as uid %d, companies %s", server_version, transport.name, self.uid, self.company_ids)

    def __repr__(self) -> str:
        credentials = self.transport.credentials
        return f"OdooClient(url={credentials.url!r}, db={credentials.db!r}, protocol={self.transport.name!r}, version={self.server_version!r})"

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> OdooClient:
        """Connect with `DOCMATCH_ODOO_*` settings.

        Raises:
            ConfigurationError: the URL, database, user or API key is missing.
            OdooAuthError: Odoo refused the API key.
            OdooTransientError: the server timed out or could not be reached.
        """
        credentials = credentials_from_settings(settings)
        version = detect_version(credentials, timeout=settings.odoo_timeout)
        protocol = choose_protocol(settings.odoo_protocol, major_version(version))
        transport = TRANSPORTS[protocol](credentials, timeout=settings.odoo_timeout)
        return cls(transport, server_version=version, company_ids=settings.odoo_company_ids, **options)

    @property
    def major(self) -> int:
        return major_version(self.server_version)

    @property
    def context(self) -> dict[str, Any]:
        return {"allowed_company_ids": list(self.company_ids)}

    # --- calls ----------------------------------------------------------------------

    def call(self, model: str, method: str, ids: list[int] | None = None, /, **kwargs: Any) -> Any:
        """Call `model.method` with keyword arguments and the client's context.

        Reads are retried on transient failures. A write is retried only when the failure
        proves Odoo never received it; otherwise `OdooOutcomeUnknown` is raised.

        Raises:
            OdooAuthError, OdooAccessError, OdooFault: Odoo refused the call.
            OdooTransientError: a read still failed after every attempt.
            OdooOutcomeUnknown: a write may or may not have been applied.
        """
        context = {**kwargs.pop("context", {}), **self.context}
        payload = to_wire({**kwargs, "context": context})
        wire_ids = to_wire(list(ids)) if ids is not None else None
        for attempt in range(1, self.attempts + 1):
            try:
                return self.transport.execute(model, method, wire_ids, payload)
            except OdooTransientError as exc:
                maybe_applied = getattr(exc, "maybe_applied", True)
                if method not in READ_METHODS and maybe_applied:
                    raise OdooOutcomeUnknown(f"{exc.message}; {model}.{method} may have been applied") from exc
                if attempt == self.attempts:
                    raise
                delay = self._delay(attempt)
                log.warning("%s.%s failed (%s), attempt %d of %d, retrying in %.1f s", model, method, exc.message, attempt, self.attempts, delay)
                self.sleep(delay)
        raise AssertionError("unreachable")

    def _delay(self, attempt: int) -> float:
        # Exponential backoff with full jitter, so parallel workers do not retry in step.
        return self.backoff * (2 ** (attempt - 1)) + random.uniform(0, self.backoff)

    def search_read(self, model: str, domain: list[Any] | None = None, fields: list[str] | None = None, *, offset: int = 0, limit: int | None = None, order: str | None = None, context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"domain": domain or [], "offset": offset}
        if fields is not None:
            kwargs["fields"] = fields
        if limit is not None:
            kwargs["limit"] = limit
        if order:
            kwargs["order"] = order
        return self.call(model, "search_read", context=context or {}, **kwargs)

    def search(self, model: str, domain: list[Any], *, limit: int | None = None, order: str | None = None, context: dict[str, Any] | None = None) -> list[int]:
        kwargs: dict[str, Any] = {"domain": domain}
        if limit is not None:
            kwargs["limit"] = limit
        if order:
            kwargs["order"] = order
        return list(self.call(model, "search", context=context or {}, **kwargs))

    def read(self, model: str, ids: list[int], fields: list[str]) -> list[dict[str, Any]]:
        return self.call(model, "read", list(ids), fields=fields)

    def fields_get(self, model: str, attributes: list[str] | None = None) -> dict[str, dict[str, Any]]:
        return self.call(model, "fields_get", attributes=attributes or ["type", "string", "relation", "selection"])

    def write(self, model: str, ids: list[int], vals: dict[str, Any]) -> bool:
        return bool(self.call(model, "write", list(ids), vals=vals))

    # --- writes whose outcome may be unknown ----------------------------------------

    def create_once(self, model: str, vals: dict[str, Any], *, find: Callable[[], int | None]) -> int:
        """Create one record, or find the one an earlier attempt created.

        `find` searches for the record by a key the caller put in `vals`. It runs before
        the create and again when the create's outcome is unknown. The create is never
        sent a second time in this call. If the record cannot be found after a few
        read-backs, `OdooOutcomeUnknown` tells the caller to try again later, when `find`
        runs first.

        Raises:
            OdooOutcomeUnknown: the create timed out and no record with the key appeared.
        """
        existing = find()
        if existing:
            return existing
        try:
            result = self.call(model, "create", vals_list=[vals])
        except OdooOutcomeUnknown as exc:
            log.warning("create on %s has an unknown outcome (%s); reading back", model, exc.message)
            found = self.read_back(find)
            if found:
                log.info("create on %s had been applied: record %d", model, found)
                return found
            raise
        return int(result[0] if isinstance(result, list) else result)

    def call_void(self, model: str, method: str, ids: list[int], *, verify: Callable[[], bool], **kwargs: Any) -> None:
        """Call a method that returns None (a button action) and confirm its effect.

        Over XML-RPC Odoo applies such a method and then fails to encode its None result,
        so the caller gets a fault although the change is committed. A timeout leaves the
        same doubt. In both cases `verify` reads the record back; the call is never
        repeated blindly.

        Raises:
            OdooOutcomeUnknown: the effect could not be confirmed.
        """
        try:
            self.call(model, method, ids, **kwargs)
            return
        except OdooOutcomeUnknown as exc:
            log.info("%s.%s returned no usable result (%s); reading the record back", model, method, exc.message)
            if self.read_back(verify):
                log.info("%s.%s on %s had been applied", model, method, ids)
                return
            raise OdooOutcomeUnknown(f"{model}.{method} on {ids}: the change is not visible after the call; check the record in Odoo") from exc

    def read_back(self, check: Callable[[], Any]) -> Any:
        """Return the first truthy result of `check`, asked up to `attempts` times with backoff.

        Odoo may still be committing a timed-out request, so an empty first result is
        not final.
        """
        for attempt in range(1, self.attempts + 1):
            try:
                found = check()
            except OdooTransientError:
                found = None
            if found:
                return found
            if attempt < self.attempts:
                self.sleep(self._delay(attempt))
        return None

    # --- set-up ---------------------------------------------------------------------

    def _default_company_ids(self) -> list[int]:
        # Without DOCMATCH_ODOO_COMPANY_IDS, work in the user's default company only;
        # Odoo would otherwise search every company the user may switch to.
        rows = self.transport.execute("res.users", "read", [self.uid], {"fields": ["company_id"]})
        company = rows[0]["company_id"] if rows else False
        if not company:
            raise OdooFault("the docmatch user has no default company in Odoo")
        return [int(company[0] if isinstance(company, list) else company)]

    def close(self) -> None:
        self.transport.close()


def credentials_from_settings(settings: Any) -> Credentials:
    missing = [name for name in ("odoo_url", "odoo_db", "odoo_user", "odoo_api_key") if not getattr(settings, name)]
    if missing:
        names = ", ".join(f"DOCMATCH_{name.upper()}" for name in missing)
        raise ConfigurationError(f"live Odoo settings are missing: {names}", hint="set them, or use --odoo-snapshot DIR to work offline")
    return Credentials(settings.odoo_url, settings.odoo_db, settings.odoo_user, settings.odoo_api_key, url_source=settings.source_of("odoo_url"))


def detect_version(credentials: Credentials, *, timeout: float) -> str:
    """Return the server version; XML-RPC `common.version()` first, `/web/version` when it is gone."""
    try:
        info = XmlRpcTransport(credentials, timeout=timeout).version()
    except OdooTransientError:
        raise
    except OdooError as exc:
        log.info("XML-RPC version call failed (%s); trying /web/version", exc.message)
        json2 = Json2Transport(credentials, timeout=timeout)
        try:
            info = json2.version()
        finally:
            json2.close()
    version = str(info.get("server_version") or "")
    if not version:
        raise OdooFault(f"{credentials.url} did not report an Odoo version")
    return version


def choose_protocol(setting: str, major: int) -> str:
    """Return the transport name for the `odoo_protocol` setting and the server's major version."""
    if setting == "auto":
        return "json2" if major >= 19 else "xmlrpc"
    if setting == "json2" and major < 19:
        raise ConfigurationError(f"JSON-2 needs Odoo 19 or later; this server runs {major}", hint="set DOCMATCH_ODOO_PROTOCOL=auto, xmlrpc or jsonrpc")
    if major >= 19:
        log.warning("Odoo %d deprecates %s and logs a warning on every call; DOCMATCH_ODOO_PROTOCOL=auto uses JSON-2", major, setting)
    return setting


def connect(settings: Any, **options: Any) -> OdooClient:
    """Return an `OdooClient` for the settings; see `OdooClient.from_settings`."""
    return OdooClient.from_settings(settings, **options)
