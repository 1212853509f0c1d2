"""The in-memory Odoo database behind the test server: records, fields and ORM rules.

Records come from a snapshot folder (one `<model>.json` per model in `search_read`
shape) plus the framework and Helpdesk models of `dialects`. The methods follow the ORM
behaviour an integration meets, each from the Odoo source named beside it:

- `allowed_company_ids` in the context must be a subset of the user's companies, or
  AccessError "Access to unauthorized or invalid companies."; records of other
  companies are hidden by the company record rule, and the first allowed company is
  the default `company_id` of new records (`odoo/api.py`, `Environment.company` and
  `Environment.companies`).
- Archived records are hidden unless `active_test` is false, and `ir.attachment`
  searches add `res_field = False` unless the domain names `id` or `res_field`
  (`odoo/models.py` `_search`, `odoo/addons/base/models/ir_attachment.py` `_search`).
- Datetimes are parsed with the format '%Y-%m-%d %H:%M:%S' cut to the value's length, so
  'YYYY-MM-DD HH:MM:SS' and 'YYYY-MM-DD' pass and an ISO string with 'T' or an offset
  raises ValueError; dates take the first ten characters (`odoo/fields.py`,
  `Datetime.to_datetime` and `Date.to_date`). Unknown fields raise "Invalid field ... on
  model ..." and a missing required field a ValidationError (`odoo/models.py`).
- `read` returns many2one values as `[id, display_name]` and empty values as False.

Exceptions mirror `odoo/exceptions.py`; the server turns them into each protocol's
error shape.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import mimetypes
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from docmatch.odoo.domain import matches
from docmatch.odoo.testserver import dialects

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class OdooException(Exception):
    """Base of the server-side exceptions; `odoo_name` is the class path Odoo reports."""

    odoo_name = "builtins.Exception"
    http_status = 500


class UserError(OdooException):
    odoo_name = "odoo.exceptions.UserError"
    http_status = 422


class ValidationError(UserError):
    odoo_name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    odoo_name = "odoo.exceptions.MissingError"
    http_status = 404


class AccessError(OdooException):
    odoo_name = "odoo.exceptions.AccessError"
    http_status = 403


class AccessDenied(OdooException):
    odoo_name = "odoo.exceptions.AccessDenied"
    http_status = 403

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class InvalidValue(OdooException):
    """A Python ValueError or TypeError inside the ORM; Odoo reports it as an application error."""

    odoo_name = "builtins.ValueError"


class BadArguments(OdooException):
    """Arguments that do not bind to the method's signature (TypeError; 422 on JSON-2)."""

    odoo_name = "builtins.TypeError"
    http_status = 422


@dataclass
class User:
    uid: int
    login: str
    api_key: str
    company_id: int
    company_ids: list[int]
    tz: str = "Europe/Berlin"
    partner_id: int = 3


