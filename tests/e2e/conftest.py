"""Fixtures for the real-browser tests: the real app in a subprocess, and Chromium via Playwright.

The app is started as a person would start it: a fresh data folder, ``tipnet demo --no-serve``
(migrations and demo users), then ``tipnet serve`` on a free port. Nothing in-process: pytest-django's
live_server would flush the database between tests, which the append-only audit log forbids.

Database: PostgreSQL when DATABASE_URL says so (a fresh ``tipnet_e2e_<hex>`` database is created
there and dropped afterwards), otherwise SQLite in the temporary data folder.

Every test under tests/e2e is marked ``browser``; without /usr/bin/chromium they skip, or fail when
TIPNET_REQUIRE contains "browser".
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support import REPO_ROOT, required, tipnet_executable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TOTP_STEP = 30
SERVER_START_SECONDS = 60


def _retry_screenshots() -> None:
    """Make ``Page.screenshot`` try again when Chromium answers "Unable to capture screenshot".

    Headless Chromium sometimes refuses a capture while its compositor is starved (two test passes
    share two cores in CI): a CI run failed on nothing else. The page is fine and a second attempt a
    moment later succeeds, so every screenshot in the suite (and the failure screenshots) gets up to
    three attempts; any other error, or a third refusal, is raised as before.
    """
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import Page
    except ImportError:  # without Playwright the browser tests skip anyway
        return
    original = Page.screenshot
    if getattr(original, "tipnet_retries", False):
        return

    def screenshot(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        for attempt in range(3):
            try:
                return original(self, *args, **kwargs)
            except PlaywrightError as error:
                if "Unable to capture screenshot" not in str(error) or attempt == 2:
                    raise
                time.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    screenshot.tipnet_retries = True  # type: ignore[attr-defined]
    Page.screenshot = screenshot  # type: ignore[method-assign]


_retry_screenshots()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in tests/e2e (and only those) as a browser test, and run them last.

    Playwright's sync API keeps an asyncio event loop running in the main thread from the first
    browser test to the end of the session, and Django refuses database work in a thread with a
    running loop (SynchronousOnlyOperation). pytest-django moves the tests without a database after
    the others, which put some of them after the browser tests; running the browser tests last (after
    pytest-django's own reordering: trylast) keeps every other test out of that loop's way.
    """
    browser, others = [], []
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            browser.append(item)
        else:
            others.append(item)
    items[:] = others + browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Remember each phase's outcome on the item, so page fixtures can screenshot failures."""
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    server = getattr(item, "funcargs", {}).get("tipnet_server")
    if report.when == "call" and report.failed and isinstance(server, TipnetServer):
        tail = server.log_tail()
        if tail:
            report.sections.append(("tipnet serve log (last lines)", tail))
    return report


# --- the app -------------------------------------------------------------------------------------


