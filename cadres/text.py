"""Vietnamese text rules: diacritic-free search, name sorting by tên, phone numbers."""

import re
import unicodedata

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

_PHONE_JUNK = re.compile(r"[\s.\-()]")
_PHONE_VALID = re.compile(r"^0\d{9}$")


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


def normalize_phone(raw: str) -> str:
    """"+84 912 345 678" → "0912345678"; raises ValueError when it is no Vietnamese number."""
    phone = _PHONE_JUNK.sub("", raw or "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) == 11:
        phone = "0" + phone[2:]
    if not _PHONE_VALID.match(phone):
        raise ValueError(raw)
    return phone
