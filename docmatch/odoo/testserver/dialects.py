"""Field definitions of the models the test server adds to a snapshot, per Odoo version.

A snapshot folder only holds the business records matching reads. The test server
adds what an integration writes to: companies and users, `ir.model`, `ir.attachment`,
`mail.message`, `mail.activity`, and one of the two Helpdesk applications.

Sources, opened when this module was written:

- Enterprise `helpdesk`: an unofficial public 18.x copy of
  `enterprise/helpdesk/models/helpdesk_ticket.py` (repository odoo/docker). `name` is
  required, `description` is optional Html, `priority` is '0' Low priority, '1' Medium
  priority, '2' High priority, '3' Urgent (default '0'), `company_id` is related to the
  team and read-only, a stage with `fold` set counts as closed and writing it sets
  `close_date` while leaving one clears it, and the reference is `ticket_ref`.
- OCA `helpdesk_mgmt`: `helpdesk_mgmt/models/helpdesk_ticket.py` and
  `helpdesk_ticket_stage.py` (repository OCA/helpdesk). `name` and `description` are
  required, `company_id` is required with the current company as default, `priority`
  is '0' Low, '1' Medium, '2' High, '3' Very High (default '1'), the stage's `closed`
  flag means closed and writing such a stage sets `closed_date`, `number` comes from a
  sequence, and `assign_to_me` returns None.
- `mail.thread.message_post`: `body_is_html` exists from 17.0; on 16.0 an unknown
  keyword ends up in the message values and fails as an invalid field.
"""

from __future__ import annotations

from typing import Any

Field = dict[str, Any]

VERSIONS = (16, 17, 18, 19)
HELPDESK_VARIANTS = ("enterprise", "oca")


def field(type_: str, string: str = "", *, relation: str | None = None, required: bool = False, readonly: bool = False, selection: list[list[str]] | None = None) -> Field:
    spec: Field = {"type": type_, "string": string, "required": required, "readonly": readonly}
    if relation:
        spec["relation"] = relation
    if selection is not None:
        spec["selection"] = selection
    return spec


def common_fields() -> dict[str, Field]:
    return {
        "id": field("integer", "ID", readonly=True),
        "display_name": field("char", "Display Name", readonly=True),
        "create_date": field("datetime", "Created on", readonly=True),
        "write_date": field("datetime", "Last Updated on", readonly=True),
        "create_uid": field("many2one", "Created by", relation="res.users", readonly=True),
        "write_uid": field("many2one", "Last Updated by", relation="res.users", readonly=True),
    }


def base_models(version: int) -> dict[str, dict[str, Field]]:
    """Return the framework models every database has, with their fields in `version`."""
    groups_field = "group_ids" if version >= 19 else "groups_id"
    return {
        "res.company": {"name": field("char", "Company Name", required=True), "currency_id": field("many2one", "Currency", relation="res.currency")},
        "res.users": {
            "name": field("char", "Name", required=True),
            "login": field("char", "Login", required=True),
            "company_id": field("many2one", "Company", relation="res.company"),
            "company_ids": field("many2many", "Companies", relation="res.company"),
            "tz": field("char", "Timezone"),
            groups_field: field("many2many", "Groups", relation="res.groups"),
        },
        "ir.model": {"model": field("char", "Model", required=True), "name": field("char", "Model Description")},
        "ir.attachment": {
            "name": field("char", "Name", required=True),
            "datas": field("binary", "File Content (base64)"),
            "mimetype": field("char", "Mime Type"),
            "res_model": field("char", "Resource Model"),
            "res_id": field("many2one_reference", "Resource ID"),
            "res_field": field("char", "Resource Field"),
            "file_size": field("integer", "File Size", readonly=True),
            "checksum": field("char", "Checksum/SHA1", readonly=True),
            "company_id": field("many2one", "Company", relation="res.company"),
        },
        "mail.message": {
            "model": field("char", "Related Document Model"),
            "res_id": field("many2one_reference", "Related Document ID"),
            "body": field("html", "Contents"),
            "message_type": field("selection", "Type", selection=[["email", "Email"], ["comment", "Comment"], ["notification", "System notification"]]),
            "subtype_id": field("many2one", "Subtype", relation="mail.message.subtype"),
            "attachment_ids": field("many2many", "Attachments", relation="ir.attachment"),
            "author_id": field("many2one", "Author", relation="res.partner"),
        },
        "mail.message.subtype": {"name": field("char", "Message Type", required=True), "internal": field("boolean", "Internal Only")},
        "mail.activity": {
            "res_model": field("char", "Related Document Model"),
            "res_id": field("many2one_reference", "Related Document ID"),
            "summary": field("char", "Summary"),
            "note": field("html", "Note"),
            "date_deadline": field("date", "Due Date", required=True),
            "user_id": field("many2one", "Assigned to", relation="res.users"),
        },
    }


