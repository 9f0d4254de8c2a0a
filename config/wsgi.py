import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Before the process takes its first request (config/warmup.py says why).
from config.warmup import warm_up  # noqa: E402

warm_up()
