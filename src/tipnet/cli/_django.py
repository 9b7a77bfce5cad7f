"""Start Django for a CLI command, turning configuration problems into exit code 2."""

from __future__ import annotations

import os

import click


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipnet.web.settings")
    from tipnet.web.config import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as error:
        raise click.UsageError(str(error)) from error


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
