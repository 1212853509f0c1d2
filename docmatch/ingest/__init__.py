"""Intake: bring files in from channels and register each one by content.

Entry point for single files: `register_file(path, channel=...)`. Channel pollers
(folder, IMAP, SFTP, Odoo Documents) feed the same function, so one file that arrives
twice, by any channel, is one document with two arrivals.
"""

from docmatch.ingest.registry import register_bytes, register_file

__all__ = ["register_bytes", "register_file"]
