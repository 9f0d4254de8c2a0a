"""The baseline of row P4: django-import-export's default import of the bench file
(`bench/import_cadres.py`) into the same tables, one ModelResource per table.

    .venv/bin/python bench/import_export_baseline.py [--rows 5000] [--units 50] [--json]

The file is the one `import_cadres` reads; import-export reads it with its own XLSX format
(tablib, openpyxl) and imports it three times, as its default path does one model per
resource: the accounts (User, by email), the cadres (Cadre, by email, linked to their
account), the positions (Position, linked to cadre and unit). Each is `import_data` with the
defaults (a transaction, a row at a time: look the instance up by its id fields, fill it,
save it), not a dry run. It writes no audit rows and checks no subtree: it does less than
ours. The package is installed only for the bench (the Makefile's bench target), not a
dependency of the project.
"""

import argparse
import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django_scopes import scope  # noqa: E402
from import_cadres import build_file, build_tenant, fresh_run  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402
from import_export.formats.base_formats import XLSX  # noqa: E402

from cadres.imports.values import GENDERS, ROLES  # noqa: E402
from cadres.models import Cadre, Position, Tenant, Unit, User  # noqa: E402

HEADERS = {"full_name": "Họ và tên", "birth_date": "Ngày sinh", "gender": "Giới tính", "phone": "Số điện thoại",
           "email": "Email", "unit": "Mã đơn vị", "role": "Chức vụ", "is_party_member": "Đảng viên",
           "is_civil_servant": "CCVC"}


class Choice(widgets.Widget):
    def __init__(self, vocabulary):
        super().__init__()
        self.vocabulary = vocabulary

    def clean(self, value, row=None, **kwargs):
        return self.vocabulary.parse(value) if value else ""


class Mark(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return bool(value and str(value).strip().lower() in ("x", "có"))


def column(attribute: str, key: str | None = None, widget=None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=HEADERS[key or attribute], widget=widget or widgets.Widget())


class UserResource(resources.ModelResource):
    email = column("email")
    phone = column("phone")
    full_name = column("full_name")

    class Meta:
        model = User
        fields = ("email", "phone", "full_name")
        import_id_fields = ("email",)


class CadreResource(resources.ModelResource):
    user = column("user", "email", widgets.ForeignKeyWidget(User, "email"))
    email = column("email")
    phone = column("phone")
    full_name = column("full_name")
    birth_date = column("birth_date", widget=widgets.DateWidget("%d/%m/%Y"))
    gender = column("gender", widget=Choice(GENDERS))
    is_party_member = column("is_party_member", widget=Mark())
    is_civil_servant = column("is_civil_servant", widget=Mark())

    def __init__(self, tenant: Tenant):
        super().__init__()
        self.tenant = tenant

    def before_save_instance(self, instance, row, **kwargs):
        instance.tenant = self.tenant

    class Meta:
        model = Cadre
        fields = ("user", "email", "phone", "full_name", "birth_date", "gender", "is_party_member", "is_civil_servant")
        import_id_fields = ("email",)


class PositionResource(resources.ModelResource):
    cadre = column("cadre", "email", widgets.ForeignKeyWidget(Cadre, "email"))
    unit = column("unit", widget=widgets.ForeignKeyWidget(Unit, "code"))
    role = column("role", widget=Choice(ROLES))

    def __init__(self, tenant: Tenant):
        super().__init__()
        self.tenant = tenant

    def before_save_instance(self, instance, row, **kwargs):
        instance.tenant = self.tenant
        instance.start_date = instance.start_date or datetime.date.today()

    class Meta:
        model = Position
        fields = ("cadre", "unit", "role")
        import_id_fields = ("cadre", "unit", "role")


def run(rows: int, units: int) -> dict:
    number = fresh_run()
    slug, codes = build_tenant(number, units)
    data = build_file(number, rows, codes)
    tenant = Tenant.objects.get(slug=slug)
    start = time.perf_counter()
    with scope(tenant=tenant):
        dataset = XLSX().create_dataset(data)
        for made in (UserResource(), CadreResource(tenant), PositionResource(tenant)):
            result = made.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
            assert not result.has_errors() and not result.has_validation_errors()
        seconds = time.perf_counter() - start
        assert Position.objects.filter(cadre__tenant=tenant).count() == rows
    return {"rows": rows, "seconds": seconds, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args()
    outcome = run(options.rows, options.units)
    if options.json:
        print(json.dumps(outcome))
    else:
        print(f"django-import-export: {outcome['rows']} rows in {outcome['seconds']:.2f} s "
              f"({outcome['rows'] / outcome['seconds']:.0f} rows/s), peak RSS {outcome['max_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
