"""docmatch: catch order exceptions between business documents and Odoo."""

__version__ = "0.1.0"
