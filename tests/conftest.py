"""Shared test setup.

Services a test needs are declared with markers (postgres, redis, worker, browser). Without
the service the test is skipped on a developer machine, and fails under CI=true: CI must
never go green by skipping what it was meant to run.
"""

import contextlib
import copy
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation
from django_scopes import scopes_disabled

from cadres.tasks import broker_pause_end
from config.celery import app as celery_app
from tests.csp import CSPCheckedClient
from tests.historical import migrate_to_latest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"


def missing_service(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def _redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing_service("PostgreSQL (set DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") or item.get_closest_marker("worker"):
        if not _redis_reachable():
            missing_service("Redis (set REDIS_URL=redis://... to a running server)")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        missing_service(f"chromium at {CHROMIUM} (make test installs it)")


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) or bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.fixture(scope="module")
def module_db(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """Rows a module's tests share, written once (the matrix worlds): a module-scoped
    fixture that requests this one writes them inside one transaction, rolled back when
    the module ends. Each test runs in a savepoint inside it (the `db` fixture), so what a
    test writes is gone for the next; the module's later tests all see the rows, whether
    they ask for them or not. Hand tests a copy (`shared`), never the objects themselves.
    What the rows enqueue on commit never runs, as in any non-transactional
    test; a transactional test cannot run inside the transaction, so none may be in the
    module. Files go to a media root of the module's."""
    transactional = [item.nodeid for item in request.session.items if item.module is request.module and _transactional(item)]
    if transactional:
        raise pytest.UsageError(f"module_db cannot share a module with transactional tests: {transactional}")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    try:
        with django_db_blocker.unblock(), scopes_disabled(), media, transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = eager


def shared(data):
    """A test's own copy of data built once for its module (as Django's `setUpTestData`
    hands each test a deep copy): a test may change its objects without the next one
    seeing it. The cache starts empty, as it would for data built by the test itself."""
    cache.clear()
    return copy.deepcopy(data)


@pytest.fixture
def latest_schema_after():
    """For a migration test: migrating back unapplies what depends on the migration too, so
    every app is brought forward again afterwards and the tests that follow see the whole schema."""
    yield
    migrate_to_latest()


@pytest.fixture(autouse=True)
def scopes_off():
    """Test bodies reach every tenant; requests still run inside the middleware's scope."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language, as in a process of its own: a request leaves its
    language active in the thread (the middleware activates it), so a test after one made in
    English would otherwise run in English, whichever test ran before it on this xdist worker."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def forget_cached_counts():
    """On SQLite a rolled-back test's ids come back in the next one, so a count one test left
    in the process's memory (the menu's, keyed by user and newest audit row) could answer
    for the next; Redis (CI, PostgreSQL) is left alone: its ids never repeat."""
    if isinstance(caches["default"], LocMemCache):
        cache.clear()


@pytest.fixture
def fresh_cache():
    """Rate-limit counters live in the cache; one test's failures must not leak into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def broker_down():
    """Point the Celery app at a port where nothing listens, as when Redis is down; yields
    `back()`, which brings the broker (here: the eager queue) back within the test."""

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    keys = ("broker_url", "broker_write_url", "task_always_eager", "broker_transport_options")
    previous = {key: celery_app.conf[key] for key in keys}
    # The production options (one try to connect, 1 s timeouts), only the address refused.
    celery_app.conf.update(broker_url="redis://127.0.0.1:1/0", broker_write_url="redis://127.0.0.1:1/0",
                           task_always_eager=False, broker_transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    reset_pools()

    def back():
        celery_app.conf.update(previous)
        reset_pools()
        broker_pause_end()

    yield back
    back()


@pytest.fixture
def client():
    """Django's test client, checking every response against the Content-Security-Policy
    (tests/csp.py): each page any test opens is checked, every matrix's pages included."""
    return CSPCheckedClient()


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _eager_celery_unless_worker(request):
    """Tasks run in-process, except in tests that ask for a real worker."""
    eager = request.node.get_closest_marker("worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager or previous
    yield
    celery_app.conf.task_always_eager = previous


def postgres_url() -> str:
    """The test database's address, for a process of its own (a worker, a web server)."""
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def running_worker(*pool_args: str, env: dict[str, str] | None = None):
    """A real `celery worker` subprocess on the test database and the configured Redis,
    consuming a queue of its own; yields (queue, process). `env`: more variables for it
    (the storage the web processes use)."""
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL: a worker process cannot share an in-memory SQLite test database")
    extra = env or {}
    env = dict(os.environ)
    env["DATABASE_URL"] = postgres_url()
    env.pop("DEBUG", None)
    env["SECRET_KEY"] = "worker-under-test"
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    env.update(extra)
    # A queue of its own, also the default while the test runs: nothing stale is picked up.
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    log = Path(settings.BASE_DIR) / "var" / f"{queue}.log"
    log.parent.mkdir(exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", *pool_args, "--without-heartbeat",
             "--without-gossip", "--without-mingle", "-Q", queue, "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"celery worker exited early:\n{log.read_text()}")
            if "ready." in log.read_text():
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"celery worker did not start:\n{log.read_text()}")
        yield queue, proc
    finally:
        celery_app.conf.task_default_queue = previous_queue
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.unlink(missing_ok=True)


@pytest.fixture
def celery_worker_process(transactional_db):
    """One worker process running tasks itself (solo pool); yields its queue."""
    with running_worker("--pool=solo") as (queue, _proc):
        yield queue


@pytest.fixture
def celery_prefork_worker(transactional_db):
    """A worker as production runs it: a parent process handing tasks to a child; yields
    (queue, parent process)."""
    with running_worker("--pool=prefork", "--concurrency=1") as running:
        yield running


@pytest.fixture
def s3_bucket():
    """An S3-compatible server (moto's, in a thread of this process: no network, no account)
    with an empty bucket of the test's own. Yields its `env`, the variables that point the
    app at it (STORAGE_BACKEND=s3, ...), and a boto3 `client` to look inside the bucket."""
    import uuid
    from types import SimpleNamespace

    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        env = {"STORAGE_BACKEND": "s3", "S3_BUCKET": f"srl-test-{uuid.uuid4().hex[:12]}",
               "S3_ENDPOINT_URL": f"http://{host}:{port}", "S3_REGION": "us-east-1",
               "S3_ACCESS_KEY_ID": "test-access-key", "S3_SECRET_ACCESS_KEY": "test-secret-key"}
        client = boto3.client("s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name=env["S3_REGION"],
                              aws_access_key_id=env["S3_ACCESS_KEY_ID"],
                              aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"])
        client.create_bucket(Bucket=env["S3_BUCKET"])
        yield SimpleNamespace(env=env, client=client, bucket=env["S3_BUCKET"])
    finally:
        server.stop()
