"""Reviewer decisions read back from Helpdesk tickets, recorded, and learned from.

Reviewers decide in Odoo. They close a docmatch ticket (a folded stage in Enterprise,
a stage marked `closed` in OCA) with one resolution tag:

    accepted variance   the difference is fine; the pairings on the ticket are right
    corrected in Odoo   Odoo was wrong and has been fixed; the pairings are right
    rejected            the document is wrong; nothing is learned

or they reopen a closed ticket. `sync_decisions` runs on a schedule (`docmatch odoo
sync-decisions`, or the Celery beat task): it reads the tickets changed since the last
run, records each new outcome on the document's case through `Store`, closes the case
(or opens it again when the ticket is reopened), and stores the confirmed pairings as
learned aliases that the next catalog load applies (`Store.apply_learned_aliases`).

The reviewer recorded is the user who last wrote the ticket (`write_uid`), the one who
moved it to its stage. When that is docmatch's own API user, which updates tickets it
processes again, the ticket's assignee is recorded instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from docmatch.models import OdooRef
from docmatch.odoo.client import OdooClient
from docmatch.odoo.helpdesk import KEY_LABEL, TICKET_MODEL, HelpdeskVariant, detect_helpdesk
from docmatch.odoo.pairings import Pairing, parse_pairings
from docmatch.odoo.wire import format_datetime, parse_datetime

log = logging.getLogger(__name__)

WATERMARK = "odoo.reviewer_decisions.since"
RESOLUTION_TAGS = {"accepted variance": "accepted_variance", "rejected": "rejected", "corrected in odoo": "corrected_in_odoo"}
LEARNING_OUTCOMES = {"accepted_variance", "corrected_in_odoo"}
# A closed ticket without a resolution tag still closes the case, but teaches nothing.
CLOSED_WITHOUT_TAG = "closed"
REOPENED = "reopened"
CLOSED_OUTCOMES = {*RESOLUTION_TAGS.values(), CLOSED_WITHOUT_TAG}


@dataclass
class ReviewerDecision:
    """The state of one docmatch ticket as the reviewer left it."""

    ticket_id: int
    ticket_name: str
    key: str
    closed: bool
    outcome: str | None
    reviewer: str | None
    changed_at: datetime | None
    pairings: list[Pairing] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return self.key.removeprefix("docmatch:")

    @property
    def source_ref(self) -> str:
        stamp = format_datetime(self.changed_at) if self.changed_at else "-"
        return f"{TICKET_MODEL},{self.ticket_id}@{stamp}"


def read_decisions(client: OdooClient, *, since: datetime | None = None) -> list[ReviewerDecision]:
    """Return the docmatch tickets changed at or after `since` (aware), with their outcome."""
    variant = detect_helpdesk(client)
    domain: list[Any] = [["description", "ilike", KEY_LABEL]]
    if since is not None:
        domain.append(["write_date", ">=", since])
    fields = ["name", "display_name", "description", "stage_id", "tag_ids", "user_id", "write_uid", "write_date"]
    tickets = client.search_read(TICKET_MODEL, domain, fields, order="write_date, id", context={"active_test": False})
    closed_stages = _closed_stages(client, variant)
    tag_names = _tag_names(client, variant, {tag for ticket in tickets for tag in ticket["tag_ids"]})
    return [_decision(ticket, closed_stages, tag_names, own_uid=client.uid) for ticket in tickets if _key_of(ticket["description"])]


def _reviewer(ticket: dict[str, Any], own_uid: int) -> str | None:
    """Return the name of who last changed the ticket, or its assignee when that was docmatch."""
    for name in ("write_uid", "user_id"):
        user = ticket.get(name)
        if isinstance(user, list) and len(user) > 1 and (name == "user_id" or int(user[0]) != own_uid):
            return str(user[1])
    return None


def _decision(ticket: dict[str, Any], closed_stages: set[int], tag_names: dict[int, str], *, own_uid: int) -> ReviewerDecision:
    stage = ticket["stage_id"]
    closed = bool(stage) and int(stage[0] if isinstance(stage, list) else stage) in closed_stages
    outcome = None
    if closed:
        resolutions = [RESOLUTION_TAGS[tag_names[tag].lower()] for tag in ticket["tag_ids"] if tag_names.get(tag, "").lower() in RESOLUTION_TAGS]
        outcome = resolutions[0] if resolutions else CLOSED_WITHOUT_TAG
    return ReviewerDecision(
        ticket_id=ticket["id"],
        ticket_name=str(ticket.get("display_name") or ticket["name"]),
        key=_key_of(ticket["description"]) or "",
        closed=closed,
        outcome=outcome,
        reviewer=_reviewer(ticket, own_uid),
        changed_at=parse_datetime(ticket.get("write_date")),
        pairings=parse_pairings(ticket["description"] or ""),
    )


def _key_of(description: Any) -> str | None:
    text = str(description or "")
    position = text.find(KEY_LABEL)
    if position < 0:
        return None
    rest = text[position + len(KEY_LABEL) :].strip()
    key = rest.split("<", 1)[0].split()[0] if rest else ""
    return key if key.startswith("docmatch:") else None


def _closed_stages(client: OdooClient, variant: HelpdeskVariant) -> set[int]:
    rows = client.search_read(variant.stage_model, [[variant.closed_field, "=", True]], ["name"], context={"active_test": False})
    return {row["id"] for row in rows}


def _tag_names(client: OdooClient, variant: HelpdeskVariant, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {row["id"]: str(row["name"]) for row in client.read(variant.tag_model, sorted(ids), ["name"])}


# --- recording ------------------------------------------------------------------------


@dataclass
class SyncReport:
    recorded: list[tuple[ReviewerDecision, str]] = field(default_factory=list)
    learned: list[Pairing] = field(default_factory=list)
    unknown_documents: int = 0


def sync_decisions(client: OdooClient, store: Any) -> SyncReport:
    """Record the reviewer decisions made since the last run and learn from them.

    `store` is a `docmatch.storage.store.Store`. Each outcome is recorded once (its
    source reference is the ticket id and write date), so running twice is harmless.
    """
    since = parse_datetime(store.get_watermark(WATERMARK))
    report = SyncReport()
    latest = since
    for decision in read_decisions(client, since=since):
        outcome = record_decision(store, decision, helpdesk_variant=detect_helpdesk(client).name, report=report)
        if outcome:
            report.recorded.append((decision, outcome))
        if decision.changed_at and (latest is None or decision.changed_at > latest):
            latest = decision.changed_at
    if latest is not None:
        store.set_watermark(WATERMARK, format_datetime(latest))
    log.info("reviewer decisions: %d recorded, %d pairings learned, %d tickets of unknown documents", len(report.recorded), len(report.learned), report.unknown_documents)
    return report


def record_decision(store: Any, decision: ReviewerDecision, *, helpdesk_variant: str, report: SyncReport) -> str | None:
    """Record one decision on its document's case; return the outcome recorded, if any."""
    document_id = store.document_id(decision.sha256)
    if document_id is None:
        report.unknown_documents += 1
        log.warning("ticket %d carries a key of a document this database does not know", decision.ticket_id)
        return None
    if store.ticket_link(document_id) is None:
        store.add_ticket_link(document_id, OdooRef(model=TICKET_MODEL, id=decision.ticket_id, name=decision.ticket_name), helpdesk_variant=helpdesk_variant)

    # Only a change of state is an outcome: closing with a tag, or reopening.
    previous = store.reviewer_outcomes(document_id)
    last = previous[-1].decision if previous else None
    if decision.closed:
        outcome = decision.outcome or CLOSED_WITHOUT_TAG
    elif last in CLOSED_OUTCOMES:
        outcome = REOPENED
    else:
        return None
    if outcome == last:
        return None
    data = {"ticket_id": decision.ticket_id, "pairings": [pairing.__dict__ for pairing in decision.pairings]}
    # The outcome is part of the reference: a reopening can share the closing's write date.
    if not store.add_reviewer_outcome(document_id, f"{decision.source_ref}:{outcome}", outcome, reviewer=decision.reviewer, decided_at=decision.changed_at, data=data):
        return None
    log.info("ticket %d: reviewer outcome %s", decision.ticket_id, outcome)

    # Close the case, and learn what the reviewer confirmed.
    if outcome in CLOSED_OUTCOMES:
        for open_case in store.open_cases():
            if open_case.document_id == document_id:
                store.close_case(open_case.case_id, f"reviewer: {outcome}")
    elif outcome == REOPENED:
        store.reopen_case(document_id)
    if outcome in LEARNING_OUTCOMES:
        for pairing in decision.pairings:
            store.learn_alias(pairing.kind, pairing.partner_id, pairing.printed_text, pairing.target_model, pairing.target_id, confirmed_by=decision.reviewer)
            report.learned.append(pairing)
    return outcome
