"""The cadre import writes in batches: the same accounts, cadres, positions and audit rows as
the one-person services, and nothing at all when a batch fails while it is written."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import translation

from cadres.imports.people import PROFILE_FIELDS
from cadres.models import AuditEvent, Cadre, Position, User
from cadres.services.imports import import_file
from cadres.services.people import cadre_create, position_create
from tests.cadres.factories import CadreFactory, UserFactory
from tests.cadres.spreadsheets import cadre_row, cadres_file

pytestmark = pytest.mark.django_db

# (name, phone, email, unit, role, start, end): one cadre on two rows, one with a phone only, one
# with an end date, and enough rows to make batches of two end mid-file.
PEOPLE = [
    ("Nguyễn Thị Thu Hà", "0912345678", "ThuHa@Example.vn", "G1", "Bí thư", "01/10/2022", ""),
    ("Nguyễn Thị Thu Hà", "0912345678", "", "B1", "UV BCH", "", ""),
    ("Trần Văn Bình", "0912000111", "", "B1", "Phó Bí thư", "", ""),
    ("Lê  Thị Cúc", "", "cuc@example.vn", "G1", "UV BTV", "02/01/2023", "31/12/2026"),
    ("Phạm Văn Dũng", "0912000333", "dung@example.vn", "D1", "Chuyên trách", "", ""),
]
ROLE_VALUES = {"Bí thư": "secretary", "UV BCH": "executive_member", "Phó Bí thư": "deputy_secretary",
               "UV BTV": "standing_member", "Chuyên trách": "full_time_staff"}


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def batches_of_two(settings):
    settings.IMPORT_WRITE_BATCH = 2


def the_file() -> bytes:
    return cadres_file(*(cadre_row(name=name, phone=phone, email=email, unit=unit, role=role, start=start, end=end,
                                   birth="17/05/1998", gender="Nữ", full_time="x", civil="")
                         for name, phone, email, unit, role, start, end in PEOPLE))


def snapshot(tree) -> dict:
    """What exists in the tenant, with ids replaced by what they name (a cadre's name)."""
    cadres = {cadre.pk: cadre for cadre in Cadre.objects.select_related("user")}
    name = {pk: cadre.full_name for pk, cadre in cadres.items()}
    users = User.objects.filter(cadre__isnull=False)
    return {
        "users": sorted([(u.email, u.phone, u.full_name, u.is_active, u.is_staff, u.is_superuser,
                          u.has_usable_password(), u.password[:1], len(u.password), u.last_login) for u in users],
                        key=repr),
        "cadres": sorted([(*(getattr(c, key) for key in PROFILE_FIELDS), c.sort_key, c.search_text, c.archived_at,
                           c.user.email if c.user else None) for c in cadres.values()], key=repr),
        "positions": sorted((name[p.cadre_id], p.unit.code, p.role, p.start_date, p.end_date)
                            for p in Position.objects.select_related("unit")),
        "audit": sorted([(e.action, e.object_type, e.actor_id, e.unit_id, name.get(e.cadre_id), e.tenant_id,
                          sorted({**e.data, **({"cadre": name[e.data["cadre"]]} if "cadre" in e.data else {})}.items()))
                         for e in AuditEvent.objects.exclude(action="import.cadres")], key=repr),
        "email_addresses": EmailAddress.objects.count(),
    }


def test_the_batched_import_writes_what_the_one_person_services_write(tree, batches_of_two):
    today = datetime.date.today()
    with transaction.atomic():
        report = import_file(kind="cadres", root=tree["d1"], data=the_file(), dry_run=False,
                             acting_user=tree["manager"])
        assert report.applied and report.counts["new"] == 5, [str(p) for p in report.problems]
        batched = snapshot(tree)
        transaction.set_rollback(True)
    assert not Cadre.objects.exists()
    # The same people written one service call at a time, as the import did before it was batched.
    units = {code: tree[code.lower()] for code in ("G1", "B1", "D1")}
    cadres: dict[str, Cadre] = {}
    for name, phone, email, unit, role, start, end in PEOPLE:
        if name not in cadres:
            cadres[name] = cadre_create(
                tenant=tree["d1"].tenant, acting_user=tree["manager"], full_name=" ".join(name.split()), phone=phone,
                email=email, birth_date=datetime.date(1998, 5, 17), gender="female", is_full_time=True,
                is_civil_servant=False, is_party_member=False)
        position_create(cadre=cadres[name], unit=units[unit], role=ROLE_VALUES[role], acting_user=tree["manager"],
                        start_date=datetime.datetime.strptime(start, "%d/%m/%Y").date() if start else today,
                        end_date=datetime.datetime.strptime(end, "%d/%m/%Y").date() if end else None)
    one_by_one = snapshot(tree)
    assert batched == one_by_one
    # A cadre.create per cadre, a position.create per row (the tree's own rows name no cadre).
    assert len([event for event in batched["audit"] if event[4]]) == 4 + 5
    assert not any(user[6] for user in batched["users"])  # no usable password until the invitation


def test_an_address_taken_while_the_last_batch_is_written_writes_nothing(tree, batches_of_two):
    """Two batches are written, then another account takes the last row's email before the
    last batch goes in: the database refuses it, and the whole import is undone."""
    before = (User.objects.count(), Cadre.objects.count(), Position.objects.count(), AuditEvent.objects.count())
    rows = [cadre_row(name=f"Cán Bộ {n}", phone=f"09120004{n:02d}", email=f"cb{n}@example.vn", unit="G1",
                      role="UV BCH") for n in range(5)]
    seen = []

    def meanwhile(done: int, total: int) -> None:
        seen.append(done)
        if done == 4:  # the first two batches of cadres are in; the third holds the fifth, last row
            UserFactory(email="cb4@example.vn")

    report = import_file(kind="cadres", root=tree["d1"], data=cadres_file(*rows), dry_run=False,
                         acting_user=tree["manager"], progress=meanwhile)
    assert seen == [2, 4]
    assert not report.applied
    assert [str(p) for p in report.problems] == [
        "Dòng 6, cột “Email”: Email cb4@example.vn đã thuộc về một tài khoản khác."]
    after = (User.objects.count(), Cadre.objects.count(), Position.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert not User.objects.filter(email__startswith="cb").exists()


def test_a_phone_taken_while_the_last_batch_is_written_names_its_row(tree, batches_of_two):
    rows = [cadre_row(name=f"Cán Bộ {n}", phone=f"09120005{n:02d}", email="", unit="G1", role="UV BCH")
            for n in range(3)]

    def meanwhile(done: int, total: int) -> None:
        if done == 2:
            UserFactory(email=None, phone="0912000502")

    report = import_file(kind="cadres", root=tree["d1"], data=cadres_file(*rows), dry_run=False,
                         acting_user=tree["manager"], progress=meanwhile)
    assert [str(p) for p in report.problems] == [
        "Dòng 4, cột “Số điện thoại”: Số điện thoại 0912 000 502 đã thuộc về một tài khoản khác."]
    assert not Cadre.objects.filter(full_name__startswith="Cán Bộ").exists()


def test_known_cadres_are_updated_and_placed_among_new_ones(tree, batches_of_two):
    known = CadreFactory(unit=tree["g1"], full_name="Lê Văn Cũ", email="cu@example.vn", phone="0987654321")
    rows = [cadre_row(name="Lê Văn Cũ", phone="0987654321", email="cu@example.vn", unit="B1", role="Phó Bí thư",
                      job_title="Giáo viên"),
            *(cadre_row(name=f"Cán Bộ {n}", phone=f"09120006{n:02d}", email="", unit="G1", role="UV BCH")
              for n in range(3))]
    report = import_file(kind="cadres", root=tree["d1"], data=cadres_file(*rows), dry_run=False,
                         acting_user=tree["manager"])
    assert report.applied and report.counts == {"new": 3, "changed": 1, "unchanged": 0, "error": 0}
    known.refresh_from_db()
    assert known.job_title == "Giáo viên"
    assert Position.objects.filter(cadre=known, unit=tree["b1"], role="deputy_secretary").exists()
    assert AuditEvent.objects.filter(action="cadre.update", cadre_id=known.pk).count() == 1
    new = Cadre.objects.filter(full_name__startswith="Cán Bộ")
    assert AuditEvent.objects.filter(action="cadre.create", cadre__in=new).count() == 3
    assert AuditEvent.objects.filter(action="position.create", cadre__in=[*new, known]).count() == 4


def test_positions_in_bulk_stay_in_the_subtree_and_write_nothing_when_refused(tree):
    from cadres.services.people import BatchRefused, NewPosition, positions_create_bulk

    cadre = CadreFactory(unit=tree["g1"])
    before = (Position.objects.count(), AuditEvent.objects.count())
    with pytest.raises(BatchRefused) as refused:
        positions_create_bulk(root=tree["d1"], acting_user=tree["manager"], positions=[
            NewPosition(cadre, tree["b1"], "executive_member"), NewPosition(cadre, tree["g2"], "secretary")])
    assert list(refused.value.errors) == [1]
    assert refused.value.errors[1].messages == ["Bạn không quản lý Đoàn xã Khác."]
    assert (Position.objects.count(), AuditEvent.objects.count()) == before


def test_the_command_checks_a_large_file_without_the_web_preview_time_limit(tree, settings, tmp_path):
    import io

    from django.core.management import call_command

    settings.IMPORT_READ_SECONDS = 0  # a preview inside a request would give up at row 1,000
    path = tmp_path / "can-bo.xlsx"
    path.write_bytes(cadres_file(*(cadre_row(name=f"Cán Bộ {n}", phone=f"0913{n:06d}", email="", unit="G1",
                                             role="UV BCH") for n in range(1100))))
    out = io.StringIO()
    call_command("import_cadres", str(path), "--tenant", tree["root"].tenant.slug, "--dry-run", stdout=out)
    assert "1100 mới" in out.getvalue() and not Cadre.objects.filter(full_name__startswith="Cán Bộ").exists()
