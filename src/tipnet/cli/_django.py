"""Start Django for a CLI command, turning configuration problems into exit code 2."""

from __future__ import annotations

import os

from tipnet.cli._errors import InputError


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipnet.web.settings")
    from tipnet.web.config import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as error:
        raise InputError(str(error)) from error
    from django.utils import translation

    translation.activate(cli_language())


def cli_language() -> str:
    """The language of CLI messages: TIPNET_LANGUAGE, else the locale (LANG), else English."""
    from django.conf import settings

    wanted = os.environ.get("TIPNET_LANGUAGE") or os.environ.get("LANG", "").split(".")[0]
    wanted = wanted.replace("_", "-").lower()
    codes = [code for code, _name in settings.LANGUAGES]
    for candidate in (wanted, wanted.split("-")[0]):
        if candidate in codes:
            return candidate
    return "en"


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
