"""Odoo: the records matching reads, and the Helpdesk tickets docmatch writes.

    source.py      the `OdooSource` contract: search_read, has_model, field_names
    snapshot.py    a source over a snapshot folder (one <model>.json per model)
    live.py        a source over a live Odoo, batched and cached on write_date
    catalog.py     version-neutral records loaded from any source
    client.py      the live client: transport by version, company context, retries
    transports.py  XML-RPC, JSON-RPC and JSON-2, with Odoo's errors mapped to ours
    wire.py        values as the external API expects them (False, naive UTC strings)
    helpdesk.py    one ticket per case, in Enterprise helpdesk or OCA helpdesk_mgmt
    decisions.py   reviewer decisions read back, recorded and learned from
    export.py      a snapshot folder written from any source
    testserver/    an Odoo test server speaking the three protocols, for tests

Submodules are imported where they are used, so reading a snapshot never loads the
HTTP clients.
"""
