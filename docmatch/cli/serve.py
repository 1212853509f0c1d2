"""`docmatch serve`: the evidence view, the dashboard and the intake endpoints."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", help="Address to listen on; put a TLS reverse proxy in front for anything but loopback.")
@click.option("--port", default=8080, type=click.IntRange(1, 65535), help="TCP port to listen on.")
@click.option("--add-user", "new_user", metavar="NAME", help="Add NAME to DOCMATCH_WEB_USERS_FILE (asks for the password) and exit.")
def serve_command(host: str, port: int, new_user: str | None) -> None:
    """Serve the web interface on HOST:PORT until interrupted."""
    from docmatch.settings import load_settings

    settings = load_settings()
    if new_user:
        _add_user(settings.web_users_file, new_user)
        return

    import uvicorn

    from docmatch.storage.store import Store
    from docmatch.web.app import create_app
    from docmatch.web.store_repository import StoreRepository

    _check_port_free(host, port)
    if not settings.web_auth_header and not (settings.web_users_file and settings.web_users_file.is_file()):
        click.echo("warning: no users configured, so the dashboard answers 503; set DOCMATCH_WEB_USERS_FILE and run docmatch serve --add-user NAME", err=True)
    store = Store.from_settings(settings)
    store.migrate()
    app = create_app(settings, StoreRepository(store))
    _mount_intake(app, settings)
    click.echo(f"docmatch web interface on http://{host}:{port}/ (evidence links use {settings.web_base_url})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_port_free(host: str, port: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port") from None


def _add_user(users_file: Path | None, name: str) -> None:
    from docmatch.web.auth import hash_password

    if users_file is None:
        raise click.UsageError("set DOCMATCH_WEB_USERS_FILE to the users file first")
    if ":" in name or not name.strip():
        raise click.BadParameter("a user name must be non-empty and contain no ':'", param_hint="--add-user")
    password = click.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    users_file.parent.mkdir(parents=True, exist_ok=True)
    with users_file.open("a", encoding="utf-8") as handle:
        handle.write(f"{name}:{hash_password(password)}\n")
    users_file.chmod(0o600)
    click.echo(f"added {name} to {users_file}", err=True)


def _mount_intake(app, settings) -> None:  # type: ignore[no-untyped-def]
    """Serve the Odoo Documents webhook and the upload endpoint from the same process."""
    try:
        from docmatch.ingest.webhook import create_app as create_intake_app
    except ImportError:
        return
    # Mounted last, so it only receives the paths the web interface does not serve.
    app.mount("/", create_intake_app(settings))


commands = [serve_command]
