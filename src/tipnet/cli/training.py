"""``tipnet training check [DIR]``: check practice cases for their authors.

One line per case (``ok`` or ``FAIL``, the id, the engine's result), each problem indented below
it, and a last line ``N cases, M problems``. Exit 0 when every case says what the rules say, 1 when
a case's file or expected result disagrees, 2 on bad input (no such directory, no case files, a
file that is not readable TOML).
"""

from __future__ import annotations

from pathlib import Path

import click

from tipnet.cli._errors import InputError
from tipnet.core.training import CheckInputError, case_dir, check_directory


@click.group("training")
def training() -> None:
    """Practice cases and training for victim identification."""


@training.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def check(directory: Path | None) -> None:
    """Check the practice cases in DIRECTORY (default: the cases shipped with tipnet)."""
    try:
        results = check_directory(directory or case_dir())
    except CheckInputError as exc:
        raise InputError(str(exc)) from None
    problems = 0
    for result in results:
        click.echo(result.line())
        for problem in result.problems:
            click.echo(f"    - {problem}")
        problems += len(result.problems)
    click.echo(f"{len(results)} cases, {problems} problems")
    if problems:
        raise SystemExit(1)


COMMANDS = [training]
