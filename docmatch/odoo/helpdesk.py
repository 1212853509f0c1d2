"""One Helpdesk ticket per document case, in Enterprise `helpdesk` or OCA `helpdesk_mgmt`.

`report_case` opens the ticket of a case, or updates it when the document comes back:
the ticket description carries the document's key ("docmatch key: docmatch:<sha256>"),
and that key is searched before anything is created, including after a create whose
outcome is unknown. The ticket title names the document, the order and the finding
count. The description holds the findings table (document value, Odoo value, rule,
tolerance) and links to the Odoo order and pickings. The priority follows the worst
severity, and the ticket gets the configured team and tags and the partner of the
matched order. The document is attached as an `ir.attachment`, and the explanation is
posted as an internal note.

The two Helpdesk applications differ (see `VARIANTS`): their team, stage and tag
models, how a closed ticket is recognised (a folded stage in Enterprise, the stage's
`closed` flag in OCA), their reference field and their priority labels.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docmatch.errors import ConfigurationError, OdooAccessError, OdooOutcomeUnknown
from docmatch.models import Case, OdooRef, Severity
from docmatch.odoo import pairings
from docmatch.odoo.client import OdooClient
from docmatch.reporting.explain import finding_value
from docmatch.reporting.redact import document_text

log = logging.getLogger(__name__)

TICKET_MODEL = "helpdesk.ticket"
KEY_LABEL = "docmatch key:"
NOTE_LABEL = "docmatch note"
# First paragraph of the note on a ticket whose document, processed again, needs no ticket.
RESOLVED_ON_RERUN = "Processed again: no finding needs this ticket any more. Close it when you agree; docmatch leaves that to you."
# Words looked for in the priority labels of `fields_get`. Enterprise labels them "High
# priority" and "Urgent", OCA "High" and "Very High", both with keys '0' to '3'.
SEVERITY_PRIORITY_WORDS = {None: "low", Severity.LOW: "low", Severity.MEDIUM: "medium", Severity.HIGH: "high"}
ORDER_MODELS = ("purchase.order", "sale.order")


@dataclass(frozen=True)
class HelpdeskVariant:
    """The models and fields in which the two Helpdesk applications differ."""

    name: str
    team_model: str
    stage_model: str
    tag_model: str
    closed_field: str
    reference_field: str
    # The button method that assigns a ticket to the calling user and returns None. OCA
    # has `assign_to_me`; the Enterprise 18 source has no such method.
    assign_to_self_method: str | None


VARIANTS = {
    "enterprise": HelpdeskVariant("enterprise", "helpdesk.team", "helpdesk.stage", "helpdesk.tag", "fold", "ticket_ref", None),
    "oca": HelpdeskVariant("oca", "helpdesk.ticket.team", "helpdesk.ticket.stage", "helpdesk.ticket.tag", "closed", "number", "assign_to_me"),
}


def detect_helpdesk(client: OdooClient) -> HelpdeskVariant:
    """Return the Helpdesk application installed in the database.

    Raises:
        ConfigurationError: neither Enterprise `helpdesk` nor OCA `helpdesk_mgmt` is installed.
    """
    cached = getattr(client, "_helpdesk_variant", None)
    if cached is not None:
        return cached
    rows = client.search_read("ir.model", [["model", "in", ["helpdesk.stage", "helpdesk.ticket.stage"]]], ["model"])
    models = {row["model"] for row in rows}
    if "helpdesk.ticket.stage" in models:
        variant = VARIANTS["oca"]
    elif "helpdesk.stage" in models:
        variant = VARIANTS["enterprise"]
    else:
        raise ConfigurationError("no Helpdesk application is installed in Odoo", hint="install Helpdesk (Enterprise) or the OCA module helpdesk_mgmt")
    log.info("Odoo runs the %s Helpdesk", variant.name)
    client._helpdesk_variant = variant  # type: ignore[attr-defined]
    return variant


def document_key(case: Case) -> str:
    return f"docmatch:{case.document.sha256}"


def report_case(case: Case, document_path: str | Path | None, client: OdooClient, settings: Any, *, key: str | None = None) -> OdooRef:
    """Open or update the Helpdesk ticket of `case` and return it.

    Args:
        case: the case; its findings fill the ticket.
        document_path: the stored document, attached to the ticket; None attaches nothing.
        client: a connected client.
        settings: `helpdesk_team` and `helpdesk_tags` are read.
        key: the document's ticket key; defaults to "docmatch:<sha256>".

    Raises:
        OdooOutcomeUnknown: a create timed out and its record did not show up; calling
            again is safe, because the key is searched first.
        OdooAuthError, OdooAccessError, OdooFault: Odoo refused a call.
    """
    key = key or document_key(case)
    variant = detect_helpdesk(client)

    # Collect what the ticket refers to.
    orders = [ref for ref in case.matched if ref.model in ORDER_MODELS]
    pickings = linked_pickings(client, case)
    partner_id = partner_of(client, case)
    found = pairings.proposals(case, partner_id=commercial_partner(client, partner_id))

    # Open the ticket, or update the one that carries the key.
    values = ticket_values(case, key, client, settings, variant, orders=orders, pickings=pickings, partner_id=partner_id, proposals=found)
    ticket_id = find_ticket(client, key)
    if ticket_id:
        update_ticket(client, ticket_id, values)
    else:
        ticket_id = client.create_once(TICKET_MODEL, values, find=lambda: find_ticket(client, key))
        log.info("opened %s ticket %d", variant.name, ticket_id)

    # Attach the document and post the explanation.
    if document_path is not None:
        attach_document(client, ticket_id, Path(document_path), case.document.filename)
    post_note(client, ticket_id, case)

    ticket = client.read(TICKET_MODEL, [ticket_id], ["display_name", "team_id"])[0]
    if not ticket.get("team_id"):
        _warn_no_team(getattr(settings, "helpdesk_team", None))
    return OdooRef(model=TICKET_MODEL, id=ticket_id, name=str(ticket["display_name"]))


# --- what the ticket refers to --------------------------------------------------------


def partner_of(client: OdooClient, case: Case) -> int | None:
    """Return the partner of the first matched order, picking or bill."""
    for ref in case.matched:
        if ref.model in (*ORDER_MODELS, "stock.picking", "account.move"):
            rows = client.read(ref.model, [ref.id], ["partner_id"])
            partner = rows[0].get("partner_id") if rows else False
            if partner:
                return int(partner[0] if isinstance(partner, list) else partner)
    return None


def commercial_partner(client: OdooClient, partner_id: int | None) -> int | None:
    if partner_id is None:
        return None
    rows = client.read("res.partner", [partner_id], ["commercial_partner_id"])
    value = rows[0].get("commercial_partner_id") if rows else False
    return int(value[0]) if isinstance(value, list) and value else partner_id


def linked_pickings(client: OdooClient, case: Case) -> list[OdooRef]:
    """Return the matched pickings, plus the pickings whose origin is a matched order."""
    found = [ref for ref in case.matched if ref.model == "stock.picking"]
    names = [ref.name for ref in case.matched if ref.model in ORDER_MODELS]
    if names:
        for row in client.search_read("stock.picking", [["origin", "in", names]], ["name"]):
            if all(ref.id != row["id"] for ref in found):
                found.append(OdooRef(model="stock.picking", id=row["id"], name=str(row["name"])))
    return found


# --- ticket values --------------------------------------------------------------------


def ticket_values(case: Case, key: str, client: OdooClient, settings: Any, variant: HelpdeskVariant, *, orders: list[OdooRef], pickings: list[OdooRef], partner_id: int | None, proposals: list[pairings.Pairing]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": ticket_title(case, orders),
        "description": ticket_description(case, key, client.transport.credentials.url, orders=orders, pickings=pickings, proposals=proposals, evidence=evidence_link(case, settings)),
        "priority": priority_for(client, case.max_severity),
        "partner_id": partner_id or False,
    }
    team_id = team_for(client, variant, getattr(settings, "helpdesk_team", None))
    if team_id:
        values["team_id"] = team_id
    tag_ids = tags_for(client, variant, list(getattr(settings, "helpdesk_tags", []) or []))
    if tag_ids:
        values["tag_ids"] = [[4, tag_id] for tag_id in tag_ids]
    return values


def ticket_title(case: Case, orders: list[OdooRef]) -> str:
    order = ", ".join(ref.name for ref in orders) or "no order found"
    count = len(case.findings)
    return f"{case.document.filename}: {order}, {count} finding{'s' if count != 1 else ''}"


def ticket_description(case: Case, key: str, base_url: str, *, orders: list[OdooRef], pickings: list[OdooRef], proposals: list[pairings.Pairing], evidence: str | None = None) -> str:
    """Return the HTML description: summary, findings table, links, pairings and the key."""
    parts = [f"<p><strong>{html.escape(case.document.filename)}</strong> ({html.escape(case.document.doc_type)}) has {len(case.findings)} finding(s) against Odoo.</p>"]
    parts.append(findings_table(case))
    if case.notes:
        items = "".join(f"<li>{html.escape(document_text(case, note))}</li>" for note in case.notes)
        parts.append(f"<p>How the document was read:</p><ul>{items}</ul>")
    links = [record_link(base_url, ref) for ref in [*orders, *pickings, *[ref for ref in case.matched if ref.model == "account.move"]]]
    if links:
        parts.append(f"<p>Odoo records: {', '.join(links)}</p>")
    if evidence:
        parts.append(f'<p><a href="{html.escape(evidence)}">Evidence in docmatch</a></p>')
    if proposals:
        items = "".join(pairings.render_pairing(pairing, pairing_label(pairing)) for pairing in proposals)
        parts.append(f"<p>Closing this ticket as <em>accepted variance</em> or <em>corrected in Odoo</em> confirms these pairings for the next documents:</p><ul>{items}</ul>")
    parts.append(f"<p>{KEY_LABEL} {html.escape(key)}</p>")
    return "\n".join(parts)


def findings_table(case: Case) -> str:
    """Return the HTML table of the case's findings, values with their units and messages without local paths."""
    header = "".join(f"<th>{title}</th>" for title in ("Line", "Finding", "Document value", "Odoo value", "Rule", "Tolerance", "Severity"))
    rows = []
    for finding in case.findings:
        message = document_text(case, finding.message)
        cells = [finding.line if finding.line is not None else "", message, finding_value(finding, "document"), finding_value(finding, "odoo"), finding.rule, finding.tolerance, finding.severity.value]
        rows.append("<tr>" + "".join(f"<td>{html.escape(display(cell))}</td>" for cell in cells) + "</tr>")
    return f'<table class="table table-sm"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def display(value: Any) -> str:
    if value is None or value is False:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def record_link(base_url: str, ref: OdooRef) -> str:
    # NOTE: /web#id=...&model=... is the record URL of 16 and 17; 18 moved the web client
    # to /odoo/..., and that it still redirects the old form is not checked here.
    url = f"{base_url}/web#id={ref.id}&model={ref.model}&view_type=form"
    return f'<a href="{html.escape(url)}">{html.escape(ref.name)}</a>'