@dataclass
class Database:
    """One database; every public method takes the acting user and the call's context."""

    version: int
    helpdesk: str
    name: str = "docmatch"
    fields: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    rows: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    # (model, method) pairs the docmatch user is not allowed to call: AccessError.
    denied: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- set-up ---------------------------------------------------------------------

    @classmethod
    def build(cls, version: int, helpdesk: str, snapshot: Path | None, *, api_key: str, login: str = "docmatch") -> Database:
        if version not in dialects.VERSIONS:
            raise ValueError(f"unsupported Odoo version {version}; use one of {dialects.VERSIONS}")
        if helpdesk not in dialects.HELPDESK_VARIANTS:
            raise ValueError(f"unknown helpdesk {helpdesk!r}; use one of {dialects.HELPDESK_VARIANTS}")
        db = cls(version=version, helpdesk=helpdesk)
        for model, specs in {**dialects.base_models(version), **dialects.helpdesk_models(helpdesk)}.items():
            db.fields[model] = {**dialects.common_fields(), **specs}
            db.rows[model] = {}
        if snapshot is not None:
            db._load_snapshot(snapshot)
        db._seed(api_key, login)
        return db

    def _load_snapshot(self, folder: Path) -> None:
        for path in sorted(folder.glob("*.json")):
            if path.name == "version.json":
                continue
            model = path.stem
            records = json.loads(path.read_text(encoding="utf-8"))
            known = self.fields.setdefault(model, dialects.common_fields())
            declared = set(known)
            self.rows.setdefault(model, {})
            for record in records:
                self.rows[model][int(record["id"])] = dict(record)
                for name, value in record.items():
                    if name in declared:
                        continue
                    if name not in known or (known[name]["type"] == "char" and value is not False):
                        known[name] = dialects.field(infer_type(name, value), name, relation=None)

    def _seed(self, api_key: str, login: str) -> None:
        stamp = now_string()
        companies = self.rows["res.company"]
        if not companies:
            companies[1] = {"id": 1, "name": "Demo Company", "currency_id": False}
            companies[2] = {"id": 2, "name": "Second Company", "currency_id": False}
        company_ids = sorted(companies)
        user = User(uid=2, login=login, api_key=api_key, company_id=company_ids[0], company_ids=company_ids)
        self.users[user.uid] = user
        self.rows["res.users"][user.uid] = {"id": user.uid, "name": "docmatch", "login": login, "company_id": user.company_id, "company_ids": company_ids, "tz": user.tz}
        self.rows["mail.message.subtype"].update({1: {"id": 1, "name": "Discussions", "internal": False}, 2: {"id": 2, "name": "Note", "internal": True}})
        for model, records in dialects.helpdesk_seed(self.helpdesk).items():
            for record in records:
                self.rows[model][record["id"]] = dict(record)
        for number, model in enumerate(sorted(self.fields), start=1):
            self.rows["ir.model"][number] = {"id": number, "model": model, "name": model}
        for records in self.rows.values():
            for record in records.values():
                record.setdefault("create_date", stamp)
                record.setdefault("write_date", stamp)

    # --- security -------------------------------------------------------------------

    def user_for_key(self, login: str | None, key: str) -> User:
        """Return the user whose API key is `key` (and whose login is `login` when given)."""
        for user in self.users.values():
            if user.api_key == key and (login is None or user.login == login):
                return user
        raise AccessDenied()

    def allowed_companies(self, user: User, context: dict[str, Any]) -> list[int]:
        wanted = context.get("allowed_company_ids")
        if not wanted:
            return list(user.company_ids)
        if any(int(company) not in user.company_ids for company in wanted):
            raise AccessError("Access to unauthorized or invalid companies.")
        return [int(company) for company in wanted]

    def check_access(self, model: str, method: str) -> None:
        if model not in self.fields:
            raise KeyError(model)
        if (model, method) in self.denied:
            raise AccessError(f"You are not allowed to access '{model}' ({model}) records with operation {method}.")

    # --- reading --------------------------------------------------------------------

    def visible(self, model: str, user: User, context: dict[str, Any]) -> list[dict[str, Any]]:
        companies = self.allowed_companies(user, context)
        active_test = context.get("active_test", True)
        result = []
        for record in self.rows[model].values():
            company = plain_id(record.get("company_id", False))
            if company and company not in companies:
                continue
            if active_test and record.get("active", True) is False:
                continue
            result.append(record)
        return result

    def search(self, model: str, user: User, context: dict[str, Any], domain: list[Any], offset: int = 0, limit: int | None = None, order: str | None = None) -> list[int]:
        domain = [list(term) if isinstance(term, (list, tuple)) else term for term in domain or []]
        self._check_domain(model, domain)
        if model == "ir.attachment" and not any(isinstance(term, list) and term[0] in ("id", "res_field") for term in domain):
            domain = [*domain, ["res_field", "=", False]]
        found = [record for record in self.visible(model, user, context) if matches(record, domain)]
        found.sort(key=lambda record: sort_key(record, order))
        ids = [record["id"] for record in found]
        return ids[offset : offset + limit if limit else None]

    def read(self, model: str, user: User, context: dict[str, Any], ids: list[int], fields: list[str] | None) -> list[dict[str, Any]]:
        visible = {record["id"]: record for record in self.visible(model, user, context)}
        names = list(fields) if fields else list(self.fields[model])
        for name in names:
            if name not in self.fields[model]:
                raise InvalidValue(f"Invalid field {name!r} on model {model!r}")
        result = []
        for record_id in ids:
            record = visible.get(record_id)
            if record is None:
                if record_id in self.rows[model]:
                    raise AccessError(f"You are not allowed to access '{model}' records (record {record_id}).")
                raise MissingError(f"Record does not exist or has been deleted.\n(Record: {model}({record_id},), User: {user.uid})")
            result.append(self._present(model, record, names))
        return result

    def _present(self, model: str, record: dict[str, Any], names: list[str]) -> dict[str, Any]:
        row: dict[str, Any] = {"id": record["id"]}
        for name in names:
            spec = self.fields[model].get(name, {})
            value = record.get(name, False)
            if name == "display_name":
                value = self.display_name(model, record["id"])
            elif spec.get("type") == "many2one" and value is not False and not isinstance(value, list):
                value = [int(value), self.display_name(spec.get("relation", ""), int(value))]
            elif spec.get("type") in ("one2many", "many2many") and value is False:
                value = []
            row[name] = copy.deepcopy(value)
        return row

    def display_name(self, model: str, record_id: int) -> str:
        record = self.rows.get(model, {}).get(record_id)
        if record is None:
            return f"{model},{record_id}"
        if model == "helpdesk.ticket" and self.helpdesk == "oca":
            return f"{record.get('number')} - {record.get('name')}"
        if model == "helpdesk.ticket":
            return f"{record.get('name')} (#{record.get('ticket_ref')})"
        return str(record.get("display_name") or record.get("name") or f"{model},{record_id}")

    def fields_get(self, model: str, attributes: list[str] | None) -> dict[str, dict[str, Any]]:
        result = {}
        for name, spec in self.fields[model].items():
            result[name] = {key: value for key, value in spec.items() if not attributes or key in attributes}
        return result

    # --- writing --------------------------------------------------------------------

    def create(self, model: str, user: User, context: dict[str, Any], vals_list: list[dict[str, Any]]) -> list[int]:
        companies = self.allowed_companies(user, context)
        ids = []
        for vals in vals_list:
            record = self._new_record(model, user, companies, dict(vals))
            self.rows[model][record["id"]] = record
            ids.append(record["id"])
        return ids

    def _new_record(self, model: str, user: User, companies: list[int], vals: dict[str, Any]) -> dict[str, Any]:
        self._check_values(model, vals)
        record_id = max(self.rows[model], default=0) + 1
        record: dict[str, Any] = {"id": record_id, "create_date": now_string(), "write_date": now_string(), "create_uid": user.uid, "write_uid": user.uid}
        if "company_id" in self.fields[model] and not self.fields[model]["company_id"].get("readonly"):
            record["company_id"] = companies[0]
        if "active" in self.fields[model]:
            record["active"] = True
        record.update(self._defaults(model, user, vals))
        record.update(vals)
        for name, spec in self.fields[model].items():
            if spec.get("required") and record.get(name) in (None, False, "") and name not in ("id",):
                raise ValidationError(f"The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Model: {model}, Field: {name}")
        self._after_write(model, record, vals)
        return record

    def _defaults(self, model: str, user: User, vals: dict[str, Any]) -> dict[str, Any]:
        if model == "ir.attachment":
            raw = decode_datas(vals.get("datas", False))
            guessed = mimetypes.guess_type(str(vals.get("name", "")))[0]
            return {"file_size": len(raw), "checksum": hashlib.sha1(raw).hexdigest(), "mimetype": vals.get("mimetype") or guessed or "application/octet-stream", "res_field": False}
        if model != "helpdesk.ticket":
            return {}
        count = len(self.rows[model]) + 1
        if self.helpdesk == "enterprise":
            team = self.rows["helpdesk.team"].get(plain_id(vals.get("team_id", False)) or 1, {})
            return {"ticket_ref": str(count), "priority": "0", "stage_id": 1, "kanban_state": "normal", "company_id": team.get("company_id", False)}
        return {"number": f"HT{count:05d}", "priority": "1", "stage_id": 1}

    def write(self, model: str, user: User, context: dict[str, Any], ids: list[int], vals: dict[str, Any]) -> bool:
        self._check_values(model, vals)
        for record_id in ids:
            record = self._writable(model, user, context, record_id)
            record.update(vals)
            record["write_date"], record["write_uid"] = now_string(), user.uid
            self._after_write(model, record, vals)
        return True

    def _writable(self, model: str, user: User, context: dict[str, Any], record_id: int) -> dict[str, Any]:
        visible = {record["id"]: record for record in self.visible(model, user, context)}
        if record_id not in visible:
            raise MissingError(f"Record does not exist or has been deleted.\n(Record: {model}({record_id},), User: {user.uid})")
        return visible[record_id]

    def _after_write(self, model: str, record: dict[str, Any], vals: dict[str, Any]) -> None:
        if model != "helpdesk.ticket":
            return
        if self.helpdesk == "enterprise":
            stage = self.rows["helpdesk.stage"].get(plain_id(record.get("stage_id", False)) or 0, {})
            record["fold"] = bool(stage.get("fold"))
            team = self.rows["helpdesk.team"].get(plain_id(record.get("team_id", False)) or 0)
            if team:
                record["company_id"] = team.get("company_id", False)
            if "stage_id" in vals:
                record["close_date"] = now_string() if stage.get("fold") else False
        else:
            stage = self.rows["helpdesk.ticket.stage"].get(plain_id(record.get("stage_id", False)) or 0, {})
            record["closed"] = bool(stage.get("closed"))
            if "stage_id" in vals:
                record["last_stage_update"] = now_string()
                if stage.get("closed"):
                    record["closed_date"] = now_string()

    def _check_values(self, model: str, vals: dict[str, Any]) -> None:
        known = self.fields[model]
        for name, value in vals.items():
            if name not in known:
                raise InvalidValue(f"Invalid field {name!r} on model {model!r}")
            kind = known[name]["type"]
            if kind == "datetime" and value is not False and not (isinstance(value, str) and (DATETIME_RE.match(value) or DATE_RE.match(value))):
                raise InvalidValue(f"time data {value!r} does not match format '%Y-%m-%d %H:%M:%S'")
            if kind == "date" and value is not False and not (isinstance(value, str) and DATE_RE.match(value[:10])):
                raise InvalidValue(f"time data {value!r} does not match format '%Y-%m-%d'")
            if kind == "selection" and value is not False and value not in [key for key, _label in known[name].get("selection", [])]:
                raise InvalidValue(f"Wrong value for {model}.{name}: {value!r}")
            if kind == "binary" and value is not False:
                decode_datas(value)
            if kind in ("many2many", "one2many") and isinstance(value, list):
                vals[name] = apply_commands([], value)

    def _check_domain(self, model: str, domain: list[Any]) -> None:
        for term in domain:
            if not isinstance(term, list) or len(term) != 3:
                continue
            name = str(term[0]).split(".")[0]
            if name not in self.fields[model]:
                raise InvalidValue(f"Invalid field {model}.{name} in leaf {tuple(term)}")
            kind = self.fields[model][name]["type"]
            value = term[2]
            if kind == "datetime" and isinstance(value, str) and not (DATETIME_RE.match(value) or DATE_RE.match(value)):
                raise InvalidValue(f"time data {value!r} does not match format '%Y-%m-%d %H:%M:%S'")

    def message_post(self, model: str, user: User, context: dict[str, Any], ids: list[int], kwargs: dict[str, Any]) -> int:
        """Post on one record (`mail/models/mail_thread.py`, `message_post`)."""
        if len(ids) != 1:
            raise InvalidValue(f"Expected singleton: {model}({', '.join(map(str, ids))})")
        self._writable(model, user, context, ids[0])
        kwargs = dict(kwargs)
        body_is_html = kwargs.pop("body_is_html", None)
        if body_is_html is not None and self.version < 17:
            # 16.0 has no such parameter: extra keywords become message values.
            raise InvalidValue(f"Invalid field 'body_is_html' on model 'mail.message'")
        subtype_xmlid = kwargs.pop("subtype_xmlid", "mail.mt_note" if kwargs.get("message_type") == "notification" else "mail.mt_comment")
        allowed = {"body", "message_type", "attachment_ids", "partner_ids", "subject", "author_id"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise InvalidValue(f"Invalid field {sorted(unknown)[0]!r} on model 'mail.message'")
        body = str(kwargs.get("body") or "")
        if self.version >= 17 and not body_is_html:
            # Since 16.3 a plain-string body is escaped; RPC callers pass body_is_html.
            body = html.escape(body)
        attachment_ids = list(kwargs.get("attachment_ids") or [])
        for attachment_id in attachment_ids:
            attachment = self.rows["ir.attachment"].get(attachment_id)
            if attachment is not None and attachment.get("res_model") in (False, None, "mail.compose.message"):
                attachment.update({"res_model": model, "res_id": ids[0]})
        message = {
            "model": model,
            "res_id": ids[0],
            "body": body,
            "message_type": kwargs.get("message_type", "notification"),
            "subtype_id": 2 if subtype_xmlid == "mail.mt_note" else 1,
            "attachment_ids": attachment_ids,
            "author_id": user.partner_id,
        }
        return self.create("mail.message", user, context, [message])[0]

    def void_action(self, model: str, user: User, context: dict[str, Any], ids: list[int]) -> None:
        """OCA `assign_to_me`: write the calling user on the tickets and return None."""
        self.write(model, user, context, ids, {"user_id": user.uid})
        return None


def now_string() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def plain_id(value: Any) -> int | None:
    if isinstance(value, list) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def sort_key(record: dict[str, Any], order: str | None) -> tuple[Any, ...]:
    if not order:
        return (record["id"],)
    keys: list[Any] = []
    for part in order.split(","):
        name, _, direction = part.strip().partition(" ")
        value = record.get(name, False)
        value = plain_id(value) if isinstance(value, list) else value
        text = "" if value is False or value is None else value
        if direction.lower() == "desc":
            keys.append(_Reverse(text))
        else:
            keys.append(text)
    keys.append(record["id"])
    return tuple(keys)


class _Reverse:
    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reverse) -> bool:
        return self.value > other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.value == other.value


