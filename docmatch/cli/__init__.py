"""The `docmatch` command line.

Each command group lives in its own module below and exposes `commands`, a list of
click commands; `COMMAND_MODULES` names the modules to load. Heavy imports stay inside
the command functions so that `docmatch --help` answers at once.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from docmatch.errors import DocmatchError
from docmatch.logs import configure_logging, route_pdf_library_logs

COMMAND_MODULES = ["extract", "process", "demo", "worker", "serve", "intake", "odoo", "eval"]

log = logging.getLogger(__name__)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), default=None, help="Log level; defaults to DOCMATCH_LOG_LEVEL or WARNING.")
def cli(log_level: str | None) -> None:
    """Catch mismatches between business documents and Odoo, and hand them to reviewers."""
    from docmatch.settings import env_log_level

    level = log_level or env_log_level()
    configure_logging(level)
    route_pdf_library_logs(level)


for _name in COMMAND_MODULES:
    _module = importlib.import_module(f"docmatch.cli.{_name}")
    for _command in _module.commands:
        cli.add_command(_command)


def main() -> None:
    """Run the command line; docmatch's own errors print a message and a hint, not a traceback."""
    try:
        # Without standalone mode click returns the code of `click.exceptions.Exit` instead of exiting.
        code = cli.main(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DocmatchError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"hint: {exc.hint}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        # A file or folder named on the command line or in a setting could not be used.
        log.debug("command failed with an operating system error", exc_info=True)
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"error: {exc.strerror or exc}{where}", err=True)
        click.echo("hint: check that the path exists and that docmatch may read or write it; --log-level DEBUG shows the traceback", err=True)
        sys.exit(1)
