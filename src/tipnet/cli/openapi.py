"""``tipnet openapi``: print the API's OpenAPI 3 document (the one checked in as docs/openapi.json)."""

from __future__ import annotations

import click

from tipnet.cli._django import setup_django


@click.command(name="openapi")
def openapi() -> None:
    """Print the OpenAPI document of /api/v1/ as JSON."""
    setup_django()
    from tipnet.web.api.api import dump_openapi

    click.echo(dump_openapi(), nl=False)


COMMANDS = [openapi]
