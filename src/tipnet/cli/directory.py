"""``tipnet directory import|export|seed`` and ``tipnet leaflet``: the services directory from the shell.

Bad input (unreadable file, a bad CSV row, an unknown language or prefecture, a missing font)
exits with code 2 and a message naming the problem; a failed import changes nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from tipnet.cli._django import setup_django
from tipnet.cli._errors import InputError


@click.group(name="directory")
def directory() -> None:
    """The services directory: import and export CSV, load the seed data."""


@directory.command(name="import")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(path_type=Path))
def import_command(csv_file: Path) -> None:
    """Import FILE.csv (UTF-8): new rows are added, rows with an id update that service.
    Every row is checked first; if one is wrong, nothing is imported."""
    setup_django()
    from tipnet.web.directory.csv_io import CsvImportError
    from tipnet.web.directory.services import directory_import_csv

    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{csv_file}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{csv_file}: not UTF-8 text; save it as CSV (UTF-8)") from None
    except (IsADirectoryError, PermissionError) as error:
        raise InputError(f"{csv_file}: cannot read ({error.__class__.__name__})") from None
    try:
        counts = directory_import_csv(actor=None, text=text)
    except CsvImportError as error:
        lines = "\n".join(f"  {csv_file}: {problem}" for problem in error.problems)
        raise InputError(f"nothing was imported; fix these lines:\n{lines}") from None
    click.echo(f"imported {csv_file}: {counts['created']} new, {counts['updated']} updated")


@directory.command(name="export")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(path_type=Path, dir_okay=False))
def export_command(csv_file: Path) -> None:
    """Write the whole directory to FILE.csv ("-" for standard output). Audited as an export."""
    setup_django()
    from tipnet.web.directory.models import Service
    from tipnet.web.directory.services import directory_export_csv

    rows = list(Service.objects.select_related("organisation").order_by("organisation__name", "name"))
    text = directory_export_csv(actor=None, services=rows)
    if str(csv_file) == "-":
        click.echo(text, nl=False)
        return
    try:
        csv_file.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"{csv_file}: cannot write ({error.strerror})") from None
    click.echo(f"exported {len(rows)} services to {csv_file}", err=True)


@directory.command(name="seed")
@click.option("--demo/--no-demo", default=None, help="Also load the demo entries (default: in demo mode only).")
def seed_command(demo: bool | None) -> None:
    """Load the real providers (each marked "to verify") and, in demo mode, the demo entries."""
    setup_django()
    from tipnet.cli._django import migrate
    from tipnet.web.directory.seed import directory_seed

    migrate()
    added = directory_seed(demo=demo)
    click.echo(f"directory seed: {added} services added")


@click.command(name="leaflet")
@click.option("--lang", "language", required=True, help="Page language: ja, en, vi, zh-hans, fil, th, id, es, pt-br.")
@click.option("--prefecture", default="", help="Prefecture: code (23), English (Aichi) or Japanese (愛知県) name; empty for nationwide services.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Where to write the PDF.")
def leaflet(language: str, prefecture: str, output: Path) -> None:
    """Write a printable one-page leaflet (PDF) with the services that fit a language and region."""
    setup_django()
    from django.conf import settings

    from tipnet.web.directory.leaflet import LeafletError, leaflet_pdf
    from tipnet.web.directory.prefectures import prefecture_lookup

    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        raise InputError(f"unknown language {language!r}; use one of: {', '.join(codes)}")
    place = prefecture_lookup(prefecture) if prefecture else None
    if prefecture and place is None:
        raise InputError(f"unknown prefecture {prefecture!r}; use a code 01-47 or a name such as Aichi or 愛知県")
    started = time.perf_counter()
    try:
        pdf = leaflet_pdf(language=language, prefecture=place)
    except LeafletError as error:
        raise InputError(str(error)) from None
    try:
        output.write_bytes(pdf)
    except OSError as error:
        raise InputError(f"{output}: cannot write ({error.strerror})") from None
    click.echo(f"wrote {output} ({len(pdf) // 1024} KiB, {time.perf_counter() - started:.1f} s)", err=True)


COMMANDS = [directory, leaflet]
