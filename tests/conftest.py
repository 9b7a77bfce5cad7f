"""Test configuration shared by every test.

Databases: the suite runs on SQLite by default and on PostgreSQL when DATABASE_URL says so
(`.ci/run` runs it both ways). Chromium and PostgreSQL tests skip with a reason when those are
missing, unless TIPNET_REQUIRE names them ("browser,postgres"), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("TIPNET_DATA_DIR", tempfile.mkdtemp(prefix="tipnet-test-"))
os.environ.setdefault("TIPNET_MODE", "demo")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipnet.web.settings")

import django  # noqa: E402
import pytest  # noqa: E402

django.setup()

from tests.support import required  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["tests.support.FastArgon2Hasher", *settings.PASSWORD_HASHERS]


@pytest.fixture
def needs_postgres(db):  # type: ignore[no-untyped-def]
    from django.db import connection

    if connection.vendor != "postgresql":
        required("postgres", "this test needs PostgreSQL: run with DATABASE_URL=postgres://... (.ci/run does)")
    return connection
