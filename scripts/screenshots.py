"""Screenshots of the main pages at phone width, one set per demo persona.

Usage: .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 /tmp/shots
The server must run with the demo data (`manage.py seed_demo`). Uses Debian's chromium.
"""

import os
import re
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")  # settings load without a SECRET_KEY; no database is touched
import django  # noqa: E402

django.setup()
from cadres.demo import DEMO_ACCOUNTS, DEMO_PASSWORD  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 360, "height": 740}


def shoot(page: Page, folder: Path, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    print(folder / f"{name}.png")


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def persona_pages(page: Page, base: str, folder: Path, prefix: str) -> None:
    page.goto(f"{base}/")
    shoot(page, folder, f"{prefix}-1-home")
    page.goto(f"{base}/me/")
    shoot(page, folder, f"{prefix}-2-me")
    if page.goto(f"{base}/units/").status != 200:
        return
    shoot(page, folder, f"{prefix}-3-units")
    toggle = page.locator(".tree .tree-toggle").first
    toggle.click()
    page.wait_for_selector(f"#{toggle.get_attribute('aria-controls')} > *")
    shoot(page, folder, f"{prefix}-4-units-expanded")
    page.locator(".tree a.item").first.click()
    shoot(page, folder, f"{prefix}-5-unit")
    page.goto(page.url + "cadres/")
    shoot(page, folder, f"{prefix}-6-cadres")
    page.locator("table.table tbody a").first.click()
    shoot(page, folder, f"{prefix}-7-cadre")


def main(base: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    base = base.rstrip("/")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        anonymous = browser.new_page(viewport=VIEWPORT, locale="vi-VN")
        anonymous.goto(f"{base}/accounts/login/")
        shoot(anonymous, folder, "0-login")
        for _tenant, _label, email in DEMO_ACCOUNTS:
            context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
            page = context.new_page()
            log_in(page, base, email)
            persona_pages(page, base, folder, email.split("@")[0])
            context.close()
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], Path(sys.argv[2]))
