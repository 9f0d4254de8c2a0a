"""The installable web app's service worker, served from the site's root so its scope is the
whole site (a worker under /static/ could only control /static/).

It keeps the app shell (styles, scripts, icons) and the pages a cadre fills in, so that they
open without a connection: their own forms (ĐKCT01, KĐCT01) and the activity log. Submits
made offline are queued by `static/js/offline.js`, not by the worker. The script is a
template only for the hashed static URLs and the offline page's Vietnamese."""

import hashlib

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

SHELL = ["css/app.css", "js/app.js", "js/autosave.js", "js/offline.js", "vendor/htmx.min.js",
         "evaluations/registrations.css", "evaluations/assessments.css"]
ROOT_FILES = ["/favicon.ico", "/manifest.webmanifest", "/icon-192.png", "/icon-512.png"]
# Pages kept for offline use, by path (regular expressions in the worker's JavaScript).
OFFLINE_PAGES = [r"^/$", r"^/evaluations/registrations/\d+/edit/$", r"^/evaluations/self-assessments/\d+/edit/$",
                 r"^/evaluations/activities/$", r"^/evaluations/activities/new/$"]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [static(name) for name in SHELL] + ROOT_FILES
    # A new deploy (new hashed names) is a new worker, which drops the old shell cache.
    version = hashlib.sha256("\n".join(shell + OFFLINE_PAGES).encode()).hexdigest()[:12]
    texts = {"title": _("No connection"), "home": _("Home"), "explain": _(
        "This page was not opened on this device before, so it cannot be shown offline. Your forms and activity "
        "log open offline once you have opened them here with a connection.")}
    script = render_to_string("portal/sw.js", {"shell": shell, "pages": OFFLINE_PAGES, "version": version,
                                               "texts": texts}, request=request)
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # the browser asks for a newer worker on each visit
    return response