def pairing_label(pairing: pairings.Pairing) -> str:
    if pairing.kind == pairings.VENDOR_CODE:
        return f"vendor code {pairing.printed_text} is product {pairing.target_model},{pairing.target_id}"
    return f"printed unit {pairing.printed_text} is {pairing.target_model},{pairing.target_id}"


def evidence_link(case: Case, settings: Any) -> str | None:
    """Return the signed link to the case's evidence view in `docmatch serve`, when it can be built."""
    try:
        from docmatch.web.links import evidence_url
    except ImportError:
        return None
    try:
        return evidence_url(case.document.sha256, settings)
    except Exception as exc:  # noqa: BLE001 - a missing link must not block the ticket
        log.warning("no evidence link for the ticket: %s", exc)
        return None


def priority_for(client: OdooClient, severity: Severity | None) -> str:
    """Return the priority key whose label names the severity in this Helpdesk."""
    selection = _priority_selection(client)
    word = SEVERITY_PRIORITY_WORDS.get(severity, "low")
    for key, label in selection:
        if str(label).lower().startswith(word):
            return str(key)
    return str(selection[0][0]) if selection else "0"


def _priority_selection(client: OdooClient) -> list[list[str]]:
    cached = getattr(client, "_priority_selection", None)
    if cached is None:
        spec = client.fields_get(TICKET_MODEL, ["selection"]).get("priority", {})
        cached = list(spec.get("selection") or [])
        client._priority_selection = cached  # type: ignore[attr-defined]
    return cached


