"""gunicorn for a 2-core machine (the Dockerfile and docker-compose use it: `gunicorn -c
config/gunicorn.conf.py config.wsgi`). Requests spend most of their time waiting on
PostgreSQL, so a few processes with threads each serve more people than many sync workers:
3 processes × 4 threads = 12 requests at once, one process's memory each (≈150 MB).
Long work (imports, PDFs, rollups) runs in Celery, so no request needs more than 30 s.
Each worker loads its URLs, catalogues and templates before it takes a request
(config/warmup.py, from config/wsgi.py): ≈2 s at its start, not on its first people's time."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 20
# Longer than the proxy's idle keep-alive (deploy/Caddyfile, 60 s), so the proxy closes an idle
# connection first: a server closing one just as the proxy (or a client) sends on it loses
# that request ("connection reset"; a load test's occasional error with 5 s here).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# A worker is replaced after this many requests, a bound on any slow leak.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"


def post_worker_init(worker):
    # The app is loaded and warm (config/warmup.py): from here the worker takes requests.
    worker.log.info("Worker ready (pid: %s)", worker.pid)
