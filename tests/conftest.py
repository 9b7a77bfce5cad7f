"""Test configuration shared by every test.

Databases: the suite runs on SQLite by default and on PostgreSQL when DATABASE_URL says so
(`.ci/run` runs it both ways). Chromium and PostgreSQL tests skip with a reason when those are
missing, unless TIPNET_REQUIRE names them ("browser,postgres"), which turns the skip into a failure.

TIPNET_DATABASE_TESTS_ONLY=1 leaves out the tests whose outcome cannot depend on the database (the
pure computations of tipnet.core, which never imports Django, and the command-line runs of them):
`.ci/run` sets it for the PostgreSQL pass, whose SQLite twin runs them, so the same statistics are
not computed twice on two shared cores.
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

from tests.support import REPO_ROOT, required  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["tests.support.FastArgon2Hasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _english_unless_the_test_says_otherwise():  # type: ignore[no-untyped-def]
    """Every test starts in English and leaves no language behind.

    Django's active language is per thread and outlives a test: a page request or an ``activate``
    in one test used to decide the language of the next, so some tests passed in the full run and
    failed alone (the default, LANGUAGE_CODE, is Japanese). Pages still pick their language per
    request; a test about another language activates it itself.
    """
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def needs_postgres(db):  # type: ignore[no-untyped-def]
    from django.db import connection

    if connection.vendor != "postgresql":
        required("postgres", "this test needs PostgreSQL: run with DATABASE_URL=postgres://... (.ci/run does)")
    return connection


#: Tests whose outcome cannot depend on the database: tipnet.core never imports Django (an import
#: contract checks it), and these commands only compute. A test among them that asks for a database
#: fixture is kept anyway (see `_uses_database`).
DATABASE_FREE = ("tests/core/", "tests/cli/test_estimate_cli.py", "tests/cli/test_estimate_odd_cli.py",
                 "tests/cli/test_latent_cli.py", "tests/cli/test_screen_cli.py")
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "tipnet_server", "live_server"}


def _uses_database(item: pytest.Item) -> bool:
    path = item.path.resolve().relative_to(REPO_ROOT).as_posix()
    if not path.startswith(DATABASE_FREE):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))) or item.get_closest_marker("django_db") is not None


def _browser_test_for_another_pass(item: pytest.Item) -> bool:
    """A browser test that the other CI pass runs (PostgreSQL's): all but those marked
    ``embedded_database``, which also look into the SQLite file."""
    in_e2e = "e2e" in item.path.resolve().relative_to(REPO_ROOT).parts[:2]
    return in_e2e and item.get_closest_marker("embedded_database") is None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Split the work between CI's two passes (each reported as "deselected"):

    - TIPNET_DATABASE_TESTS_ONLY=1 (the PostgreSQL pass) leaves out the database-free tests;
    - TIPNET_BROWSER_TESTS_ELSEWHERE=1 (the SQLite pass) leaves out the browser journeys, which the
      PostgreSQL pass runs against the production database, except those that also check the SQLite
      file. The README's plain ``uv run pytest`` runs everything.
    """
    left_out = []
    if os.environ.get("TIPNET_DATABASE_TESTS_ONLY") == "1":
        left_out += [item for item in items if not _uses_database(item)]
    if os.environ.get("TIPNET_BROWSER_TESTS_ELSEWHERE") == "1":
        left_out += [item for item in items if _browser_test_for_another_pass(item)]
    if left_out:
        gone = set(map(id, left_out))
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if id(item) not in gone]
