"""Vietnamese text rules: diacritic-free search, name sorting by tên, phone numbers."""

import re
import unicodedata

import phonenumbers
from django.utils.translation import gettext_lazy
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# Dictionary order of the Vietnamese alphabet; f, j, w, z appear in borrowed names.
_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_CODE = {letter: f"{index + 10:02d}" for index, letter in enumerate(_ALPHABET)}
_DIGIT_CODE = {str(d): f"{d + 60:02d}" for d in range(10)}
_END_OF_WORD = "00"
# Combining marks that make a distinct letter (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}
_WITH_MARK = {("a", "ă"): "ă", ("a", "^"): "â", ("e", "^"): "ê", ("o", "^"): "ô", ("o", "+"): "ơ", ("u", "+"): "ư"}
# Tones in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_CODE = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}

# What a person writes around the digits: "+84 912.345-678", "(0296) 3852 123". Anything else
# (a letter, an extension) is no phone number, though phonenumbers would read past it.
_PHONE_WRITTEN = re.compile(r"^\s*\+?[\d\s.\-()]+$")
_PHONE_REGION = "VN"
# A person's own number: a mobile or a landline, not 1800/1900 service numbers.
_PHONE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
INVALID_PHONE = gettext_lazy("Enter a Vietnamese mobile or landline number, such as 0912 345 678 or 0296 3852 123.")


def fold(text: str) -> str:
    """Lower-case, diacritic-free text: "Nguyễn Văn Đức" → "nguyen van duc"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def _word_key(word: str) -> str:
    primary, tones = [], []
    letter, tone = None, "0"
    for ch in unicodedata.normalize("NFD", word.lower()) + " ":
        if unicodedata.combining(ch):
            if ch in _LETTER_MARKS and letter is not None:
                letter = _WITH_MARK.get((letter, _LETTER_MARKS[ch]), letter)
            elif ch in _TONE_CODE:
                tone = _TONE_CODE[ch]
            continue
        if letter is not None:
            code = _LETTER_CODE.get(letter) or _DIGIT_CODE.get(letter)
            if code:
                primary.append(code)
                tones.append(tone)
        letter, tone = ch, "0"
    return "".join(primary) + _END_OF_WORD + "".join(tones)


def split_name(full_name: str) -> tuple[str, str, str]:
    """(họ, tên đệm, tên): the family name first, the given name last."""
    words = full_name.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def person_sort_key(full_name: str) -> str:
    """A digits-only key that sorts by tên, then tên đệm, then họ, in Vietnamese order.

    Digits only, so PostgreSQL's locale collation and SQLite's binary one agree on it.
    """
    family, middle, given = split_name(full_name)
    parts = [given, *middle.split(), family]
    return "".join(_word_key(part) for part in parts if part)


def text_sort_key(text: str) -> str:
    """Vietnamese dictionary order for a unit name or any text, word by word."""
    return "".join(_word_key(word) for word in text.split())


def _vietnamese_number(raw: str) -> phonenumbers.PhoneNumber:
    if not _PHONE_WRITTEN.match(raw or ""):
        raise ValueError(raw)
    try:
        number = phonenumbers.parse(raw, _PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(raw) from None
    if (phonenumbers.region_code_for_number(number) != _PHONE_REGION or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) not in _PHONE_TYPES):
        raise ValueError(raw)
    return number


def normalize_phone(raw: str) -> str:
    """A Vietnamese mobile or landline number however it is written ("0912 345 678",
    "+84 912.345.678", "84912345678", "0296 3852 123") in E.164: "+84912345678",
    "+842963852123". Raises ValueError for anything else (0000000000, a foreign number,
    too few or too many digits, letters)."""
    return phonenumbers.format_number(_vietnamese_number(raw), PhoneNumberFormat.E164)


def canonical_phone(value: str) -> str:
    """The E.164 form of a valid number; any other value as it was typed (trimmed). What the
    models store: a number kept from before phones were checked is not lost."""
    try:
        return normalize_phone(value)
    except ValueError:
        return (value or "").strip()


def display_phone(value: str) -> str:
    """How a stored phone is shown: the Vietnamese national format ("0912 345 678",
    "0296 3852 123"); a value that is no valid number is shown as it was stored."""
    try:
        return phonenumbers.format_number(_vietnamese_number(value), PhoneNumberFormat.NATIONAL)
    except ValueError:
        return value or ""


def cadre_search_text(full_name: str, phone: str, email: str) -> str:
    """A cadre's diacritic-free search column: name, email and the phone both as stored and,
    when it is E.164, as national digits, so part of a number as people type it (0912 345)
    is found too."""
    national = f"0{phone[3:]}" if phone.startswith("+84") else ""
    return fold(f"{full_name} {phone} {national} {email}")[:250]