def team_for(client: OdooClient, variant: HelpdeskVariant, name: str | None) -> int | None:
    """Return the id of the team named `name`.

    Raises:
        ConfigurationError: no team has that name.
    """
    if not name:
        return None
    ids = client.search(variant.team_model, [["name", "=", name]], limit=1)
    if not ids:
        raise ConfigurationError(f"Helpdesk team {name!r} not found in Odoo", hint="set DOCMATCH_HELPDESK_TEAM to the exact name of an existing team")
    return ids[0]


_warned_no_team = False


def _warn_no_team(team_name: str | None) -> None:
    """Warn once per process that tickets get no Helpdesk team, where no team is configured.

    The caller reads the team back from the ticket, so a Helpdesk that gives new tickets
    a default team causes no warning. A ticket without a team shows in no team's view.
    """
    global _warned_no_team
    if team_name or _warned_no_team:
        return
    _warned_no_team = True
    log.warning("tickets are opened without a Helpdesk team because DOCMATCH_HELPDESK_TEAM is unset; set it to the name of the team that reviews docmatch's tickets")


def tags_for(client: OdooClient, variant: HelpdeskVariant, names: list[str]) -> list[int]:
    """Return the ids of the tags named `names`, creating the missing ones when allowed."""
    ids = []
    for name in names:
        found = client.search(variant.tag_model, [["name", "=", name]], limit=1)
        if found:
            ids.append(found[0])
            continue
        try:
            ids.append(client.create_once(variant.tag_model, {"name": name}, find=lambda name=name: next(iter(client.search(variant.tag_model, [["name", "=", name]], limit=1)), None)))
        except OdooAccessError:
            log.warning("the docmatch user may not create Helpdesk tags; ticket opened without tag %r", name)
    return ids