def decode_datas(value: Any) -> bytes:
    if value is False or value is None:
        return b""
    try:
        return base64.b64decode(str(value), validate=True)
    except (ValueError, TypeError) as exc:
        raise InvalidValue(f"Incorrect padding or non-base64 data in binary field: {exc}") from None


def apply_commands(current: list[int], commands: list[Any]) -> list[int]:
    """Apply x2many commands ((6, 0, ids), (4, id), (3, id), ...) or take a plain id list."""
    if all(isinstance(item, int) for item in commands):
        return list(commands)
    ids = list(current)
    for command in commands:
        code = command[0]
        if code == 6:
            ids = list(command[2])
        elif code == 4 and command[1] not in ids:
            ids.append(command[1])
        elif code in (2, 3) and command[1] in ids:
            ids.remove(command[1])
        elif code == 5:
            ids = []
        else:
            raise InvalidValue(f"unsupported x2many command {command!r} in the test server")
    return ids


def infer_type(name: str, value: Any) -> str:
    """Guess a field type from a snapshot value; the test server's stand-in for `fields_get`."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, list):
        if len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
            return "many2one"
        return "one2many" if name.endswith(("_line", "_ids", "line_ids")) else "many2many"
    if isinstance(value, str):
        if DATETIME_RE.match(value):
            return "datetime"
        if DATE_RE.match(value):
            return "date"
    return "char"
