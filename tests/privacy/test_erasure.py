"""De-identification on the demo: after provincial staff de-identify a Chợ Mới cadre whose
forms their Bí thư reviewed, a full dump of the database holds none of the person's name,
phone or email; the 2025 figures of Huyện Đoàn Chợ Mới are unchanged; the Bí thư's page of
the form and its timeline read "(đã ẩn danh)"."""

import io
import json
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from cadres.models import DEIDENTIFIED, AccessKind, AccessRecord, AuditEvent, Cadre, Consent, Grant, Notice
from cadres.services.access_log import access_record
from cadres.services.consent import consent_give
from cadres.services.erasure import cadre_deidentify
from cadres.text import display_phone
from cadres.transitions import Refusal
from evaluations.models import Cycle, EvidenceFile, FormEvent, Registration, SelfAssessment
from portal.demo import seed_demo
from reports.models import SnapshotUnit, UnitFigures

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _forms(needles: list[str]) -> list[str]:
    """Each needle as written, and as a JSON document escapes it."""
    return [form for needle in needles for form in (needle, json.dumps(needle)[1:-1])]


def _raw_rows() -> str:
    """Every row of every table, as the database returns it: SQLite's own dump, or on
    PostgreSQL each table's rows (the test database is in the test's transaction, which
    pg_dump would not see)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out += [repr(row) for row in cursor.fetchall()]
    return "\n".join(out)


def _figures(cycle: Cycle) -> list:
    columns = ["unit_id", "cadres", "registered", "registrations_approved", "self_assessed", "rated_good",
               "grassroots_units_complete"]
    return [sorted(UnitFigures.objects.filter(cycle=cycle).values_list(*columns)),
            sorted(SnapshotUnit.objects.filter(snapshot__cycle=cycle).values_list(*columns))]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_demo()
    cadre = Cadre.objects.select_related("user").get(email="ag.cm-x05.7@example.com")
    assert Cadre.objects.filter(tenant=cadre.tenant, full_name=cadre.full_name).count() == 1
    return cadre


def test_after_deidentifying_a_demo_cadre_the_dump_holds_none_of_their_data(demo, client):
    cadre = demo
    name, phone, email = cadre.full_name, cadre.phone, cadre.email
    needles = _forms([name, phone, display_phone(phone), display_phone(phone).replace(" ", ""), email])
    registration = Registration.objects.get(cadre=cadre, cycle__year=2026)
    own_events = FormEvent.objects.filter(registration=registration, actor=cadre.user).count()
    assert own_events
    closed = Cycle.objects.get(tenant=cadre.tenant, year=2025)
    before = _figures(closed)
    staff = get_user_model().objects.get(email="tinh.angiang@example.com")
    client.force_login(staff)
    dashboard = _text(client.get(reverse("reports_unit_dashboard", args=["an-giang", "CM"]) + "?cycle=2025"))
    assert "402/402 (100%)" in dashboard
    assert all(needle in _raw_rows() for needle in (name, phone, email))  # the test can fail
    counts = {model: model.objects.count() for model in (Registration, SelfAssessment, FormEvent, EvidenceFile)}

    cadre_deidentify(cadre=cadre, reason="Yêu cầu xoá dữ liệu của chính người này", acting_user=staff)

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    raw = _raw_rows()
    for needle in needles:
        assert needle not in dump.getvalue(), needle
        assert needle not in raw, needle
    assert _figures(closed) == before
    after = _text(client.get(reverse("reports_unit_dashboard", args=["an-giang", "CM"]) + "?cycle=2025"))
    assert "402/402 (100%)" in after and "41/41 (100%)" in after
    assert {model: model.objects.count() for model in counts} == counts
    event = AuditEvent.objects.get(action="cadre.deidentify")
    assert event.actor == staff and event.data == {"reason": "Yêu cầu xoá dữ liệu của chính người này"}

    # The Bí thư who reviewed it still reads the form and its timeline, without the person.
    client.force_login(get_user_model().objects.get(email="bithu.angiang@example.com"))
    response = client.get(reverse("registration_detail", args=[registration.pk]))
    timeline = response.content.decode().split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert DEIDENTIFIED in _text(response) and name not in _text(response)
    assert timeline.count(DEIDENTIFIED) == own_events


def test_the_account_is_deleted_and_the_profile_emptied(demo, client):
    """The person's account row goes, with its addresses, keys, roles, consents and sessions;
    the audit rows, timelines and access records that named it keep the placeholder."""
    cadre, staff = demo, get_user_model().objects.get(email="tinh.angiang@example.com")
    account = cadre.user
    signed_in = Client()
    signed_in.force_login(account)
    assert signed_in.get(reverse("my_profile")).status_code == 200
    EmailAddress.objects.create(user=account, email=account.email, verified=True, primary=True)
    Authenticator.objects.create(user=account, type=Authenticator.Type.RECOVERY_CODES, data={})
    consent_give(user=account, acting_user=account)
    access_record(viewer=account, kind=AccessKind.PROFILE, cadres=[Cadre.objects.exclude(pk=cadre.pk).first()],
                  tenant_id=cadre.tenant_id)
    acted = AuditEvent.objects.filter(actor=account).count()
    assert acted
    events = FormEvent.objects.filter(actor=account).count()

    cadre_deidentify(cadre=cadre, reason="", acting_user=staff)

    cadre.refresh_from_db()
    assert (cadre.full_name, cadre.birth_date, cadre.phone, cadre.email, cadre.ethnicity, cadre.user) == (
        DEIDENTIFIED, None, "", "", "", None)
    assert cadre.deidentified_at is not None
    assert not get_user_model().objects.filter(pk=account.pk).exists()
    for model in (EmailAddress, Authenticator, Grant, Consent, Notice):
        assert not model.objects.filter(**{"recipient_id" if model is Notice else "user_id": account.pk}).exists()
    assert not any(s.get_decoded().get("_auth_user_id") == str(account.pk) for s in Session.objects.all())
    assert AuditEvent.objects.filter(actor_label=DEIDENTIFIED, actor=None).count() == acted
    assert FormEvent.objects.filter(actor_label=DEIDENTIFIED, actor=None).count() == events
    assert AccessRecord.objects.get(viewer=None, viewer_label=DEIDENTIFIED)
    assert signed_in.get(reverse("my_profile")).status_code == 302  # signed out
    assert not client.login(email="ag.cm-x05.7@example.com", password="doan@2026")
    with pytest.raises(Refusal):
        cadre_deidentify(cadre=cadre, reason="", acting_user=staff)


def test_only_the_provinces_staff_may_deidentify(demo):
    manager = get_user_model().objects.get(email="huyen.angiang@example.com")
    with pytest.raises(Refusal):
        cadre_deidentify(cadre=demo, reason="", acting_user=manager)
    demo.refresh_from_db()
    assert demo.deidentified_at is None
