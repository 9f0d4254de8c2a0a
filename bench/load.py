"""Row P3 of `make bench`: 50 people for 60 s (1–5 s between two pages) against gunicorn with
the production settings (config/gunicorn.conf.py) on the generated province: cadre home,
registration form, review queue, dashboard and `/healthz`. Passes with 0 errors and each
page's p95 ≤ 3× the p95 of `/healthz` in the same run. A second run with no think time gives
the saturated throughput.

    DATABASE_URL=postgres://… DEBUG=0 SECRET_KEY=… ALLOWED_HOSTS=127.0.0.1 .venv/bin/python bench/load.py
"""

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))  # run as a script too

from bench.rows import QUICK  # noqa: E402

USERS, SECONDS, SATURATED_SECONDS = (50, 10, 5) if QUICK else (50, 60, 20)
PAGES = ("cadre home", "registration form", "review queue", "dashboard")
CADRE_ACCOUNTS, REVIEWER_ACCOUNTS = 40, 10


def make_accounts(tenant, cycle) -> list[dict]:
    """Logged-in sessions for cadres with a registration in the cycle, Bí thư of chi đoàn with
    forms waiting (a tỉnh or huyện Bí thư's queue is the staff's dashboard's business), and
    the generated huyện and province staff accounts."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from cadres import privacy
    from cadres.models import Cadre, Consent, Position, PositionRole, UnitLevel, User
    from evaluations.models import Registration, RegistrationState
    from reports.generator.people import account_emails

    password = make_password(None)  # unusable: these people never log in by password
    forms: dict[int, int] = {}  # cadre → one registration of theirs
    # Members of chi đoàn: the people the phone is for (a leader's home is a manager's page).
    for pk, cadre_id in (Registration.objects.filter(cycle=cycle, cadre__user__isnull=True, unit__level=UnitLevel.BRANCH)
                         .exclude(role=PositionRole.SECRETARY).order_by("pk").values_list("pk", "cadre_id")):
        forms.setdefault(cadre_id, pk)
        if len(forms) == CADRE_ACCOUNTS:
            break
    waiting_units = (Registration.objects.filter(cycle=cycle, state=RegistrationState.SUBMITTED)
                     .values("unit_id"))
    secretaries = (Position.objects.filter(unit_id__in=waiting_units, unit__level=UnitLevel.BRANCH,
                                           role=PositionRole.SECRETARY, end_date__isnull=True,
                                           cadre__user__isnull=True)
                   .exclude(cadre_id__in=forms).order_by("cadre_id").values_list("cadre_id", flat=True).distinct())
    people = [("cadre", cadre_id, {"cadre home": "/", "registration form": reverse("registration_detail", args=[pk])})
              for cadre_id, pk in forms.items()]
    people += [("reviewer", cadre_id, {"review queue": reverse("review_queue")})
               for cadre_id in secretaries[:REVIEWER_ACCOUNTS]]
    cadres = Cadre.objects.in_bulk([cadre_id for _kind, cadre_id, _urls in people])
    users = User.objects.bulk_create([User(email=f"load-{cadre_id}@bench.example.com",
                                           full_name=cadres[cadre_id].full_name, password=password)
                                      for _kind, cadre_id, _urls in people])
    for user, (_kind, cadre_id, _urls) in zip(users, people):
        cadres[cadre_id].user = user
    Cadre.objects.bulk_update(cadres.values(), ["user"])
    accounts = [(kind, user, urls) for user, (kind, _cadre_id, urls) in zip(users, people)]
    staff = User.objects.filter(email__in=account_emails(tenant.slug)[:2])
    accounts += [("manager", user, {"dashboard": reverse("reports_dashboard")}) for user in staff]
    # Past the privacy notice, as after their first login.
    Consent.objects.bulk_create([Consent(user=user, version=privacy.VERSION) for _kind, user, _urls in accounts],
                                ignore_conflicts=True)
    result = []
    for kind, user, urls in accounts:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        result.append({"kind": kind, "session": session.session_key, "urls": urls})
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, log) -> subprocess.Popen:
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=log)
    # Every worker warm (its "Worker ready" line, config/gunicorn.conf.py), then /healthz: the
    # run measures a server that is up, not workers still compiling templates beside it.
    workers = int(env.get("WEB_CONCURRENCY", "3"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with open(log.name, encoding="utf-8") as lines:
                ready = lines.read().count("Worker ready")
            if ready >= workers:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"gunicorn's {workers} workers were not all up within 60 s")


def run_locust(port: int, accounts_file: str, think: str, seconds: int, folder: str) -> dict[str, dict[str, str]]:
    """One headless locust run; its statistics per request name (and "Aggregated")."""
    prefix = os.path.join(folder, f"think-{think}")
    with open(f"{prefix}.log", "w") as log:  # locust's own summary table, not wanted in the bench output
        subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                        "--only-summary", "-u", str(USERS), "-r", str(USERS // 5), "-t", f"{seconds}s",
                        "--host", f"http://127.0.0.1:{port}", "--csv", prefix, "--loglevel", "WARNING",
                        "--stop-timeout", "10"],
                       cwd=ROOT, env={**os.environ, "BENCH_LOAD_ACCOUNTS": accounts_file, "BENCH_LOAD_THINK": think},
                       check=False, stdout=subprocess.DEVNULL, stderr=log)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def failures(folder: str, think: str) -> str:
    with open(os.path.join(folder, f"think-{think}_failures.csv"), encoding="utf-8") as rows:
        return "; ".join(f"{row['Name']}: {row['Error']} ×{row['Occurrences']}" for row in csv.DictReader(rows))


def p3(tenant, cycle, notes: list[str]):
    from bench.rows import Row, ms

    target = "0 errors; each p95 ≤ 3× /healthz p95"
    accounts = make_accounts(tenant, cycle)
    kinds = {kind: sum(1 for a in accounts if a["kind"] == kind) for kind in ("cadre", "reviewer", "manager")}
    with tempfile.TemporaryDirectory() as folder:
        accounts_file = os.path.join(folder, "accounts.json")
        Path(accounts_file).write_text(json.dumps(accounts))
        port = free_port()
        with open(os.path.join(folder, "gunicorn.log"), "w") as log:
            server = start_gunicorn(port, log)
            try:
                stats = run_locust(port, accounts_file, "1-5", SECONDS, folder)
                saturated = run_locust(port, accounts_file, "0", SATURATED_SECONDS, folder)
            finally:
                server.terminate()
                server.wait(30)
        failed = failures(folder, "1-5"), failures(folder, "0")
    missing = [name for name in (*PAGES, "/healthz") if name not in stats]
    if missing:
        return Row("P3", "50 people × 60 s", "–", "–", "–", target, None, f"no requests for {missing}")
    p95 = {name: float(stats[name]["95%"]) / 1000 for name in (*PAGES, "/healthz")}
    baseline = p95["/healthz"]
    ratios = {name: p95[name] / baseline for name in PAGES}
    errors = int(stats["Aggregated"]["Failure Count"])
    requests = int(stats["Aggregated"]["Request Count"])
    worst = max(ratios, key=ratios.get)
    notes.append("P3: " + ", ".join(f"{name} p95 {ms(p95[name])} (median {stats[name]['50%']} ms, "
                                    f"{stats[name]['Request Count']} requests)" for name in (*PAGES, "/healthz"))
                 + f"; accounts {kinds}; {float(stats['Aggregated']['Requests/s']):.1f} req/s with think time. "
                 f"Saturated (no think time, {USERS} users × {SATURATED_SECONDS} s): "
                 f"{float(saturated['Aggregated']['Requests/s']):.1f} req/s, p95 "
                 f"{float(saturated['Aggregated']['95%']):.0f} ms, {saturated['Aggregated']['Failure Count']} errors "
                 f"of {saturated['Aggregated']['Request Count']}."
                 + "".join(f" Errors ({label}): {text}." for label, text in zip(("think time", "saturated"), failed)
                           if text))
    return Row("P3", f"{USERS} people × {SECONDS} s, think 1–5 s, gunicorn production settings ({requests} requests)",
               f"worst p95 {worst} {ms(p95[worst])}, {errors} errors", f"/healthz p95 {ms(baseline)}",
               f"{ratios[worst]:.1f}×", target, errors == 0 and ratios[worst] <= 3)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django_scopes import scope

    from cadres.models import Tenant
    from evaluations.models import Cycle, CycleStatus

    bench_tenant = Tenant.objects.get(slug=os.environ.get("BENCH_TENANT", "bench"))
    with scope(tenant=bench_tenant.pk):
        open_cycle = Cycle.objects.filter(tenant=bench_tenant, status=CycleStatus.OPEN).order_by("-year").first()
        notes: list[str] = []
        print(p3(bench_tenant, open_cycle, notes))
        print("\n".join(notes))