# --- finding and updating the ticket --------------------------------------------------


def find_ticket(client: OdooClient, key: str) -> int | None:
    """Return the ticket carrying `key`, archived tickets included."""
    ids = client.search(TICKET_MODEL, [["description", "ilike", f"{KEY_LABEL} {key}"]], limit=1, order="id", context={"active_test": False})
    return ids[0] if ids else None


def update_ticket(client: OdooClient, ticket_id: int, values: dict[str, Any]) -> None:
    """Write the new values; the stage stays where the reviewer put it."""
    try:
        client.write(TICKET_MODEL, [ticket_id], values)
    except OdooOutcomeUnknown:
        # Writing the same values again changes nothing, so check and repeat once.
        current = client.read(TICKET_MODEL, [ticket_id], ["name"])[0]
        if current["name"] != values["name"]:
            client.write(TICKET_MODEL, [ticket_id], values)
    log.info("updated ticket %d", ticket_id)


def attach_document(client: OdooClient, ticket_id: int, path: Path, filename: str) -> int:
    """Attach the document file to the ticket once; the same content is not attached twice."""
    content = path.read_bytes()
    checksum = hashlib.sha1(content).hexdigest()

    def find() -> int | None:
        rows = client.search_read("ir.attachment", [["res_model", "=", TICKET_MODEL], ["res_id", "=", ticket_id]], ["checksum"])
        return next((row["id"] for row in rows if row.get("checksum") == checksum), None)

    values = {
        "name": filename,
        "datas": base64.b64encode(content).decode("ascii"),
        "mimetype": mimetypes.guess_type(filename)[0] or "application/octet-stream",
        "res_model": TICKET_MODEL,
        "res_id": ticket_id,
    }
    return client.create_once("ir.attachment", values, find=find)


def post_note(client: OdooClient, ticket_id: int, case: Case) -> int | None:
    """Post the explanation as an internal note, unless the same note is already there."""
    if not case.explanation:
        return None
    explanation = document_text(case, case.explanation)
    text = explanation if case.opens_ticket else f"{RESOLVED_ON_RERUN}\n\n{explanation}"
    texts = [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]
    token = hashlib.sha256((text + "".join(finding.message for finding in case.findings)).encode()).hexdigest()[:16]
    marker = f"{NOTE_LABEL} {token}"

    def find() -> int | None:
        ids = client.search("mail.message", [["model", "=", TICKET_MODEL], ["res_id", "=", ticket_id], ["body", "ilike", marker]], limit=1)
        return ids[0] if ids else None

    existing = find()
    if existing:
        return existing
    paragraphs = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in texts)
    kwargs: dict[str, Any] = {"body": f"{paragraphs}<p><small>{marker}</small></p>", "message_type": "comment", "subtype_xmlid": "mail.mt_note"}
    if client.major >= 17:
        # 17.0 added body_is_html for RPC callers; 16.0 has no such parameter.
        kwargs["body_is_html"] = True
    try:
        return int(client.call(TICKET_MODEL, "message_post", [ticket_id], **kwargs))
    except OdooOutcomeUnknown:
        found = client.read_back(find)
        if found:
            return found
        raise


