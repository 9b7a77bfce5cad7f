"""The ``tipnet`` command.

Each module in this package defines its click commands and a ``COMMANDS`` list; the group below
discovers them, so adding a command never means editing this file. Bad input raises
``click.UsageError`` / ``click.BadParameter`` (exit code 2) with a message that names the problem.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from tipnet import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tipnet")
def main() -> None:
    """tipnet: reporting line, help directory, screening, cases and research for a network against trafficking."""


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            main.add_command(command)


_register_commands()
