"""Figures of the operations dashboard, computed from case records.

Definitions, so that every number can be recounted from the database:

- exception: a case that opens a ticket (a finding of a ticket severity);
- touchless: a case with no finding at all;
- first-pass match: the document was matched to an Odoo record and has no
  `order_not_found` or `partner_mismatch` finding;
- open: an exception whose ticket no reviewer has closed yet; its age counts from
  the document's arrival;
- resolution time: from arrival to the reviewer closing the ticket;
- acceptance: the share of closed cases whose resolution is not `rejected`, i.e. the
  reviewer agreed that docmatch pointed at a real difference;
- amount at stake: the line amount of a line finding, else the absolute difference
  between document and Odoo values of a document-level amount finding (price, total,
  tax), in the document's currency. Root causes are summed per currency, never across
  currencies, because docmatch does not convert amounts.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from docmatch.models import FindingKind
from docmatch.reporting.explain import MONEY_KINDS, format_value
from docmatch.web.repository import CaseRecord

AGING_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("under 1 day", 0, 1),
    ("1-3 days", 1, 3),
    ("3-7 days", 3, 7),
    ("7-14 days", 7, 14),
    ("over 14 days", 14, float("inf")),
)


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    partner: str | None = None
    doc_type: str | None = None
    week: str | None = None
    kind: str | None = None
    channel: str | None = None
    status: str | None = None

    def admits(self, record: CaseRecord) -> bool:
        """Return whether the record passes every filter that is set."""
        day = record.received_at.date()
        checks = [
            self.start is None or day >= self.start,
            self.end is None or day <= self.end,
            self.partner is None or (record.partner or "") == self.partner,
            self.doc_type is None or record.case.document.doc_type == self.doc_type,
            self.week is None or iso_week(record.received_at) == self.week,
            self.kind is None or any(finding.kind.value == self.kind for finding in record.case.findings),
            self.channel is None or record.channel == self.channel,
            self.status is None or status_of(record) == self.status,
        ]
        return all(checks)


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def status_of(record: CaseRecord) -> str:
    if not record.case.findings:
        return "touchless"
    if not record.case.opens_ticket:
        return "noted"
    return "closed" if record.closed_at else "open"


def first_pass_matched(record: CaseRecord) -> bool:
    kinds = {finding.kind for finding in record.case.findings}
    return bool(record.case.matched) and not kinds & {FindingKind.ORDER_NOT_FOUND, FindingKind.PARTNER_MISMATCH}


def amount_at_stake(record: CaseRecord, finding_index: int) -> float:
    finding = record.case.findings[finding_index]
    if finding.line is not None:
        for line in record.extraction.lines:
            if line.position == finding.line and line.amount is not None:
                return abs(line.amount)
        index = finding.line - 1
        if 0 <= index < len(record.extraction.lines) and record.extraction.lines[index].amount is not None:
            return abs(record.extraction.lines[index].amount or 0.0)
        return 0.0
    # A quantity or a date differs in units or days, which are no amount of money.
    if finding.kind not in MONEY_KINDS:
        return 0.0
    if isinstance(finding.document_value, (int, float)) and isinstance(finding.odoo_value, (int, float)):
        return abs(float(finding.document_value) - float(finding.odoo_value))
    return 0.0


def document_currency(record: CaseRecord) -> str:
    """Return the ISO 4217 code the document states, or "" when it states none."""
    value = record.extraction.value("currency")
    return str(value).strip().upper() if value else ""


def amount_text(amount: float, currency: str = "") -> str:
    """Write an amount at stake as the reports do, such as "1192.00 EUR", or "—" when nothing is at stake."""
    if not amount:
        return "—"
    text = format_value(amount, money=True)
    return f"{text} {currency}" if currency else text


@dataclass
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator


@dataclass
class Dashboard:
    total: int = 0
    exception_rate: Rate = field(default_factory=lambda: Rate(0, 0))
    touchless_rate: Rate = field(default_factory=lambda: Rate(0, 0))
    first_pass_rate: Rate = field(default_factory=lambda: Rate(0, 0))
    weeks: list[str] = field(default_factory=list)
    by_week: dict[str, dict[str, int]] = field(default_factory=dict)
    by_doc_type: dict[str, dict[str, int]] = field(default_factory=dict)
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    aging: list[tuple[str, int]] = field(default_factory=list)
    oldest_open: list[CaseRecord] = field(default_factory=list)
    stuck: list[CaseRecord] = field(default_factory=list)
    resolution_median_hours: float | None = None
    resolution_p90_hours: float | None = None
    root_causes: list[dict[str, object]] = field(default_factory=list)
    acceptance: Rate = field(default_factory=lambda: Rate(0, 0))
    reopen_rate: Rate = field(default_factory=lambda: Rate(0, 0))
    confidence_by_week: dict[str, float] = field(default_factory=dict)


def _counts(records: list[CaseRecord]) -> dict[str, int]:
    return {
        "documents": len(records),
        "exceptions": sum(record.case.opens_ticket for record in records),
        "touchless": sum(not record.case.findings for record in records),
        "opened": sum(record.case.opens_ticket for record in records),
    }


def _group(records: list[CaseRecord], key) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    groups: dict[str, list[CaseRecord]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return {name: _counts(members) for name, members in sorted(groups.items())}


def _root_causes(records: list[CaseRecord]) -> list[dict[str, object]]:
    """Return finding counts and amounts by kind, partner and product, largest amount first."""
    totals: dict[tuple[str, str, str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for record in records:
        products = {pair.document_line: pair.product.name for pair in record.match.pairs if pair.product and pair.document_line is not None}
        currency = document_currency(record)
        for index, finding in enumerate(record.case.findings):
            product = products.get(finding.line - 1, "") if finding.line else ""
            key = (finding.kind.value, record.partner or "", product, currency)
            totals[key][0] += 1
            totals[key][1] += amount_at_stake(record, index)
    rows = [
        {"kind": kind, "partner": partner, "product": product, "currency": currency, "count": int(count), "amount": round(amount, 2)}
        for (kind, partner, product, currency), (count, amount) in totals.items()
    ]
    return sorted(rows, key=lambda row: (-float(row["amount"]), -int(row["count"]), str(row["kind"])))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def build_dashboard(records: list[CaseRecord], filters: Filters, *, now: datetime | None = None, stuck_after: timedelta = timedelta(hours=1)) -> Dashboard:
    """Compute every dashboard figure over the records that pass `filters`."""
    now = now or datetime.now(timezone.utc)
    selected = [record for record in records if filters.admits(record)]
    board = Dashboard(total=len(selected))

    # Rates over the selection.
    board.exception_rate = Rate(sum(record.case.opens_ticket for record in selected), len(selected))
    board.touchless_rate = Rate(sum(not record.case.findings for record in selected), len(selected))
    board.first_pass_rate = Rate(sum(first_pass_matched(record) for record in selected), len(selected))

    # Breakdowns by week, document type and channel; closed counts by closing week.
    board.by_week = _group(selected, lambda record: iso_week(record.received_at))
    for record in selected:
        if record.case.opens_ticket and record.closed_at:
            week = board.by_week.setdefault(iso_week(record.closed_at), {"documents": 0, "exceptions": 0, "touchless": 0, "opened": 0})
            week["closed"] = week.get("closed", 0) + 1
    board.weeks = sorted(board.by_week)
    board.by_doc_type = _group(selected, lambda record: record.case.document.doc_type)
    board.by_channel = _group(selected, lambda record: record.channel)

    # Backlog: open exceptions by age, the oldest ones, and documents stuck mid-pipeline.
    open_records = [record for record in selected if status_of(record) == "open"]
    ages = [(now - record.received_at).total_seconds() / 86400 for record in open_records]
    board.aging = [(label, sum(low <= age < high for age in ages)) for label, low, high in AGING_BUCKETS]
    board.oldest_open = sorted(open_records, key=lambda record: record.received_at)[:5]
    board.stuck = [record for record in selected if record.state not in ("reported", "failed", "quarantined") and now - record.received_at > stuck_after]

    # Resolution time, acceptance and reopen rate over closed cases.
    closed = [record for record in selected if record.case.opens_ticket and record.closed_at]
    hours = [(record.closed_at - record.received_at).total_seconds() / 3600 for record in closed if record.closed_at]
    if hours:
        board.resolution_median_hours = statistics.median(hours)
        board.resolution_p90_hours = _percentile(hours, 0.9)
    board.acceptance = Rate(sum(record.outcome != "rejected" for record in closed), len(closed))
    board.reopen_rate = Rate(sum(record.reopened for record in closed), len(closed))

    # Root causes and extraction confidence over time.
    board.root_causes = _root_causes(selected)
    weekly: dict[str, list[float]] = defaultdict(list)
    for record in selected:
        weekly[iso_week(record.received_at)].extend(value.confidence for value in record.extraction.fields.values() if value.value is not None)
    board.confidence_by_week = {week: round(statistics.fmean(values), 3) for week, values in sorted(weekly.items()) if values}
    return board


def chart_series(board: Dashboard) -> dict[str, list]:
    """Return the weekly series the dashboard's charts draw, aligned on `board.weeks`."""
    return {
        "weeks": board.weeks,
        "opened": [board.by_week[week].get("opened", 0) for week in board.weeks],
        "closed": [board.by_week[week].get("closed", 0) for week in board.weeks],
        "confidence": [board.confidence_by_week.get(week) for week in board.weeks],
    }
