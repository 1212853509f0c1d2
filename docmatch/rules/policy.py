"""The tolerance policy: read a YAML rules file, validate it, and pick the rules that apply.

A rules file is merged over the bundled `default.yaml`, so it only needs what it
changes. It is validated when loaded: an unknown key, a negative tolerance or an
unknown severity stops the load with a `RulesError` that names the file and line,
and for a misspelt key or value the closest allowed one (see `policy_errors`).

For one document line, rules apply from general to specific: the defaults, then the
product category (the longest matching category name wins), then the partner.
"""

from __future__ import annotations

from collections.abc import Iterable

import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from docmatch.errors import RulesError
from docmatch.matchers.normalize import code_key, name_key
from docmatch.models import Finding, FindingKind, Severity
from docmatch.odoo.records import Partner
from docmatch.rules.policy_errors import describe_policy_error
from docmatch.rules.tolerance import Tolerance

log = logging.getLogger(__name__)

TOLERANCE_NAMES = ("quantity", "price", "total", "tax")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToleranceSpec(_Strict):
    percent: float = Field(default=0.0, ge=0.0, le=100.0)
    absolute: float = Field(default=0.0, ge=0.0)


class DateWindows(_Strict):
    before_order_days: int | None = Field(default=None, ge=0)
    after_order_days: int | None = Field(default=None, ge=0)
    customer_order_days: int | None = Field(default=None, ge=0)
    delivery_days: int | None = Field(default=None, ge=0)
    requested_delivery_days: int | None = Field(default=None, ge=0)


class RuleSet(_Strict):
    """Rules at one level: defaults, one partner or one product category."""

    quantity: ToleranceSpec | None = None
    price: ToleranceSpec | None = None
    total: ToleranceSpec | None = None
    tax: ToleranceSpec | None = None
    dates: DateWindows | None = None
    bill_on: Literal["received", "ordered"] | None = None
    # How the partner prints numeric dates such as 05/04/2024, for readings the page leaves open.
    date_order: Literal["day_first", "month_first"] | None = None
    severity: dict[FindingKind, Severity] = {}


class Tickets(_Strict):
    open_for: list[Severity] = [Severity.MEDIUM, Severity.HIGH]


class PolicyFile(_Strict):
    version: Literal[1] = 1
    tickets: Tickets = Tickets()
    defaults: RuleSet = RuleSet()
    severity: dict[FindingKind, Severity] = {}
    partners: dict[str, RuleSet] = {}
    categories: dict[str, RuleSet] = {}


@dataclass(frozen=True, slots=True)
class AppliedRules:
    """The rules in force for one document line, each tolerance naming its source."""

    quantity: Tolerance
    price: Tolerance
    total: Tolerance
    tax: Tolerance
    before_order_days: int
    after_order_days: int
    customer_order_days: int
    delivery_days: int
    requested_delivery_days: int
    bill_on: str
    severity: dict[FindingKind, Severity]
    dates_rule: str
    date_order: str | None = None
    date_order_rule: str | None = None


