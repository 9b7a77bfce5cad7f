"""``tipnet screen``: screen one answers object or a JSON list of them, for checking and batch use.

Output with ``--json`` is one object per input (a list for a list); without it, a readable
explanation per input. Bad JSON, an unknown id or a bad value exits with code 2 and a message that
names the problem (and the item number for a list).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tipnet.cli._errors import InputError
from tipnet.core.screening import (
    Catalogue,
    CatalogueError,
    ScreeningInputError,
    default_catalogue,
    load_catalogue,
    parse_answers,
)
from tipnet.core.screening import (
    screen as run_screen,
)


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise InputError(f"{source}: cannot read ({exc.__class__.__name__})") from None


@click.command("screen")
@click.argument("answers_file", metavar="ANSWERS.json")
@click.option("--json", "as_json", is_flag=True, help="Print JSON results instead of a readable explanation.")
@click.option("--catalogue", "catalogue_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Use an edited copy of the catalogue data directory (to test a correction).")
def screen(answers_file: str, as_json: bool, catalogue_dir: Path | None) -> None:
    """Screen ANSWERS.json ("-" for stdin) for ILO/EC trafficking indicators (rules R1-R7).

    The file holds one answers object or a list of them:
    {"profile", "age", "form", "present": [ids], "unknown": [ids],
    "context": {"commercial_sex", "third_party_acts", "visa"}}. Ids not listed are absent.
    A result is a screening aid, never a legal determination.
    """
    try:
        catalogue: Catalogue = load_catalogue(catalogue_dir) if catalogue_dir else default_catalogue()
    except CatalogueError as exc:
        raise InputError(f"catalogue: {exc}") from None
    text = _read(answers_file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{answers_file}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None

    items = data if isinstance(data, list) else [data]
    parsed = []
    for n, item in enumerate(items, start=1):
        try:
            parsed.append(parse_answers(item, catalogue))
        except ScreeningInputError as exc:
            where = f"{answers_file}: item {n}" if isinstance(data, list) else answers_file
            raise InputError(f"{where}: {exc}") from None
    results = [run_screen(a, catalogue) for a in parsed]

    if as_json:
        out = [r.to_dict() for r in results]
        click.echo(json.dumps(out if isinstance(data, list) else out[0], ensure_ascii=False, indent=2))
        return
    for n, result in enumerate(results, start=1):
        if len(results) > 1:
            click.echo(f"--- item {n} ---")
        click.echo(result.summary())


COMMANDS = [screen]
