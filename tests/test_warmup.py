"""A web process loads its URLs, catalogues and templates before its first request
(config/warmup.py)."""

import json
import os
import subprocess
import sys

from django.conf import settings

from config.warmup import project_templates

# Run in a fresh interpreter: the test process has loaded everything long before.
PROBE = """
import json, sys
import config.wsgi
from django.template import engines
from config.warmup import project_templates
loader = engines["django"].engine.template_loaders[0]
cached = {key.split("-")[0] for key in loader.get_template_cache}
print(json.dumps({"urls": "config.urls" in sys.modules and "reports.views.dashboard" in sys.modules,
                  "missing": [name for name in project_templates() if name not in cached]}))
"""


def test_a_web_process_has_its_urls_and_every_template_loaded_before_its_first_request():
    env = {key: value for key, value in os.environ.items() if key not in {"PYTEST_CURRENT_TEST", "PYTEST_VERSION"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {"urls": True, "missing": []}
    assert "reports/dashboard.html" in project_templates() and "base.html" in project_templates()