def helpdesk_models(variant: str) -> dict[str, dict[str, Field]]:
    """Return the Helpdesk models of `variant` ('enterprise' or 'oca') with their fields."""
    if variant == "enterprise":
        return {
            "helpdesk.team": {"name": field("char", "Helpdesk Team", required=True), "company_id": field("many2one", "Company", relation="res.company", required=True), "stage_ids": field("many2many", "Stages", relation="helpdesk.stage")},
            "helpdesk.stage": {"name": field("char", "Stage Name", required=True), "sequence": field("integer", "Sequence"), "fold": field("boolean", "Folded in Kanban"), "team_ids": field("many2many", "Helpdesk Teams", relation="helpdesk.team")},
            "helpdesk.tag": {"name": field("char", "Tag Name", required=True), "color": field("integer", "Color")},
            "helpdesk.ticket": {
                "name": field("char", "Subject", required=True),
                "description": field("html", "Description"),
                "team_id": field("many2one", "Helpdesk Team", relation="helpdesk.team"),
                "stage_id": field("many2one", "Stage", relation="helpdesk.stage"),
                "tag_ids": field("many2many", "Tags", relation="helpdesk.tag"),
                "partner_id": field("many2one", "Customer", relation="res.partner"),
                "user_id": field("many2one", "Assigned to", relation="res.users"),
                "company_id": field("many2one", "Company", relation="res.company", readonly=True),
                "priority": field("selection", "Priority", selection=[["0", "Low priority"], ["1", "Medium priority"], ["2", "High priority"], ["3", "Urgent"]]),
                "ticket_ref": field("char", "Ticket IDs Sequence", readonly=True),
                "fold": field("boolean", "Fold", readonly=True),
                "close_date": field("datetime", "Close date"),
                "assign_date": field("datetime", "First assignment date"),
                "kanban_state": field("selection", "Kanban State", selection=[["normal", "In progress"], ["done", "Ready"], ["blocked", "Blocked"]]),
                "active": field("boolean", "Active"),
            },
        }
    return {
        "helpdesk.ticket.team": {"name": field("char", "Name", required=True), "company_id": field("many2one", "Company", relation="res.company")},
        "helpdesk.ticket.stage": {"name": field("char", "Stage Name", required=True), "sequence": field("integer", "Sequence"), "closed": field("boolean", "Closed"), "fold": field("boolean", "Folded in Kanban"), "company_id": field("many2one", "Company", relation="res.company")},
        "helpdesk.ticket.tag": {"name": field("char", "Name", required=True), "company_id": field("many2one", "Company", relation="res.company")},
        "helpdesk.ticket.category": {"name": field("char", "Name", required=True)},
        "helpdesk.ticket": {
            "number": field("char", "Ticket number", readonly=True),
            "name": field("char", "Title", required=True),
            "description": field("html", "Description", required=True),
            "team_id": field("many2one", "Team", relation="helpdesk.ticket.team"),
            "stage_id": field("many2one", "Stage", relation="helpdesk.ticket.stage"),
            "tag_ids": field("many2many", "Tags", relation="helpdesk.ticket.tag"),
            "category_id": field("many2one", "Category", relation="helpdesk.ticket.category"),
            "partner_id": field("many2one", "Contact", relation="res.partner"),
            "user_id": field("many2one", "Assigned user", relation="res.users"),
            "company_id": field("many2one", "Company", relation="res.company", required=True),
            "priority": field("selection", "Priority", selection=[["0", "Low"], ["1", "Medium"], ["2", "High"], ["3", "Very High"]]),
            "closed": field("boolean", "Closed", readonly=True),
            "closed_date": field("datetime", "Closed Date"),
            "assigned_date": field("datetime", "Assigned Date"),
            "last_stage_update": field("datetime", "Last Stage Update"),
            "active": field("boolean", "Active"),
        },
    }


def helpdesk_seed(variant: str) -> dict[str, list[dict[str, Any]]]:
    """Return a team, its stages and the resolution tags reviewers close tickets with."""
    tags = [{"id": 1, "name": "accepted variance"}, {"id": 2, "name": "rejected"}, {"id": 3, "name": "corrected in Odoo"}, {"id": 4, "name": "docmatch"}]
    if variant == "enterprise":
        stages = [
            {"id": 1, "name": "New", "sequence": 0, "fold": False, "team_ids": [1]},
            {"id": 2, "name": "In Progress", "sequence": 1, "fold": False, "team_ids": [1]},
            {"id": 3, "name": "Solved", "sequence": 2, "fold": True, "team_ids": [1]},
            {"id": 4, "name": "Cancelled", "sequence": 3, "fold": True, "team_ids": [1]},
        ]
        return {"helpdesk.team": [{"id": 1, "name": "Order exceptions", "company_id": 1, "stage_ids": [1, 2, 3, 4]}], "helpdesk.stage": stages, "helpdesk.tag": [{**tag, "color": 0} for tag in tags]}
    stages = [
        {"id": 1, "name": "New", "sequence": 1, "closed": False, "fold": False, "company_id": False},
        {"id": 2, "name": "In Progress", "sequence": 2, "closed": False, "fold": False, "company_id": False},
        {"id": 3, "name": "Done", "sequence": 3, "closed": True, "fold": True, "company_id": False},
        {"id": 4, "name": "Cancelled", "sequence": 4, "closed": True, "fold": True, "company_id": False},
    ]
    return {
        "helpdesk.ticket.team": [{"id": 1, "name": "Order exceptions", "company_id": False}],
        "helpdesk.ticket.stage": stages,
        "helpdesk.ticket.tag": [{**tag, "company_id": False} for tag in tags],
        "helpdesk.ticket.category": [],
    }


def version_info(version: int) -> dict[str, Any]:
    """Return what `common.version()` returns on `version` (`odoo/service/common.py`, `exp_version`)."""
    text = f"{version}.0"
    return {"server_version": text, "server_version_info": [version, 0, 0, "final", 0, ""], "server_serie": text, "protocol_version": 1}