class Policy:
    """A validated policy; `rules_for` picks what applies to a partner and category."""

    def __init__(self, data: PolicyFile | None = None, *, source: str = "bundled defaults") -> None:
        self.data = data or _bundled()
        self.source = source

    @property
    def ticket_severities(self) -> tuple[str, ...]:
        return tuple(severity.value for severity in self.data.tickets.open_for)

    def opens_ticket(self, findings: list[Finding]) -> bool:
        """True when any finding has a severity the policy opens tickets for."""
        return any(finding.severity in self.ticket_severities for finding in findings)

    def rules_for(self, partner: Partner | None = None, category: str | None = None) -> AppliedRules:
        """Return the rules for `partner` and product `category`, most specific last."""
        levels: list[tuple[str, RuleSet]] = [("defaults", self.data.defaults)]
        category_key = self._category_key(category)
        if category_key is not None:
            levels.append((f"categories.{category_key}", self.data.categories[category_key]))
        partner_key = self._partner_key(partner)
        if partner_key is not None:
            levels.append((f"partners.{partner_key}", self.data.partners[partner_key]))
        return self._merge(levels)

    def _merge(self, levels: list[tuple[str, RuleSet]]) -> AppliedRules:
        tolerances: dict[str, Tolerance] = {}
        for name in TOLERANCE_NAMES:
            tolerance = Tolerance(f"defaults.{name}")
            for prefix, rules in levels:
                spec = getattr(rules, name)
                if spec is not None:
                    tolerance = Tolerance(f"{prefix}.{name}", spec.percent, spec.absolute)
            tolerances[name] = tolerance

        windows: dict[str, int] = {"before_order_days": 0, "after_order_days": 365, "customer_order_days": 30, "delivery_days": 7, "requested_delivery_days": 0}
        dates_rule = "defaults.dates"
        bill_on = "received"
        date_order: str | None = None
        date_order_rule: str | None = None
        severity: dict[FindingKind, Severity] = dict(self.data.severity)
        for prefix, rules in levels:
            if rules.dates is not None:
                for key, value in rules.dates.model_dump().items():
                    if value is not None:
                        windows[key] = value
                        dates_rule = f"{prefix}.dates"
            if rules.bill_on is not None:
                bill_on = rules.bill_on
            if rules.date_order is not None:
                date_order, date_order_rule = rules.date_order, f"{prefix}.date_order"
            severity.update(rules.severity)
        return AppliedRules(**tolerances, **windows, bill_on=bill_on, severity=severity, dates_rule=dates_rule, date_order=date_order, date_order_rule=date_order_rule)

    def _partner_key(self, partner: Partner | None) -> str | None:
        if partner is None:
            return None
        wanted = {f"id:{partner.id}", f"id:{partner.commercial_id}", name_key(partner.name)}
        if partner.vat:
            wanted.add(code_key(partner.vat))
        if partner.ref:
            wanted.add(code_key(partner.ref))
        for key in self.data.partners:
            if key.strip().lower() in wanted or name_key(key) in wanted or code_key(key) in wanted:
                return key
        return None

    def unknown_partner_keys(self, partners: Iterable[Partner]) -> list[str]:
        """Return the keys of the `partners` section that name none of `partners`.

        Such a key is most likely a typo, and its overrides would never apply.
        """
        if not self.data.partners:
            return []
        used = {self._partner_key(partner) for partner in partners}
        return [key for key in self.data.partners if key not in used]

    def _category_key(self, category: str | None) -> str | None:
        if not category:
            return None
        folded = " / ".join(part.strip().lower() for part in category.split("/"))
        best: str | None = None
        for key in self.data.categories:
            key_folded = " / ".join(part.strip().lower() for part in key.split("/"))
            if (folded == key_folded or folded.startswith(key_folded + " / ")) and (best is None or len(key) > len(best)):
                best = key
        return best

    def severity_of(self, kind: FindingKind, rules: AppliedRules | None = None) -> Severity:
        table = rules.severity if rules is not None else self.data.severity
        return table.get(kind, Severity.MEDIUM)


# -- loading ----------------------------------------------------------------------------


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and validate the rules file at `path`, merged over the bundled defaults.

    Raises:
        RulesError: the file is missing, is not YAML, or does not validate; the
            message names the file and the line.
    """
    if path is None:
        return Policy()
    path = Path(path)
    if not path.is_file():
        raise RulesError("rules file not found", path=str(path), hint="give an existing YAML file, or leave the option out for the bundled defaults")
    text = path.read_text(encoding="utf-8")
    root = _compose(text, str(path))
    loaded = yaml.safe_load(text) if root is not None else {}
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise RulesError("the rules file must be a mapping of sections such as defaults, severity, partners", path=str(path), line=_line(root))

    merged = _deep_merge(_bundled_raw(), loaded)
    try:
        data = PolicyFile.model_validate(merged)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise RulesError(describe_policy_error(error, PolicyFile), path=str(path), line=_line_of(root, error["loc"])) from None
    log.info("loaded rules from %s: %d partner and %d category overrides", path, len(data.partners), len(data.categories))
    return Policy(data, source=str(path))


def _compose(text: str, path: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RulesError(f"not valid YAML: {exc.problem or exc}", path=path, line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise RulesError(f"not valid YAML: {exc}", path=path) from None


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _line_of(root: yaml.Node | None, location: tuple[Any, ...]) -> int | None:
    """Return the 1-based line of the deepest node of `location` the file itself holds."""
    node = root
    line = _line(root)
    for part in location:
        if not isinstance(node, yaml.MappingNode):
            break
        child = next(((key, value) for key, value in node.value if str(key.value) == str(part)), None)
        if child is None:
            break
        key_node, node = child
        line = _line(key_node)
    return line


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        # A tolerance is replaced whole: "price: {percent: 2}" means 2 %, nothing else.
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key not in ("partners", "categories", *TOLERANCE_NAMES):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _bundled_raw() -> dict[str, Any]:
    text = resources.files("docmatch.rules").joinpath("default.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


_BUNDLED: PolicyFile | None = None


def _bundled() -> PolicyFile:
    global _BUNDLED
    if _BUNDLED is None:
        _BUNDLED = PolicyFile.model_validate(_bundled_raw())
    return _BUNDLED
