"""Intake: bring files in from channels and register each one by content.

Entry point for single files: `register_file(path, channel=...)`. Channel pollers
(folder, IMAP, SFTP, Odoo Documents) and the upload endpoint hand their files to
`docmatch.ingest.intake.Intake`, which stores each content once; so one file that
arrives twice, by any channel, is one document with two arrivals. `poll_channels` polls
every channel of the intake file once, for the workers' beat schedule.
"""

from docmatch.ingest.registry import register_bytes, register_file


def poll_channels(settings, store):  # type: ignore[no-untyped-def]
    """Poll every configured channel once; see `docmatch.ingest.poll.poll_channels`."""
    from docmatch.ingest.poll import poll_channels as poll_all

    return poll_all(settings, store)


__all__ = ["poll_channels", "register_bytes", "register_file"]
