"""The Odoo test server: Odoo's external API protocols over an in-memory database.

    from docmatch.odoo.testserver import OdooTestServer

    with OdooTestServer(version=17, helpdesk="oca", snapshot=folder) as server:
        ...  # point DOCMATCH_ODOO_URL at server.url, DOCMATCH_ODOO_DB at server.db

`docmatch odoo testserver` runs the same server from the command line.
"""

from docmatch.odoo.testserver.server import Call, Injection, OdooTestServer

__all__ = ["Call", "Injection", "OdooTestServer"]
