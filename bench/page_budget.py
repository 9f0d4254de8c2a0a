"""Row P6 of `make bench`: the page budget of a cadre on a phone over slow mobile data. The
registration form and the home page, each opened cold (a new browser profile: no cache, no
service worker yet) in chromium against gunicorn with the production settings, under slow
3G (400 kbps both ways, 400 ms round trip, through CDP `Network.emulateNetworkConditions`)
and 4× CPU throttling (`Emulation.setCPUThrottlingRate`). Measured: the bytes transferred
until the page's load event (`Network.loadingFinished` encodedDataLength: compressed bodies
and headers) and the first contentful paint. Passes with each page ≤ 150 KB and ≤ 3 s.

    DATABASE_URL=postgres://… DEBUG=0 SECRET_KEY=… .venv/bin/python bench/page_budget.py

needs static files collected (`manage.py collectstatic`) and a province with registrations
(`manage.py generate_province`); run by bench/run.py after both.
"""

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script too

from bench.load import free_port, start_gunicorn  # noqa: E402
from bench.rows import QUICK  # noqa: E402

CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
MAX_BYTES, MAX_PAINT = 150 * 1024, 3.0
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = 4
RUNS = 1 if QUICK else 3  # each a cold profile; the median is reported


@dataclass
class PageLoad:
    name: str
    path: str
    bytes: int
    paint: float  # seconds to the first contentful paint

    @property
    def passed(self) -> bool:
        return self.bytes <= MAX_BYTES and self.paint <= MAX_PAINT


def cadre_session() -> tuple[str, dict[str, str]]:
    """A logged-in session for a chi đoàn member with a registration, and the pages to open:
    the form itself (its edit page while it can be edited, else its page) and home."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from cadres import privacy
    from cadres.models import Cadre, Consent, UnitLevel, User
    from evaluations.models import Registration, RegistrationState

    forms = Registration.objects.filter(unit__level=UnitLevel.BRANCH, cadre__user__isnull=True,
                                        cadre__archived_at__isnull=True).order_by("pk")
    registration = (forms.filter(state__in=[RegistrationState.DRAFT, RegistrationState.RETURNED]).first()
                    or forms.first())
    if registration is None:
        raise RuntimeError("the province has no registration of a chi đoàn member without an account")
    cadre = Cadre.objects.get(pk=registration.cadre_id)
    cadre.user = User.objects.create(email=f"budget-{cadre.pk}@bench.example.com", full_name=cadre.full_name,
                                     password=make_password(None))
    cadre.save(update_fields=["user"])
    Consent.objects.create(user=cadre.user, version=privacy.VERSION)  # past the notice, as after a first login
    session = SessionStore()
    session[SESSION_KEY] = str(cadre.user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = cadre.user.get_session_auth_hash()
    session.create()
    editable = registration.state in (RegistrationState.DRAFT, RegistrationState.RETURNED)
    form = reverse("registration_edit" if editable else "registration_detail", args=[registration.pk])
    return session.session_key, {"registration form": form, "home": reverse("home")}


def load_cold(browser, base: str, session: str, name: str, path: str) -> PageLoad:
    # Cold: nothing installed, nothing cached; as behind the HTTPS proxy the production settings expect.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", service_workers="block",
                                  extra_http_headers={"X-Forwarded-Proto": "https"})
    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    transferred: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda event: transferred.__setitem__(event["requestId"],
                                                                            event["encodedDataLength"]))
    response = page.goto(base + path, wait_until="load", timeout=120_000)
    if response is None or response.status != 200 or "/accounts/login/" in page.url:
        context.close()
        raise RuntimeError(f"{name}: {path} answered {response and response.status} at {page.url}")
    paint = page.evaluate("""() => {
        const entry = performance.getEntriesByName("first-contentful-paint")[0];
        return entry ? entry.startTime / 1000 : null;
    }""")
    context.close()
    if paint is None:
        raise RuntimeError(f"{name}: no first contentful paint recorded")
    return PageLoad(name, path, int(sum(transferred.values())), paint)


def measure(session: str, pages: dict[str, str]) -> list[PageLoad]:
    import statistics

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(os.path.join(folder, "gunicorn.log"), "w") as log:
            server = start_gunicorn(port, log)
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                         args=["--no-sandbox", "--disable-gpu"])
                    try:
                        results = []
                        for name, path in pages.items():
                            runs = [load_cold(browser, base, session, name, path) for _ in range(RUNS)]
                            results.append(PageLoad(name, path, int(statistics.median(r.bytes for r in runs)),
                                                    statistics.median(r.paint for r in runs)))
                        return results
                    finally:
                        browser.close()
            finally:
                server.terminate()
                server.wait(30)


def p6(notes: list[str]):
    from bench.rows import Row, ms

    target = f"each ≤ {MAX_BYTES // 1024} KB, first paint ≤ {MAX_PAINT:g} s"
    figure = f"cold page, slow 3G (400 kbps, 400 ms RTT), {CPU_SLOWDOWN}× CPU (median of {RUNS})"
    if not Path(CHROMIUM).exists():
        return Row("P6", figure, "–", "–", "–", target, None, f"no chromium at {CHROMIUM}")
    session, pages = cadre_session()
    loads = measure(session, pages)
    notes.append("P6: " + "; ".join(f"{load.name} ({load.path}) {load.bytes / 1024:.1f} KB transferred, first "
                                    f"contentful paint {ms(load.paint)}" for load in loads) + ".")
    return Row("P6", figure, ", ".join(f"{load.name} {load.bytes / 1024:.0f} KB / {ms(load.paint)}" for load in loads),
               "–", "–", target, all(load.passed for load in loads))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django_scopes import scope

    from cadres.models import Tenant

    bench_tenant = Tenant.objects.get(slug=os.environ.get("BENCH_TENANT", "bench"))
    with scope(tenant=bench_tenant.pk):
        found: list[str] = []
        print(p6(found))
        print("\n".join(found))