@dataclass
class TipnetServer:
    """The running app: where it answers and how to ask it for a demo user's current code."""

    base_url: str
    env: dict[str, str]
    data_dir: Path
    log: Path
    _used_steps: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's output (errors, refused requests), for failure reports."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def totp(self, username: str) -> str:
        """The 6-digit code of ``username`` from `tipnet totp USERNAME`.

        django-otp accepts each time step only once per user (replay protection), so when a code
        of the current 30-second step was already handed out for this user, wait for the next step.
        """
        with self._lock:
            while True:
                last = self._used_steps.get(username)
                now = time.time()
                if last is not None and int(now // TOTP_STEP) <= last:
                    time.sleep((last + 1) * TOTP_STEP - now + 0.2)
                    continue
                before = int(time.time() // TOTP_STEP)
                result = subprocess.run(
                    [tipnet_executable(), "totp", username],
                    env=self.env, capture_output=True, text=True, timeout=60,
                )
                after = int(time.time() // TOTP_STEP)
                if result.returncode != 0:
                    raise AssertionError(f"`tipnet totp {username}` failed:\n{result.stdout}{result.stderr}")
                if before != after:
                    continue  # the step changed while the command ran: ask again, unambiguously
                code = result.stdout.strip()
                assert code.isdigit() and len(code) == 6, f"`tipnet totp` printed {result.stdout!r}"
                self._used_steps[username] = after
                return code


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="session")
def _e2e_database_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database when DATABASE_URL points to PostgreSQL; None means SQLite."""
    server_url = os.environ.get("DATABASE_URL", "").strip()
    if not _is_postgres(server_url):
        yield None
        return
    import psycopg
    from psycopg import sql

    name = f"tipnet_e2e_{secrets.token_hex(6)}"
    parts = urlsplit(server_url)

    def connect_to_server():  # type: ignore[no-untyped-def]
        """The maintenance database first (the URL's own database need not exist yet)."""
        candidates = [urlunsplit(parts._replace(path="/postgres")), server_url]
        for index, url in enumerate(candidates):
            try:
                return psycopg.connect(url, autocommit=True, connect_timeout=10)
            except psycopg.OperationalError as error:
                if index == len(candidates) - 1:
                    required("postgres", f"cannot reach the PostgreSQL server in DATABASE_URL: {error}")
                    raise
        raise AssertionError("not reached")

    with connect_to_server() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with connect_to_server() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"`tipnet serve` exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"`tipnet serve` did not answer /healthz within {SERVER_START_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def tipnet_server(_e2e_database_url: str | None) -> Iterator[TipnetServer]:
    """The real app, set up with `tipnet demo --no-serve` and served by `tipnet serve`."""
    tipnet = tipnet_executable()
    data_dir = Path(tempfile.mkdtemp(prefix="tipnet-e2e-"))
    env = dict(os.environ)
    # A person's shell: only what the app documents, nothing inherited from the test process.
    for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "TIPNET_PEPPER", "TIPNET_ALLOWED_HOSTS", "DATABASE_URL"):
        env.pop(name, None)
    env["TIPNET_DATA_DIR"] = str(data_dir)
    env["TIPNET_MODE"] = "demo"
    if _e2e_database_url is not None:
        env["DATABASE_URL"] = _e2e_database_url

    setup = subprocess.run([tipnet, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300)
    if setup.returncode != 0:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise AssertionError(f"`tipnet demo --no-serve` failed ({setup.returncode}):\n{setup.stdout}{setup.stderr}")

    port = _free_port()
    log = data_dir / "serve.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [tipnet, "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
            env=env, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log)
        yield TipnetServer(base_url=base_url, env=env, data_dir=data_dir, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright (no downloaded browser)."""
    if not CHROMIUM.exists():
        required("browser", "Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        required("browser", "Playwright for Python is not installed (uv sync --group dev)")
        raise
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


def _keep_on_machine(context, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Safety net: any request to another origin is aborted, so no test ever leaves the machine.
    Tests that expect one (quick exit) add a page route, which takes precedence."""
    context.route(lambda url: not url.startswith(base_url + "/"), lambda route: route.abort())


def new_context(browser, server: TipnetServer, **options):  # type: ignore[no-untyped-def]
    """A fresh browser context (own cookies) whose relative URLs go to the app."""
    options.setdefault("locale", "en-US")
    options.setdefault("viewport", DESKTOP)
    context = browser.new_context(base_url=server.base_url, **options)
    context.set_default_timeout(15_000)
    _keep_on_machine(context, server.base_url)
    return context


def _screenshot_on_failure(request: pytest.FixtureRequest, page) -> None:  # type: ignore[no-untyped-def]
    report = getattr(request.node, "e2e_report_call", None)
    if report is not None and report.failed and not page.is_closed():
        target = ARTIFACTS / "failures"
        target.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid.split("::", 1)[-1])
        try:
            page.screenshot(path=str(target / f"{name}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a failed screenshot must not hide the real failure
            pass


@pytest.fixture
def make_context(browser, tipnet_server: TipnetServer, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Factory for more contexts in one test (a second person); all are closed at the end."""
    contexts = []

    def make(**options):  # type: ignore[no-untyped-def]
        context = new_context(browser, tipnet_server, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        for page in context.pages:
            _screenshot_on_failure(request, page)
        context.close()


@pytest.fixture
def page(make_context):  # type: ignore[no-untyped-def]
    """A page in a new context (English locale, JavaScript on)."""
    return make_context().new_page()


@pytest.fixture
def page_nojs(make_context):  # type: ignore[no-untyped-def]
    """A page in a new context with JavaScript disabled."""
    return make_context(java_script_enabled=False).new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go (test-artifacts/, gitignored); the README tour copies a few."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
