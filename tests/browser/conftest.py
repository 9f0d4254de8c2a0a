"""Playwright against pytest-django's live server, driving Debian's chromium (never a
downloaded browser). Tests here are marked `browser`; tests/conftest.py skips them when
chromium is missing, and fails them under CI=true."""

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.conftest import CHROMIUM


# With SQLite the live server's request threads all share the test's one in-memory
# connection: two requests at once (an autosave while the page moves on) break each other's
# transaction ("no such savepoint"). One request at a time there; PostgreSQL threads have
# connections of their own.
class OneRequestAtATimeServer(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        # The live server thread itself runs with the test's connection (LiveServerThread.run).
        super().__init__(*args, **kwargs)


if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    LiveServerThread.server_class = OneRequestAtATimeServer

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def browser(monkeypatch):
    """One browser per test: Playwright's sync API runs an event loop in this thread, and
    Django refuses ORM calls while one runs unless told they are safe. Per test, so the
    loop and the flag end with it and never reach other tests or their subprocesses."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page reports what its Content-Security-Policy refused; an init script runs before
# the page's own scripts and is not subject to the policy.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", function (e) {
  window.cspViolation([e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber, e.sample].join(" "));
});"""


def watch_csp(context) -> list[str]:
    """The CSP violations of every page of the browser context, as they happen: the page's
    `securitypolicyviolation` events and chromium's console messages about the policy."""
    violations: list[str] = []
    context.expose_binding("cspViolation", lambda source, text: violations.append(f"{source['frame'].url}: {text}"))
    context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.on("console", on_console)
    return violations


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh phone-sized tab in Vietnamese; `page.base_url` is the live server;
    `page.csp_violations` what the policy refused so far, which must be nothing when the test ends."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url)
    context.set_default_timeout(10_000)
    violations = watch_csp(context)
    tab = context.new_page()
    tab.csp_violations = violations
    yield tab
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def log_in(page):
    """Log in through allauth's form by its stable field names, whatever its styling."""

    def _log_in(email: str, password: str):
        page.goto("/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return _log_in


def menu_link(page, name):
    """A link of the main menu, opening "Thêm" first when the link is under it."""
    nav = page.get_by_role("navigation", name="Menu chính")
    link = nav.get_by_role("link", name=name, exact=True)
    if link.count() == 0:
        nav.locator("details.nav-more > summary").click()
    return link


def unread_notices(page) -> int:
    """The count on the menu's notices link (0 when it shows none), read off the page now shown,
    not the one just left."""
    page.wait_for_load_state()
    badge = page.get_by_role("navigation", name="Menu chính").locator("a[href='/notices/'] .badge").first
    return int(badge.inner_text()) if badge.count() else 0


def log_out(page):
    """"Đăng xuất", the last entry under the menu's "Thêm"."""
    nav = page.get_by_role("navigation", name="Menu chính")
    nav.locator("details.nav-more > summary").click()
    nav.get_by_role("button", name="Đăng xuất").click()
