"""`docmatch odoo`: export a snapshot, run the Odoo test server, sync reviewer decisions."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.group("odoo")
def odoo_group() -> None:
    """Work with a live Odoo (credentials from DOCMATCH_ODOO_URL, _DB, _USER and _API_KEY)."""


@odoo_group.command("export")
@click.option("--to", "folder", required=True, type=click.Path(file_okay=False, path_type=Path), help="Snapshot folder to write (created if missing).")
@click.option("--odoo", "odoo_url", help="URL of the Odoo to read; defaults to DOCMATCH_ODOO_URL.")
def export_command(folder: Path, odoo_url: str | None) -> None:
    """Write the records matching needs as a snapshot folder (one <model>.json per model)."""
    from docmatch.odoo.export import export_snapshot
    from docmatch.odoo.live import open_live_source
    from docmatch.settings import load_settings

    source = open_live_source(load_settings(odoo_url=odoo_url, options={"odoo_url": "--odoo"}))
    counts = export_snapshot(source, folder)
    for model, count in counts.items():
        click.echo(f"{model:<28} {count:>7}")
    click.echo(f"snapshot of Odoo {source.server_version} written to {folder}")


@odoo_group.command("testserver")
@click.option("--snapshot", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Snapshot folder to serve; without it the database holds only companies, users and the Helpdesk.")
@click.option("--version", "version", type=click.Choice(["16", "17", "18", "19"]), default=None, help="Odoo version whose protocols to speak. A snapshot is served as the version its version.json names, so this must match it or be left out; without a snapshot the default is 17.")
@click.option("--helpdesk", type=click.Choice(["enterprise", "oca"]), default="enterprise", help="Helpdesk application to serve: Enterprise helpdesk or OCA helpdesk_mgmt.")
@click.option("--port", type=click.IntRange(1, 65535), default=8069, help="TCP port on 127.0.0.1 (1 to 65535).")
@click.option("--api-key", default="test-api-key", help="API key the docmatch user logs in with.")
def testserver_command(snapshot: Path | None, version: str | None, helpdesk: str, port: int, api_key: str) -> None:
    """Serve an Odoo test server on 127.0.0.1 until interrupted."""
    from docmatch.odoo.testserver import OdooTestServer

    version = _served_version(snapshot, version)

    try:
        server = OdooTestServer(version=int(version), helpdesk=helpdesk, snapshot=snapshot, api_key=api_key, port=port).start()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}; choose another --port") from None
    click.echo(f"Odoo {version} test server ({helpdesk} helpdesk) on {server.url}")
    click.echo(f"  DOCMATCH_ODOO_URL={server.url} DOCMATCH_ODOO_DB={server.db} DOCMATCH_ODOO_USER={server.login} DOCMATCH_ODOO_API_KEY=<the --api-key value>")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _served_version(snapshot: Path | None, requested: str | None) -> str:
    """Return the version to serve: the snapshot's own, which a different --version may not override.

    A snapshot contains one version's field names (`product_uom` before 19,
    `product_uom_id` from 19), so serving it as another version would hand docmatch
    order lines without units.
    """
    recorded = None
    if snapshot is not None and (snapshot / "version.json").is_file():
        from docmatch.odoo.catalog import major_version
        from docmatch.odoo.snapshot import SnapshotSource

        recorded = str(major_version(SnapshotSource(snapshot).server_version))
    if requested is not None and recorded is not None and requested != recorded:
        raise click.UsageError(f"the snapshot {snapshot} was taken from Odoo {recorded}, not {requested}; drop --version or pass --version {recorded}")
    return requested or recorded or "17"


@odoo_group.command("sync-decisions")
@click.option("--odoo", "odoo_url", help="URL of the Odoo to read; defaults to DOCMATCH_ODOO_URL.")
def sync_decisions_command(odoo_url: str | None) -> None:
    """Read reviewer decisions from the Helpdesk tickets, record them and learn from them."""
    from docmatch.odoo.client import OdooClient
    from docmatch.odoo.decisions import sync_decisions
    from docmatch.settings import load_settings
    from docmatch.storage.store import Store

    settings = load_settings(odoo_url=odoo_url, options={"odoo_url": "--odoo"})
    store = Store.from_settings(settings)
    store.migrate()
    client = OdooClient.from_settings(settings)
    try:
        report = sync_decisions(client, store)
    finally:
        client.close()
        store.dispose()
    for decision, outcome in report.recorded:
        click.echo(f"ticket {decision.ticket_id}: {outcome}")
    click.echo(f"{len(report.recorded)} decision(s) recorded, {len(report.learned)} pairing(s) learned")


commands = [odoo_group]
