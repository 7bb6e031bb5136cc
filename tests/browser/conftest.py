"""A real server for the browser tests: werkzeug on a free port, a migrated temporary SQLite file,
demo data, a Huey consumer in threads started when a test needs it, and headless Debian Chromium.
With TEST_DATABASE_URL (and TEST_REDIS_URL) set, the same flows run on a throwaway PostgreSQL
database with Huey on Redis (`make test-browser-postgres`, as CI does).

Chromium comes from Debian (`/usr/bin/chromium`), not Playwright's download. Without it the tests
skip, except in CI (CI=true), where a missing browser is a failure.

The server sends its real Content-Security-Policy. Every browser context of a test is watched: a CSP
violation (the `securitypolicyviolation` event), an uncaught script error or a console error fails
the test; only the browser's own note of an HTTP 4xx answer a test asked for is let through.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from delivery.queue import huey
from delivery.testing import create_pg_database, drop_pg_database
from tests.helpers import PASSWORD, RUN_ID, SCREENSHOTS, TEST_DATABASE_URL, TEST_REDIS_URL, USER, sign_in

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Reports each CSP violation on the console, where the watch below collects it.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline code")
                + " in " + event.sourceFile + ":" + event.lineNumber);
});
"""
# Chromium's line for a 4xx answer (a wrong password's 401, a form's 422): the answer, not a fault.
HTTP_4XX = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d ")


class BrowserWatch:
    """The CSP violations, script errors and console errors of one browser context."""

    def __init__(self, context, expected: tuple[str, ...] = ()):
        self.problems: list[str] = []
        # Console errors a test causes on purpose (an injected 500, a dropped request): the browser's and
        # htmx's own reports of them. CSP violations and script errors are never expected.
        self.expected = [re.compile(pattern) for pattern in expected]
        context.add_init_script(CSP_REPORTER)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught: {error.error}"))

    def _console(self, message) -> None:
        if message.type == "error" and not HTTP_4XX.match(message.text) and not (
            "CSP violation" not in message.text and "Content Security Policy" not in message.text
            and any(pattern.search(message.text) for pattern in self.expected)
        ):
            self.problems.append(f"console error at {message.page.url if message.page else '?'}: {message.text}")

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


class QueueWorker:
    """A Huey consumer in this process's threads; a test starts it when it wants tasks to run."""

    def __init__(self):
        self.consumer = None

    def start(self) -> None:
        if self.consumer is None:
            from huey.consumer import Consumer

            self.consumer = Consumer(huey, workers=2, periodic=False, initial_delay=0.01,
                                     max_delay=0.1, check_worker_health=False)
            self.consumer.start()

    def stop(self) -> None:
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
            self.consumer = None


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Yield (base URL, app, queue worker) of a server on 127.0.0.1 and a free port."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from delivery.app import create_app
    from delivery.extensions import db
    from delivery.services.fixtures import load_demo

    root = tmp_path_factory.mktemp("browser")
    pg_name = None
    if TEST_DATABASE_URL:
        database_url, pg_name = create_pg_database(TEST_DATABASE_URL, name=f"delivery_browser_{RUN_ID}")
    else:
        database_url = f"sqlite:///{root / 'delivery.db'}"
    app = create_app({
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL if pg_name else "",
        "SECRET_KEY": "browser-tests-" + "x" * 32,
        "HTTPS": False,  # plain http on 127.0.0.1: Secure cookies would not come back
        "RATE_LIMIT": "off",
        # Every test signs in as the demo dispatcher: more than a real person does in a minute.
        "SIGN_IN_LIMIT": "1000/minute",
        "MEDIA_ROOT": str(root / "media"),
        "HUEY_IMMEDIATE": False,
        "HUEY_NAME": f"delivery-browser-{RUN_ID}",
        "HUEY_SQLITE_PATH": str(root / "huey.db"),
    })
    with app.app_context():
        upgrade()
        load_demo(db.session())
    # create_app bound the queue to this app: the consumer's threads use it (and its database)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    worker = QueueWorker()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app, worker
    finally:
        worker.stop()
        server.shutdown()
        thread.join(timeout=10)
        if pg_name:
            with app.app_context():
                db.engine.dispose()
            drop_pg_database(TEST_DATABASE_URL, pg_name)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server, request):
    """Make watched browser contexts on the live server; each fails the test on a CSP violation or
    a console error (but those `@pytest.mark.console_errors(pattern, ...)` says the test causes)."""
    base_url, _, _ = live_server
    made: list[tuple[object, BrowserWatch]] = []
    marker = request.node.get_closest_marker("console_errors")
    expected = tuple(marker.args) if marker else ()

    def make():
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        made.append((context, BrowserWatch(context, expected)))
        return context

    yield make
    for context, watch in made:
        context.close()
        watch.check()


@pytest.fixture
def page(new_context, request):
    """A signed-in page; a screenshot of where the test ended is saved under screenshots/."""
    page = new_context().new_page()
    page.set_default_timeout(15_000)
    sign_in(page, USER, PASSWORD)
    yield page
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)


@pytest.fixture
def after_polls():
    """Wait until a live region (by selector) has swapped in `count` more answers of its own, a condition
    rather than a guess at how long polls take: `after_polls(page, "#orders-table", 2)`."""

    def wait(page, region: str, count: int = 1) -> None:
        page.evaluate("""(selector) => {
          const region = document.querySelector(selector);
          region._swapsSeen = 0;
          region.addEventListener("htmx:afterSwap", (event) => {
            if (event.detail.target === region) region._swapsSeen += 1;
          });
        }""", region)
        page.wait_for_function("([selector, count]) => document.querySelector(selector)._swapsSeen >= count",
                               arg=[region, count], timeout=15_000)

    return wait
