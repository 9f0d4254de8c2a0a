import pytest


@pytest.fixture
def broker_down():
    """Point the Celery app at a port where nothing listens, as when Redis is down (the same
    as tests/cadres/test_imports_views.py's; a candidate for tests/conftest.py)."""
    from config.celery import app

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    keys = ("broker_url", "broker_write_url", "task_always_eager")
    previous = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", broker_write_url="redis://127.0.0.1:1/0",
                    task_always_eager=False)
    reset_pools()
    yield
    app.conf.update(previous)
    reset_pools()
