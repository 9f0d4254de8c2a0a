"""Who reaches which reports URL: every URL of reports/urls.py, every persona, the status.

A URL added there and missing here fails `test_every_url_is_in_the_matrix`. Out of
reach is a 404 alike (another huyện's unit, report or file, another province, a page for
managers only); anonymous visitors go to the login page. Every POST carries a valid
payload (`PROOFS`), on a report in the state its action starts from: an allowed cell proves
the change is in the database (the report moved, the file was queued, the cadre reminded),
a refused one that nothing changed. The huyện's manager reads their submitted report but
may not decide on it: the service refuses with a message (`refused`).
"""

import pytest
from django.core.files.base import ContentFile

from cadres.models import Notice, PositionRole
from reports.models import ReportFile, ReportFileKind, ReportFileStatus, UnitReport
from reports.services.rollup import rollup_cycle
from reports.services.unit_reports import unit_report_get_or_create, unit_report_submit, unit_report_update
from reports.urls import urlpatterns
from tests.cadres.factories import CadreFactory
from tests.conftest import shared
from tests.permissions import Proof, counted, expectations, matrix_tests
from tests.reports.pages_world import PERSONAS, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world_once(module_db):
    w = build_world()
    manager = w.people["manager"]
    # Chợ Mới's report, submitted to the province; a draft of one of its đoàn cơ sở; none yet for another.
    report = unit_report_get_or_create(cycle=w.cycle, unit=w.huyen, acting_user=manager)
    report = unit_report_update(report=report, acting_user=manager, expected_version=report.lock_version,
                                achievements="41/41 đoàn cơ sở triển khai mô hình")
    report = unit_report_submit(report=report, acting_user=manager, expected_version=report.lock_version,
                                confirm_low_rates=True)
    draft = unit_report_get_or_create(cycle=w.cycle, unit=w.grassroots[2], acting_user=manager)
    job = ReportFile.objects.create(tenant=w.tenant, kind=ReportFileKind.UNIT_PDF, unit=w.huyen, cycle=w.cycle,
                                    requested_by=manager, status=ReportFileStatus.DONE, filename="bao-cao.pdf")
    job.file.save("bao-cao.pdf", ContentFile(b"%PDF-1.7"))
    province_job = ReportFile.objects.create(tenant=w.tenant, kind=ReportFileKind.SUMMARY_PDF, unit=w.root,
                                             cycle=w.cycle, requested_by=w.people["provincial"])
    # A cadre of Chợ Mới with an account and no registration: someone to remind.
    unregistered = CadreFactory(unit=w.grassroots[3], role=PositionRole.EXECUTIVE_MEMBER)
    rollup_cycle(cycle=w.cycle)
    return {"w": w, "people": w.people, "report": report, "draft": draft, "job": job, "province_job": province_job,
            "unregistered": unregistered}


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
    ("unit_report_start", lambda d: [d["w"].tenant.slug, d["w"].grassroots[1].code], "post", expect(**CM_ACTIONS)),
    ("unit_report_edit", lambda d: [d["draft"].pk], "post", expect(**CM_ACTIONS)),
    ("unit_report_accept", lambda d: [d["report"].pk], "post", expect(**CM_ACTIONS)),
    ("unit_report_return", lambda d: [d["report"].pk], "post", expect(**CM_ACTIONS)),
    ("report_file_request", CM, "post", expect(**CM_ACTIONS)),  # queued, then its page
    ("report_file_detail", lambda d: [d["job"].pk], "get", expect(**CM_MANAGERS)),
    ("report_file_detail", lambda d: [d["province_job"].pk], "get", expect(provincial=200)),
    ("report_file_download", lambda d: [d["job"].pk], "get", expect(**CM_MANAGERS)),
    ("report_file_download", lambda d: [d["province_job"].pk], "get", expect(provincial=302)),  # not ready
]


def _year(d) -> dict:
    return {"cycle": d["w"].cycle.year}


def _report(d, key) -> UnitReport:
    return UnitReport.objects.get(pk=d[key].pk)


def _report_state(key):
    def state(d, user):
        report = _report(d, key)
        return report.state, report.lock_version, report.achievements
    return state


def _version(key):
    return lambda d, user: {"version": _report(d, key).lock_version}


PROOFS = {
    "reports_unregistered_nudge": Proof(lambda d, user: {**_year(d), "cadre": d["unregistered"].pk},
                                        lambda d, user: Notice.objects.filter(recipient=d["unregistered"].user).count()),
    "unit_report_start": Proof(lambda d, user: _year(d), counted(UnitReport)),
    "unit_report_edit": Proof(lambda d, user: {**_version("draft")(d, user),
                                               "achievements": "9/9 chi đoàn đăng ký đầy đủ"}, _report_state("draft")),
    # The province decides on the huyện's report; the huyện's own manager submitted it.
    "unit_report_accept": Proof(_version("report"), _report_state("report"), refused=("manager",)),
    "unit_report_return": Proof(lambda d, user: {**_version("report")(d, user), "comment": "Bổ sung số liệu sáng kiến"},
                                _report_state("report"), refused=("manager",)),
    "report_file_request": Proof(lambda d, user: {**_year(d), "kind": ReportFileKind.UNIT_PDF},
                                 counted(ReportFile)),
}


def _snapshot():
    return (list(UnitReport.objects.order_by("pk").values_list("pk", "state", "lock_version")),
            ReportFile.objects.count(), Notice.objects.count())


test_permission_matrix, test_every_post_cell_carries_a_payload, test_every_url_is_in_the_matrix = matrix_tests(
    personas=PERSONAS, matrix=MATRIX, proofs=PROOFS, urlpatterns=urlpatterns, snapshot=_snapshot)
