"""Shared helpers for CLI commands: one way to report bad input (exit code 2)."""

from __future__ import annotations

import click


class InputError(click.ClickException):
    """Bad input from the user: printed as ``Error: <message>`` on stderr, exit code 2."""

    exit_code = 2
