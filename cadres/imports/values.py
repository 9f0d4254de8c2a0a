"""Reading one spreadsheet cell: Vietnamese labels, dd/mm/yyyy dates, phones, yes/no marks.

The labels here are the file format the Đoàn's spreadsheets use, so they are Vietnamese
literals rather than translatable UI text; matching ignores case and diacritics.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from cadres.models import Gender, PositionRole, Sector, UnitLevel
from cadres.text import fold, normalize_phone


class CellError(Exception):
    """A value that cannot be read; the message is shown to the person importing."""

    @property
    def message(self) -> str:
        return self.args[0]


class Vocabulary:
    """Accepted labels for one choice field; the first label of each value is what exports write."""

    def __init__(self, labels: dict[str, list[str]]):
        self.canonical = {value: names[0] for value, names in labels.items()}
        self._lookup = {}
        for value, names in labels.items():
            for name in [value, *names]:
                self._lookup[fold(name)] = value

    def parse(self, raw) -> str:
        value = self._lookup.get(fold(str(raw)))
        if value is None:
            raise CellError(
                _("“%(value)s” is not recognised; use one of: %(choices)s.")
                % {"value": raw, "choices": ", ".join(self.canonical.values())}
            )
        return value

    def label(self, value: str) -> str:
        return self.canonical.get(value, "")


LEVELS = Vocabulary({
    UnitLevel.PROVINCE: ["Tỉnh đoàn", "Thành đoàn", "Tỉnh/thành đoàn", "Tỉnh thành đoàn"],
    UnitLevel.DISTRICT: ["Huyện đoàn", "Quận đoàn", "Thị đoàn", "Huyện đoàn và tương đương", "Đoàn khối",
                         "Đoàn trực thuộc", "Cấp huyện"],
    UnitLevel.GRASSROOTS: ["Đoàn cơ sở", "Chi đoàn cơ sở", "Cơ sở", "Đoàn xã", "Đoàn phường"],
    UnitLevel.INTER_BRANCH: ["Liên chi đoàn"],
    UnitLevel.BRANCH: ["Chi đoàn"],
})
SECTORS = Vocabulary({
    Sector.RESIDENTIAL: ["Địa bàn dân cư", "Địa bàn"],
    Sector.CIVIL_SERVICE: ["CCVC", "Cán bộ, công chức, viên chức", "Cán bộ công chức viên chức"],
    Sector.SCHOOL: ["Trường học"],
    Sector.ENTERPRISE: ["Doanh nghiệp"],
    Sector.ARMED_FORCES: ["Lực lượng vũ trang", "LLVT"],
})
ROLES = Vocabulary({
    PositionRole.SECRETARY: ["Bí thư"],
    PositionRole.DEPUTY_SECRETARY: ["Phó Bí thư"],
    PositionRole.STANDING_MEMBER: ["UV BTV", "UVBTV", "Ủy viên Ban Thường vụ", "Ủy viên BTV"],
    PositionRole.EXECUTIVE_MEMBER: ["UV BCH", "UVBCH", "Ủy viên Ban Chấp hành", "Ủy viên BCH"],
    PositionRole.FULL_TIME_STAFF: ["Chuyên trách", "Cán bộ chuyên trách"],
})
GENDERS = Vocabulary({Gender.MALE: ["Nam"], Gender.FEMALE: ["Nữ"], Gender.OTHER: ["Khác"]})
_YES = {"x", "co", "1", "yes", "true", "dung"}
_NO = {"", "khong", "0", "no", "false", "sai"}
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
EARLIEST_START = datetime.date(1950, 1, 1)


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(raw, max_length: int) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = " ".join(str(raw).split()) if raw is not None else ""
    if len(value) > max_length:
        raise CellError(_("Too long: at most %(n)s characters.") % {"n": max_length})
    return value


def code(raw) -> str:
    value = text(raw, 40)
    if value and not _CODE.match(value):
        raise CellError(_("A code may contain only letters, digits, “.”, “-” and “_”: “%(value)s”.")
                        % {"value": value})
    return value


def _calendar_date(raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        value = raw.date()
    elif isinstance(raw, datetime.date):
        value = raw
    elif isinstance(raw, (int, float)) and 1 <= raw < 100_000:
        # An Excel date serial typed into a cell without date formatting.
        value = from_excel(raw).date()
    else:
        match = _DATE_TEXT.match(str(raw).strip())
        if not match:
            raise CellError(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": raw})
        day, month, year = (int(part) for part in match.groups())
        try:
            value = datetime.date(year, month, day)
        except ValueError:
            raise CellError(_("The date %(value)s does not exist.") % {"value": str(raw).strip()}) from None
    return value


def date(raw) -> datetime.date:
    """A date in the past, such as a date of birth."""
    value = _calendar_date(raw)
    if not datetime.date(1900, 1, 1) <= value <= datetime.date.today():
        raise CellError(_("The date %(value)s is not plausible.") % {"value": value.strftime("%d/%m/%Y")})
    return value


def _term_date(raw, message: str) -> datetime.date:
    # A term may be appointed ahead, up to the end of next year; the bounds catch a mistyped
    # year, which would leave the position out of every year's figures.
    value = _calendar_date(raw)
    latest = datetime.date(timezone.localdate().year + 1, 12, 31)
    if not EARLIEST_START <= value <= latest:
        raise CellError(message % {"earliest": EARLIEST_START.strftime("%d/%m/%Y"),
                                   "latest": latest.strftime("%d/%m/%Y")})
    return value


def start_date(raw) -> datetime.date:
    """When a position starts."""
    return _term_date(raw, _("A start date must lie between %(earliest)s and %(latest)s."))


def end_date(raw) -> datetime.date:
    """When a position ends (its last day)."""
    return _term_date(raw, _("An end date must lie between %(earliest)s and %(latest)s."))


def boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    folded = fold(text(raw, 20))
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise CellError(_("“%(value)s” is not understood; write “x” or “có” for yes, leave empty or “không” for no.")
                    % {"value": raw})


def phone(raw) -> str:
    """A mobile or landline number written any way, in E.164 ("+84912345678"), the form the
    cadres' phones are stored and compared in."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # A phone typed as a number: Excel drops its leading 0, which phonenumbers reads
        # without ("912345678", "2963852123") just as with it.
        raw = str(int(raw))
    try:
        return normalize_phone(str(raw))
    except ValueError:
        raise CellError(_("“%(value)s” is not a Vietnamese mobile or landline number (such as 0912 345 678 or "
                          "0296 3852 123).") % {"value": raw}) from None


def email(raw) -> str:
    value = str(raw).strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise CellError(_("“%(value)s” is not an email address.") % {"value": raw}) from None
    if len(value) > 254:
        raise CellError(_("Too long: at most %(n)s characters.") % {"n": 254})
    return value
