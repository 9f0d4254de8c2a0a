"""Demo figures: the rollup of every open demo cycle, so the dashboards show real numbers
the moment the demo is seeded (the nightly task would otherwise fill them in overnight).
The closed 2025 cycle's figures were frozen when `seed_evaluations` closed it. Then a few
2026 unit reports submitted to the demo managers (a đoàn cơ sở to its huyện, a chi đoàn
to its đoàn phường), so each finds one to accept in their inbox."""

from cadres.models import Position, PositionRole, Tenant, Unit
from evaluations.models import Cycle, CycleStatus
from reports.models import UnitReportState
from reports.services.rollup import rollup_cycle
from reports.services.unit_reports import unit_report_get_or_create, unit_report_submit, unit_report_update

DEMO_TENANTS = ("an-giang", "can-tho")
# (tenant, the unit whose Bí thư submits its report): Đoàn xã Mỹ Hội Đông to Huyện Đoàn
# Chợ Mới, Chi đoàn khu vực 1 to Đoàn phường Tân An and Tân An to Quận Đoàn Ninh Kiều.
SUBMITTED_REPORTS = [("an-giang", "CM-X05"), ("can-tho", "Q01-P01-K1"), ("can-tho", "Q01-P01")]


def seed_reports() -> int:
    """Run inside seed_demo (scopes disabled). Idempotent: a rollup writes only the rows
    that changed. Returns the number of unit rows written."""
    cycles = Cycle.objects.filter(tenant__in=Tenant.objects.filter(slug__in=DEMO_TENANTS),
                                  status=CycleStatus.OPEN).order_by("tenant_id", "year")
    written = sum(rollup_cycle(cycle=cycle) for cycle in cycles)
    for slug, code in SUBMITTED_REPORTS:
        _submitted_report(cycles.get(tenant__slug=slug), Unit.objects.get(tenant__slug=slug, code=code))
    return written


def _submitted_report(cycle: Cycle, unit: Unit) -> None:
    secretary = Position.objects.active().get(unit=unit, role=PositionRole.SECRETARY).cadre.user
    assert secretary is not None, "the demo's secretaries have accounts"
    report = unit_report_get_or_create(cycle=cycle, unit=unit, acting_user=secretary)
    if report.state != UnitReportState.DRAFT:
        return
    report = unit_report_update(report=report, acting_user=secretary, expected_version=report.lock_version,
                                achievements="Tổ chức đầy đủ sinh hoạt chi đoàn; cán bộ đang hoàn thiện ĐKCT01 và KĐCT01.",
                                limitations="Một số cán bộ chưa cập nhật sổ hoạt động thường xuyên.",
                                proposals="Đề nghị cấp trên tập huấn cách ghi minh chứng.")
    # Sent mid-year, its rates below the threshold: the secretary confirms, as on the page.
    unit_report_submit(report=report, acting_user=secretary, expected_version=report.lock_version,
                       confirm_low_rates=True)
