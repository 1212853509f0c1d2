"""`docmatch serve`: the evidence view, the dashboard and the intake endpoints."""

from __future__ import annotations

from pathlib import Path

import click

from docmatch.web.users import MIN_PASSWORD_LENGTH


@click.command("serve")
@click.option("--host", default="127.0.0.1", help="Address to listen on; put a TLS reverse proxy in front for anything but loopback.")
@click.option("--port", default=8080, type=click.IntRange(1, 65535), help="TCP port to listen on.")
@click.option(
    "--add-user",
    "new_user",
    metavar="NAME",
    help=f"Add NAME to DOCMATCH_WEB_USERS_FILE, or set a new password for NAME, and exit. Asks for a password of at least {MIN_PASSWORD_LENGTH} characters.",
)
def serve_command(host: str, port: int, new_user: str | None) -> None:
    """Serve the web interface on HOST:PORT until interrupted.

    Evidence links point at http://HOST:PORT unless DOCMATCH_WEB_BASE_URL sets the
    address reviewers use. The dashboard and the case list need a user from
    DOCMATCH_WEB_USERS_FILE (create one with --add-user NAME) or a reverse proxy's
    DOCMATCH_WEB_AUTH_HEADER.
    """
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
    _check_login(settings)
    settings = _links_to_this_server(settings, host, port)
    store = Store.from_settings(settings)
    store.migrate()
    app = create_app(settings, StoreRepository(store))
    _mount_intake(app, settings)
    click.echo(f"docmatch web interface on http://{_url_host(host)}:{port}/ (evidence links use {settings.web_base_url})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _url_host(host: str) -> str:
    """Return `host` as it goes into a URL: a wildcard address becomes loopback, IPv6 gets brackets."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _links_to_this_server(settings, host: str, port: int):  # type: ignore[no-untyped-def]
    """Return the settings with evidence links pointing at HOST:PORT, unless DOCMATCH_WEB_BASE_URL is set."""
    if "web_base_url" in settings.model_fields_set:
        return settings
    base_url = f"http://{_url_host(host)}:{port}"
    if base_url != settings.web_base_url:
        click.echo(f"note: tickets opened by `docmatch process` and the workers link to {settings.web_base_url}; set DOCMATCH_WEB_BASE_URL={base_url} for them too", err=True)
    if host in ("", "0.0.0.0", "::"):
        click.echo("note: evidence links use a loopback address; set DOCMATCH_WEB_BASE_URL to the address reviewers reach this server at", err=True)
    return settings.model_copy(update={"web_base_url": base_url})


def _check_login(settings) -> None:  # type: ignore[no-untyped-def]
    """Warn when no one can log in to the dashboard; stop on a users file with an invalid line.

    Raises:
        UsersFileError: a line of the users file is not a user entry, or it cannot be read.
    """
    from docmatch.web.users import read_users

    if settings.web_auth_header:
        return
    users_file = settings.web_users_file
    if users_file is None:
        click.echo("warning: no users configured, so the dashboard answers 503; set DOCMATCH_WEB_USERS_FILE to a file path and run: docmatch serve --add-user NAME", err=True)
        return
    if not users_file.exists():
        click.echo(f"warning: the users file {users_file} (DOCMATCH_WEB_USERS_FILE) does not exist, so the dashboard answers 503; create it with: docmatch serve --add-user NAME", err=True)
        return
    if not read_users(users_file):
        click.echo(f"warning: the users file {users_file} holds no users, so no one can log in; add one with: docmatch serve --add-user NAME", err=True)


def _check_port_free(host: str, port: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port") from None


def _add_user(users_file: Path | None, name: str) -> None:
    """Write NAME's line into the users file, replacing an earlier line of the same name."""
    from docmatch.web.users import hash_password, read_users

    if users_file is None:
        raise click.UsageError("set DOCMATCH_WEB_USERS_FILE to the path of the users file first (it is created if missing)")
    if not name or ":" in name or any(character.isspace() for character in name):
        raise click.BadParameter("a user name must be non-empty and contain no ':' and no spaces", param_hint="--add-user")
    # Reading the file first raises on an invalid line, so no user is added to a file
    # that `docmatch serve` would reject at start.
    known = read_users(users_file) if users_file.exists() else {}
    not_done = f"the password of {name} was not changed" if name in known else f"the user {name} was not added"
    password = _ask_password(name, not_done)
    other_lines = [line for line in _lines(users_file) if line.partition(":")[0].strip() != name]
    users_file.parent.mkdir(parents=True, exist_ok=True)
    users_file.write_text("".join(f"{line}\n" for line in [*other_lines, f"{name}:{hash_password(password)}"]), encoding="utf-8")
    users_file.chmod(0o600)
    click.echo(f"{'changed the password of' if name in known else 'added'} {name} in {users_file}", err=True)


# Number of short passwords after which --add-user stops prompting, so that piped input
# or a script that sends a wrong value ends with an error rather than a prompt loop.
PASSWORD_ATTEMPTS = 3


class PasswordNotSet(click.ClickException):
    """Failure of --add-user to get a usable password, which exits 2 like other invalid input."""

    exit_code = 2


def _ask_password(name: str, not_done: str) -> str:
    """Prompt for NAME's password and its confirmation.

    Raises:
        PasswordNotSet: PASSWORD_ATTEMPTS passwords were too short, or the input ended.
        click.Abort: the user pressed Ctrl-C; `not_done` is printed first.
    """
    short_passwords = 0

    def long_enough(password: str) -> str:
        nonlocal short_passwords
        if len(password) >= MIN_PASSWORD_LENGTH:
            return password
        short_passwords += 1
        characters = "character" if len(password) == 1 else "characters"
        problem = f"the password has {len(password)} {characters}; use at least {MIN_PASSWORD_LENGTH}"
        if short_passwords >= PASSWORD_ATTEMPTS:
            raise PasswordNotSet(f"{problem}. {_capitalise(not_done)} after {PASSWORD_ATTEMPTS} short passwords; run the command again")
        # click.prompt prints a UsageError and prompts again.
        raise click.UsageError(problem)

    try:
        return click.prompt(
            f"password for {name} (at least {MIN_PASSWORD_LENGTH} characters)",
            hide_input=True,
            confirmation_prompt=True,
            value_proc=long_enough,
        )
    except click.Abort as exc:
        # click raises Abort for both Ctrl-C and the end of the input, and only the
        # exception context distinguishes them.
        if isinstance(exc.__context__, EOFError):
            raise PasswordNotSet(f"the input ended before a password was confirmed; {not_done}") from None
        click.echo(_capitalise(not_done), err=True)
        raise


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lines(users_file: Path) -> list[str]:
    return users_file.read_text(encoding="utf-8").splitlines() if users_file.exists() else []


def _mount_intake(app, settings) -> None:  # type: ignore[no-untyped-def]
    """Serve the Odoo Documents webhook and the upload endpoint from the same process."""
    try:
        from docmatch.ingest.webhook import create_app as create_intake_app
    except ImportError:
        return
    # Mounted last, so it only receives the paths the web interface does not serve.
    app.mount("/", create_intake_app(settings))


commands = [serve_command]
