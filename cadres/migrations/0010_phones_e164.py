"""Phones are stored in E.164 ("+84912345678", "+842963852123") instead of the ten national
digits ("0912345678"): the columns widen to 16 characters and every stored phone that is a
valid Vietnamese mobile or landline number is rewritten, on the accounts and the cadres (whose
search column is rebuilt so a search by 0912… or +84912… finds them).

A stored value that is no valid number (0000000000, checked only by length before) is kept
exactly as it was, so nothing is lost: pages show it as stored, a search for it as typed still
finds it, and the next import or profile change with a valid number replaces it. An account
whose converted number another account already holds keeps its old value too (the column is
unique).

Migrating back writes the national digits again (+84912345678 → 0912345678, a landline
+842963852123 → 02963852123) and leaves the columns wide: an 11-digit landline does not fit the
old 10 characters, and cutting it would lose it.
"""

import phonenumbers
from django.db import migrations, models

from cadres.text import fold

BATCH = 1000
# Frozen here (as of this migration) rather than imported, so a later change to
# cadres.text.normalize_phone does not change what this migration did.
_WRITTEN = set("0123456789+ .-()")
_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
          phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def to_e164(value: str) -> str:
    """The E.164 form of a valid Vietnamese mobile or landline number; any other value unchanged."""
    if not value or not set(value) <= _WRITTEN:
        return value
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return value
    if (phonenumbers.region_code_for_number(number) != "VN" or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) not in _TYPES):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def to_national(value: str) -> str:
    """+84912345678 → 0912345678, as the phones were stored before; any other value unchanged."""
    return f"0{value[3:]}" if value and value.startswith("+84") else value


def search_text(full_name: str, phone: str, email: str) -> str:
    national = f"0{phone[3:]}" if phone.startswith("+84") else ""
    return fold(f"{full_name} {phone} {national} {email}")[:250]


def old_search_text(full_name: str, phone: str, email: str) -> str:
    return fold(f"{full_name} {phone} {email}")[:250]


def _rewrite(apps, db: str, convert, make_search_text) -> None:
    User, Cadre = apps.get_model("cadres", "User"), apps.get_model("cadres", "Cadre")
    users = User.objects.using(db).exclude(phone=None)
    taken = set(users.values_list("phone", flat=True))
    changed = []
    for user in users.only("pk", "phone").order_by("pk").iterator(chunk_size=BATCH):
        new = convert(user.phone)
        if new == user.phone or new in taken:
            continue  # unchanged, or held by another account: this one keeps its value
        taken.discard(user.phone)
        taken.add(new)
        user.phone = new
        changed.append(user)
    User.objects.using(db).bulk_update(changed, ["phone"], batch_size=BATCH)
    cadres = []
    fields = ("pk", "full_name", "phone", "email", "search_text")
    for cadre in Cadre.objects.using(db).exclude(phone="").only(*fields).order_by("pk").iterator(chunk_size=BATCH):
        phone = convert(cadre.phone)
        text = make_search_text(cadre.full_name, phone, cadre.email)
        if (phone, text) == (cadre.phone, cadre.search_text):
            continue
        cadre.phone, cadre.search_text = phone, text
        cadres.append(cadre)
        if len(cadres) == BATCH:
            Cadre.objects.using(db).bulk_update(cadres, ["phone", "search_text"])
            cadres = []
    Cadre.objects.using(db).bulk_update(cadres, ["phone", "search_text"])


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, schema_editor.connection.alias, to_e164, search_text)


def backwards(apps, schema_editor) -> None:
    _rewrite(apps, schema_editor.connection.alias, to_national, old_search_text)


class WidenOnly(migrations.AlterField):
    """Widens the column; migrating back leaves it wide (see the module's docstring)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        pass


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0009_notice_and_reminder_kinds'),
    ]

    operations = [
        WidenOnly(
            model_name='cadre',
            name='phone',
            field=models.CharField(blank=True, max_length=16, verbose_name='phone'),
        ),
        WidenOnly(
            model_name='user',
            name='phone',
            field=models.CharField(blank=True, max_length=16, null=True, unique=True, verbose_name='phone'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
