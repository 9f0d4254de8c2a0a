"""The web is stateless: two gunicorn processes (config/gunicorn.conf.py) on different
ports, one database, one file storage, as two machines behind the reverse proxy. A person
logged in on one is logged in on the other (sessions live in the database, not in a
process's memory), and logged out on both at once; an evidence file uploaded through one is
downloaded through the other; a report requested on one is built (by a real Celery worker
when PostgreSQL and Redis are there, as in CI, else eagerly inside the web process that took
the request) and downloaded from the other. Once with the local file system shared by both,
once with an S3 bucket (moto's server, tests/conftest.py `s3_bucket`).

The database is the test database on PostgreSQL; on SQLite, whose test database lives in
the test's memory, a file copy of it that both servers open."""

import contextlib
import http.client
import io
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from PIL import Image

from evaluations.services.assessments import self_assessment_start
from tests.cadres.factories import PASSWORD
from tests.conftest import _redis_reachable, postgres_url, running_worker
from tests.evaluations.factories import HOURS, approved_registration, world

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "srl.test"  # the one name the proxy answers to, whichever server it picks
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return " ".join(self.body.decode().split())


@dataclass
class Browser:
    """One person's browser: what one server sets in a cookie is sent to the other, as the
    proxy shows both as one site."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, server: str, method: str, path: str, body: bytes = b"", content_type: str = "") -> Response:
        address, port = server.rsplit(":", 1)
        conn = http.client.HTTPConnection(address, int(port), timeout=60)
        headers = {"Host": HOST, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            conn.request(method, path, body=body or None, headers=headers)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response

    def get(self, server: str, path: str) -> Response:
        return self.request(server, "GET", path)

    def post(self, server: str, path: str, fields: dict[str, str], files: dict | None = None) -> Response:
        """A form posted with the CSRF token of the page it is on (`fields["csrfmiddlewaretoken"]`)."""
        if not files:
            return self.request(server, "POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]
        for name, (filename, data, kind) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: {kind}\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(server, "POST", path, body, f"multipart/form-data; boundary={boundary}")

    def token(self, server: str, path: str) -> str:
        page = self.get(server, path)
        assert page.status == 200, (path, page.status)
        found = CSRF.search(page.body.decode())
        assert found, f"no form on {path}"
        return found.group(1)

    def log_in(self, server: str, email: str) -> Response:
        token = self.token(server, reverse("account_login"))
        return self.post(server, reverse("account_login"), {"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD})


@contextlib.contextmanager
def web_server(env: dict[str, str], log: Path):
    """gunicorn with the project's configuration, one process of 4 threads on a free port;
    yields its address once /healthz answers."""
    env = {**env, "GUNICORN_BIND": "127.0.0.1:0", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4"}
    with open(log, "w") as out:
        # No control socket: two servers on one machine would share its default path.
        proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py",
                                 "--no-control-socket", "config.wsgi:application"],
                                cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline, address = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited early:\n{log.read_text()}")
            listening = re.search(r"Listening at: http://(127\.0\.0\.1:\d+)", log.read_text())
            if listening:
                address = listening.group(1)
                with contextlib.suppress(OSError):
                    if Browser().get(address, "/healthz").status == 200:
                        break
            time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not answer /healthz:\n{log.read_text()}")
        yield address
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 6), "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(params=["filesystem", "s3"])
def storage_env(request, tmp_path):
    if request.param == "filesystem":
        media = tmp_path / "media"
        media.mkdir()
        return {"STORAGE_BACKEND": "filesystem", "MEDIA_ROOT": str(media)}
    return request.getfixturevalue("s3_bucket").env


def shared_database(tmp_path: Path) -> str:
    """The address of a database both servers open, holding what the test wrote."""
    if connection.vendor == "postgresql":
        return postgres_url()
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{path}"


def test_two_web_processes_share_sessions_uploads_and_reports(storage_env, tmp_path):
    w = world()
    draft = self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "PYTEST_CURRENT_TEST", "PYTEST_VERSION", "REDIS_URL", "MEDIA_ROOT"}
           and not key.startswith(("S3_", "STORAGE_"))}
    # The tests' settings are production's, plain HTTP and the tests' password hasher aside.
    env.update(DJANGO_SETTINGS_MODULE="config.test_settings", SECRET_KEY="two-web-processes-one-secret-0123456789",
               ALLOWED_HOSTS=HOST, DATABASE_URL=shared_database(tmp_path),
               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", **storage_env)
    real_worker = connection.vendor == "postgresql" and _redis_reachable()
    with contextlib.ExitStack() as stack:
        if real_worker:
            env["REDIS_URL"] = settings.REDIS_URL
            queue, _worker = stack.enter_context(running_worker("--pool=solo", env=env))
            env["CELERY_QUEUE"] = queue
        a = stack.enter_context(web_server(env, tmp_path / "a.log"))
        b = stack.enter_context(web_server(env, tmp_path / "b.log"))
        assert a != b

        member = Browser()
        assert member.get(b, "/").status == 302  # not logged in yet
        assert member.log_in(a, w.member.user.email).status == 302
        home = member.get(b, "/")
        assert home.status == 200 and "Trần Thị Mai" in home.text

        # Evidence uploaded through one, downloaded through the other.
        edit = reverse("self_assessment_edit", args=[draft.pk])
        photo = png_bytes()
        uploaded = member.post(a, reverse("evidence_upload", args=[draft.pk]),
                               {"csrfmiddlewaretoken": member.token(a, edit), "criterion": str(w.criteria[HOURS].pk)},
                               files={"file": ("giay-khen.png", photo, "image/png")})
        assert uploaded.status == 302
        [link] = set(re.findall(r'href="([^"]*/evidence/\d+/)"', member.get(b, edit).body.decode()))
        download = member.get(b, link)
        assert download.status == 200 and download.body == photo
        assert download.headers["Content-Disposition"] == 'attachment; filename="giay-khen.png"'
        # Logged out on one, out on both: the session is gone from the database.
        assert member.post(b, reverse("account_logout"), {"csrfmiddlewaretoken": member.token(b, "/")}).status == 302
        assert member.get(a, "/").status == 302 and member.get(a, link).status == 302

        # A report requested on one, made by the worker (or the web process), downloaded from the other.
        staff = Browser()
        assert staff.log_in(b, w.provincial.email).status == 302
        dashboard = reverse("reports_unit_dashboard", args=[w.root.tenant.slug, w.root.code])
        requested = staff.post(a, reverse("report_file_request", args=[w.root.tenant.slug, w.root.code]),
                               {"csrfmiddlewaretoken": staff.token(b, dashboard), "cycle": str(w.cycle.year),
                                "kind": "summary_xlsx"})
        assert requested.status == 302, requested.text
        job_page = requested.headers["Location"]
        deadline = time.monotonic() + 90
        while "/download/" not in (page := staff.get(b, job_page)).text and time.monotonic() < deadline:
            assert "badge-error" not in page.text, page.text
            time.sleep(0.5)
        assert "Đã xong" in page.text, page.text
        [download_link] = set(re.findall(r'href="([^"]+/download/)"', page.body.decode()))
        report = staff.get(b, download_link)
        assert report.status == 200 and report.body.startswith(b"PK")
        assert "tong-hop" in report.headers["Content-Disposition"]
        assert staff.get(a, download_link).body == report.body
        # Who made it: the worker, or with no broker the web process that took the request.
        made_by_the_web = "generate_report_file" in (tmp_path / "a.log").read_text()
        assert made_by_the_web is not real_worker


@pytest.mark.django_db(transaction=False)
def test_compose_runs_two_web_and_two_worker_replicas_behind_the_proxy_on_shared_storage():
    """docker-compose.yml as this test runs it (no Docker daemon here): read, not started."""
    import yaml

    base = Path(settings.BASE_DIR)
    services = yaml.safe_load((base / "docker-compose.yml").read_text())["services"]
    web, worker, proxy = services["web"], services["worker"], services["proxy"]
    assert web["deploy"]["replicas"] == 2 and worker["deploy"]["replicas"] == 2
    assert "deploy" not in services["beat"]  # one beat, or every scheduled task runs twice
    assert web["command"] == "gunicorn -c config/gunicorn.conf.py config.wsgi:application"
    assert "ports" not in web and proxy["ports"][:2] == ["80:80", "443:443"]
    assert "media:/app/media" in web["volumes"] and web["volumes"] == worker["volumes"]
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    mount = next(volume for volume in proxy["volumes"] if volume.endswith(":/etc/caddy/Caddyfile:ro"))
    caddyfile = (base / mount.split(":")[0]).read_text()
    assert "name web" in caddyfile and "port 8000" in caddyfile and "lb_policy round_robin" in caddyfile