def assign_to_self(client: OdooClient, ticket_id: int) -> None:
    """Assign the ticket to the docmatch user, with the Helpdesk's button method where it has one.

    OCA's `assign_to_me` returns None, which XML-RPC cannot send back, so the call is
    confirmed by reading the ticket's user and never repeated. Enterprise gets a write.
    """
    variant = detect_helpdesk(client)
    if variant.assign_to_self_method is None:
        client.write(TICKET_MODEL, [ticket_id], {"user_id": client.uid})
        return

    def assigned() -> bool:
        user = client.read(TICKET_MODEL, [ticket_id], ["user_id"])[0]["user_id"]
        return bool(user) and int(user[0] if isinstance(user, list) else user) == client.uid

    client.call_void(TICKET_MODEL, variant.assign_to_self_method, [ticket_id], verify=assigned)


# --- the pipeline's ticket opener -----------------------------------------------------


class TicketOpener:
    """The pipeline's `TicketOpener` for one settings object: `opener(case, key) -> OdooRef`.

    Connects on first use and attaches the stored copy of the document
    (`<data_dir>/documents/...`) when it exists. `helpdesk_variant` names the installed
    Helpdesk after the first ticket, for the ticket link the pipeline records.
    """

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self.helpdesk_variant: str | None = None
        self._client: OdooClient | None = None

    def __call__(self, case: Case, key: str) -> OdooRef | None:
        if self._client is None:
            self._client = OdooClient.from_settings(self.settings)
        path = document_file(self.settings, case.document.sha256)
        if path is None:
            log.warning("the document file is not available; the ticket gets no attachment")
        ticket = report_case(case, path, self._client, self.settings, key=key)
        self.helpdesk_variant = detect_helpdesk(self._client).name
        return ticket


def document_file(settings: Any, sha256: str) -> Path | None:
    """Return a file with the document's content: the stored copy, else the path the database recorded.

    A recorded path is used only while the file there still has the same SHA-256.
    """
    from docmatch.errors import StorageError
    from docmatch.ingest.registry import stored_path
    from docmatch.storage.store import Store

    candidates = [stored_path(settings.data_dir, sha256)]
    try:
        store = Store.from_settings(settings)
        try:
            document_id = store.document_id(sha256)
            document = store.load_document(document_id) if document_id is not None else None
        finally:
            store.dispose()
        if document is not None:
            candidates += [Path(document.path)] if document.path else []
            candidates += [Path(arrival.source) for arrival in document.arrivals if arrival.channel == "cli"]
    except StorageError as exc:
        log.warning("cannot look the document up in the database: %s", exc.message)
    for candidate in candidates:
        if candidate.is_file() and hashlib.sha256(candidate.read_bytes()).hexdigest() == sha256:
            return candidate
    return None


def make_ticket_opener(settings: Any) -> TicketOpener:
    """Return the ticket opener for `settings` (the command line's `--odoo URL` included)."""
    return TicketOpener(settings)


def open_ticket(case: Case, key: str) -> OdooRef | None:
    """Open the ticket of `case` with the DOCMATCH_* environment: DOCMATCH_TICKET_OPENER's target."""
    opener = _environment_opener()
    ticket = opener(case, key)
    open_ticket.helpdesk_variant = opener.helpdesk_variant  # type: ignore[attr-defined]
    return ticket


@lru_cache(maxsize=1)
def _environment_opener() -> TicketOpener:
    from docmatch.settings import load_settings

    return TicketOpener(load_settings())


def sync_reviewer_decisions(settings: Any, store: Any) -> int:
    """Record reviewers' decisions and learn from them; the Celery beat task calls this.

    Returns the number of decisions recorded. See `docmatch.odoo.decisions`.
    """
    from docmatch.odoo.decisions import sync_decisions

    client = OdooClient.from_settings(settings)
    try:
        return len(sync_decisions(client, store).recorded)
    finally:
        client.close()
