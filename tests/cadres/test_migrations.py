"""cadres 0007: units gain their version (0 for the units already there) and the history
table starts empty; migrating back drops both and keeps the units. cadres 0010: phones in E.164."""

import pytest

from tests.historical import historical_root, migrate_to

BEFORE = [("cadres", "0006_notice_digest_schedule")]
AFTER = [("cadres", "0007_unit_history")]


@pytest.mark.django_db(transaction=True)
def test_units_keep_their_rows_both_ways(latest_schema_after):
    historical_root(migrate_to(BEFORE))

    apps = migrate_to(AFTER)
    assert list(apps.get_model("cadres", "Unit").objects.values_list("code", "lock_version")) == [("DT", 0)]
    assert not apps.get_model("cadres", "UnitChange").objects.exists()

    apps = migrate_to(BEFORE)
    assert list(apps.get_model("cadres", "Unit").objects.values_list("code", flat=True)) == ["DT"]


PHONES_BEFORE = [("cadres", "0009_notice_and_reminder_kinds")]
PHONES_AFTER = [("cadres", "0010_phones_e164")]


def _phones_at(target, users, cadres):
    """Migrate to `target`; each account's phone and each cadre's (phone, search column)."""
    apps = migrate_to(target)
    User, Cadre = apps.get_model("cadres", "User"), apps.get_model("cadres", "Cadre")
    return ({key: User.objects.get(pk=pk).phone for key, pk in users.items()},
            {key: Cadre.objects.values_list("phone", "search_text").get(pk=pk) for key, pk in cadres.items()}, Cadre)


@pytest.mark.django_db(transaction=True)
def test_phones_move_to_e164_and_back_and_an_invalid_one_is_kept(latest_schema_after):
    """cadres 0010: every valid stored phone becomes E.164 (the cadres' search column with it),
    an invalid one stays as it was, an account whose converted number another holds keeps its
    own; migrating back writes the national digits again, a landline's 11 included."""
    apps = migrate_to(PHONES_BEFORE)
    User, Cadre = apps.get_model("cadres", "User"), apps.get_model("cadres", "Cadre")
    tenant = apps.get_model("cadres", "Tenant").objects.create(name="Tỉnh Đoàn Di Trú", slug="di-tru")
    users = {key: User.objects.create(email=f"{key}@example.vn", phone=phone).pk for key, phone in (
        ("valid", "0912345678"), ("zeros", "0000000000"), ("first", "84987654321"), ("twin", "0987654321"))}
    cadres = {key: Cadre.objects.create(tenant=tenant, full_name=f"Cán Bộ {key}", phone=phone, email="cb@example.vn",
                                        sort_key=key, search_text=f"can bo {key} {phone} cb@example.vn",
                                        user_id=users.get(key)).pk
              for key, phone in (("valid", "0912345678"), ("zeros", "0000000000"), ("none", ""))}

    accounts, profiles, Cadre = _phones_at(PHONES_AFTER, users, cadres)
    assert accounts == {"valid": "+84912345678", "zeros": "0000000000", "first": "+84987654321", "twin": "0987654321"}
    assert profiles == {
        "valid": ("+84912345678", "can bo valid +84912345678 0912345678 cb@example.vn"),
        "zeros": ("0000000000", "can bo zeros 0000000000 cb@example.vn"),
        "none": ("", "can bo none  cb@example.vn")}  # untouched, as it was
    # A landline, as the app stores one from now on: 13 characters.
    Cadre.objects.filter(pk=cadres["none"]).update(phone="+842963852123")

    accounts, profiles, _ = _phones_at(PHONES_BEFORE, users, cadres)
    # "first" would take the twin's number back: it keeps its own, nothing is lost.
    assert accounts == {"valid": "0912345678", "zeros": "0000000000", "first": "+84987654321", "twin": "0987654321"}
    assert profiles == {
        "valid": ("0912345678", "can bo valid 0912345678 cb@example.vn"),
        "zeros": ("0000000000", "can bo zeros 0000000000 cb@example.vn"),
        "none": ("02963852123", "can bo none 02963852123 cb@example.vn")}
