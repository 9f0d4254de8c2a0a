"""Who reaches which reports URL: every URL of reports/urls.py, every persona, the status.

A URL added there and missing here fails `test_every_reports_url_is_in_the_matrix`. Out of
reach is a 404 alike (another huyện's unit, report or file, another province, a page for
managers only); anonymous visitors go to the login page. POSTs carry no version: a stale
request is refused with a message (the page again, or a redirect) and nothing is written.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from reports.models import ReportFile, ReportFileKind, ReportFileStatus, UnitReport
from reports.services.unit_reports import unit_report_get_or_create
from reports.urls import urlpatterns
from tests.conftest import shared
from tests.permissions import expectations, url_names
from tests.reports.pages_world import PERSONAS, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world_once(module_db):
    w = build_world()
    manager = w.people["manager"]
    report = unit_report_get_or_create(cycle=w.cycle, unit=w.huyen, acting_user=manager)
    job = ReportFile.objects.create(tenant=w.tenant, kind=ReportFileKind.UNIT_PDF, unit=w.huyen, cycle=w.cycle,
                                    requested_by=manager, status=ReportFileStatus.DONE, filename="bao-cao.pdf")
    job.file.save("bao-cao.pdf", ContentFile(b"%PDF-1.7"))
    province_job = ReportFile.objects.create(tenant=w.tenant, kind=ReportFileKind.SUMMARY_PDF, unit=w.root,
                                             cycle=w.cycle, requested_by=w.people["provincial"])
    return {"w": w, "report": report, "job": job, "province_job": province_job}


@pytest.fixture
def world(world_once, db):
    return shared(world_once)


expect = expectations(PERSONAS)


CM_MANAGERS = dict(manager=200, provincial=200)
CM_ACTIONS = dict(manager=302, provincial=302)
CM = lambda d: [d["w"].tenant.slug, "CM"]  # noqa: E731

MATRIX = [
    ("reports_dashboard", lambda d: [], "get", expect(manager=200, sibling=200, provincial=200, foreign=200)),
    ("reports_unit_dashboard", CM, "get", expect(**CM_MANAGERS)),
    ("reports_unit_dashboard", lambda d: [d["w"].tenant.slug, d["w"].root.code], "get", expect(provincial=200)),
    ("reports_unregistered", CM, "get", expect(**CM_MANAGERS)),
    ("reports_unregistered_nudge", CM, "post", expect(**CM_ACTIONS)),  # reminds, then back to the list
    ("unit_report", CM, "get", expect(**CM_MANAGERS)),
    ("unit_report_start", CM, "post", expect(**CM_ACTIONS)),  # no cycle: the message, nothing created
    ("unit_report_edit", lambda d: [d["report"].pk], "post", expect(**CM_MANAGERS)),  # stale: the page again
    ("unit_report_accept", lambda d: [d["report"].pk], "post", expect(**CM_ACTIONS)),
    ("unit_report_return", lambda d: [d["report"].pk], "post", expect(**CM_ACTIONS)),
    ("report_file_request", CM, "post", expect(**CM_ACTIONS)),  # no kind: the message, nothing queued
    ("report_file_detail", lambda d: [d["job"].pk], "get", expect(**CM_MANAGERS)),
    ("report_file_detail", lambda d: [d["province_job"].pk], "get", expect(provincial=200)),
    ("report_file_download", lambda d: [d["job"].pk], "get", expect(**CM_MANAGERS)),
    ("report_file_download", lambda d: [d["province_job"].pk], "get", expect(provincial=302)),  # not ready
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name, args, method, expected", MATRIX, ids=[f"{row[0]}-{i}" for i, row in enumerate(MATRIX)])
def test_permission_matrix(client, world, persona, name, args, method, expected):
    if persona != "anonymous":
        client.force_login(world["w"].people[persona])
    versions = {report.pk: report.lock_version for report in UnitReport.objects.all()}
    response = getattr(client, method)(reverse(name, args=args(world)))
    assert response.status_code == expected[persona], f"{persona} {method.upper()} {name}"
    if persona == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    assert {report.pk: report.lock_version for report in UnitReport.objects.all()} == versions
    assert ReportFile.objects.count() == 2


def test_every_reports_url_is_in_the_matrix():
    untested = set(url_names(urlpatterns)) - {row[0] for row in MATRIX}
    assert not untested, f"Some URLs are untested in the permission matrix: {sorted(untested)}"
