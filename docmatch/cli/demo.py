"""`docmatch demo`: run the bundled demo end to end."""

from __future__ import annotations

import click


@click.command("demo")
def demo_command() -> None:
    """Process the bundled demo documents against the bundled Odoo snapshot."""
    # TODO: placeholder until the demo data set lands.
    raise click.ClickException("the demo data set is not bundled yet")


commands = [demo_command]
