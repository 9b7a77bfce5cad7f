"""A throw-away PostgreSQL database for a benchmark: created empty, used through Django, dropped at
the end whatever happens (shared by the benchmarks that measure tipnet on PostgreSQL)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


def in_throwaway_database(server: str, label: str, run: Callable[[], None]) -> None:
    """Create ``tipnet_bench_<label>_<hex>`` on ``server`` (trust auth), point Django at it (demo
    mode, a temporary data folder), call ``run`` and drop the database afterwards."""
    import psycopg
    from psycopg import sql

    name = f"tipnet_bench_{label}_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(server)._replace(path="/" + name))
    os.environ.setdefault("TIPNET_DATA_DIR", tempfile.mkdtemp(prefix="tipnet-bench-"))
    os.environ.setdefault("TIPNET_MODE", "demo")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tipnet.web.settings"
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
