"""The round trip on the demo tenant: what `export_cadres` / `export_units` (or the export
page) write imports back unchanged, through `import_* --dry-run` and through the import page.
The demo holds cadres with two positions (a Bí thư's reviewers also sit in a chi đoàn)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from cadres.actors import SYSTEM
from cadres.models import Cadre, Position, Unit, User
from cadres.services.people import cadre_update
from cadres.text import normalize_phone
from portal.demo import seed_demo
from tests.cadres.spreadsheets import read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(module_db):
    seed_demo()
    # A name a spreadsheet would read as a formula stays text, there and back.
    cadre = Cadre.objects.get(email="ag.cm-x05.4@example.com")
    cadre_update(cadre=cadre, full_name="=HYPERLINK(\"x\") Trần", acting_user=SYSTEM)


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def export(tmp_path, kind, *unit):
    path = tmp_path / f"{kind}.xlsx"
    call_command(f"export_{kind}", "--tenant", "an-giang", *unit, "-o", str(path))
    return path


def test_the_demo_has_cadres_with_several_positions(demo):
    cho_moi = Unit.objects.get(tenant__slug="an-giang", code="CM")
    held = Position.objects.held().filter(tenant__slug="an-giang", unit__path__startswith=cho_moi.path)
    assert held.count() > held.values("cadre").distinct().count()


def test_every_demo_phone_is_a_vietnamese_number_in_e164(demo):
    phones = list(Cadre.objects.exclude(phone="").values_list("phone", flat=True))
    assert len(phones) > 400 and [normalize_phone(phone) for phone in phones] == phones  # raises for an invalid one


@pytest.mark.parametrize("unit", [[], ["--unit", "CM"]], ids=["province", "cho-moi"])
def test_export_cadres_then_import_cadres_dry_run_changes_nothing(demo, tmp_path, capsys, unit):
    path = export(tmp_path, "cadres", *unit)
    capsys.readouterr()
    call_command("import_cadres", str(path), "--tenant", "an-giang", "--dry-run")
    out = capsys.readouterr().out
    rows = len(read_xlsx(path.read_bytes())) - 1
    assert rows > 400  # Chợ Mới's 402 cadres and their second positions
    assert f"0 mới, 0 thay đổi, {rows} không đổi, 0 có lỗi." in out


def test_export_units_then_import_units_dry_run_changes_nothing(demo, tmp_path, capsys):
    path = export(tmp_path, "units")
    capsys.readouterr()
    call_command("import_units", str(path), "--tenant", "an-giang", "--dry-run")
    rows = len(read_xlsx(path.read_bytes())) - 1
    assert f"0 mới, 0 thay đổi, {rows} không đổi, 0 có lỗi." in capsys.readouterr().out


def test_the_commands_write_what_the_pages_give(demo, client, tmp_path):
    client.force_login(User.objects.get(email="huyen.angiang@example.com"))
    for kind in ("cadres", "units"):
        page = client.get(reverse("import_export", args=["an-giang", "CM", kind]))
        assert page.status_code == 200
        assert read_xlsx(page.content) == read_xlsx(export(tmp_path, kind, "--unit", "CM").read_bytes())


def test_download_then_upload_through_the_pages_changes_nothing(demo, client):
    client.force_login(User.objects.get(email="huyen.angiang@example.com"))
    for kind in ("cadres", "units"):
        exported = client.get(reverse("import_export", args=["an-giang", "CM", kind])).content
        response = client.post(reverse("import_upload", args=["an-giang", "CM", kind]),
                               {"file": SimpleUploadedFile(f"{kind}.xlsx", exported)})
        rows = len(read_xlsx(exported)) - 1
        assert response.context["counts"] == {"new": 0, "changed": 0, "unchanged": rows, "error": 0}
        page = response.content.decode()
        assert "Mới: 0" in page and "Thay đổi: 0" in page and f"Không đổi: {rows}" in page
        assert response.context["token"] and not response.context["shown_rows"]


def test_the_export_keeps_a_formula_looking_name_as_text(demo, tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(export(tmp_path, "cadres", "--unit", "CM-X05").read_bytes()))
    cells = [cell for cell in book.worksheets[0]["A"] if str(cell.value).startswith("=")]
    assert [cell.value for cell in cells] == ["=HYPERLINK(\"x\") Trần"] * len(cells) and len(cells) == 2
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


def test_unknown_tenant_or_unit_is_refused(demo, tmp_path):
    with pytest.raises(CommandError, match="Không có tỉnh/thành đoàn với mã định danh khong-co."):
        call_command("export_cadres", "--tenant", "khong-co", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="Không có đơn vị mã KHONG-CO trong Tỉnh Đoàn An Giang"):
        call_command("export_units", "--tenant", "an-giang", "--unit", "KHONG-CO", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="Không ghi được"):
        call_command("export_units", "--tenant", "an-giang", "-o", str(tmp_path / "no-such-folder" / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()
