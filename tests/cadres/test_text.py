"""Vietnamese text rules: diacritic-free search, sorting by tên (phone numbers: test_phones.py)."""

import pytest
from hypothesis import given, strategies as st

from cadres.text import fold, person_sort_key

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
words = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper(), min_size=1, max_size=8)
plain_words = st.text(alphabet="abcdeghiklmnopqrstuvxy", min_size=1, max_size=8)


@given(st.lists(words, min_size=1, max_size=4))
def test_sort_key_is_digits_only_so_every_database_collates_it_alike(parts):
    key = person_sort_key(" ".join(parts))
    assert key.isdigit()


@given(plain_words, plain_words)
def test_plain_given_names_sort_alphabetically(first, second):
    """Without diacritics the order is the dictionary's, prefixes first ("An" < "Anh")."""
    assert (person_sort_key(f"Nguyễn {first}") < person_sort_key(f"Nguyễn {second}")) == (first < second)


@given(st.lists(words, min_size=1, max_size=4))
def test_fold_drops_every_diacritic(parts):
    folded = fold(" ".join(parts))
    assert folded.isascii() and folded == folded.lower()


@pytest.mark.parametrize(
    "ordered",
    [
        ["An", "Ăn", "Ân", "Bình"],  # ă and â come after a
        ["Dũng", "Đức"],  # đ after d
        ["Ôn", "Ơn"],  # ô before ơ
        ["Uyên", "Ưng"],  # u before ư
        ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"],  # tones: ngang, huyền, hỏi, ngã, sắc, nặng
    ],
)
def test_vietnamese_letter_and_tone_order(ordered):
    keys = [person_sort_key(f"Trần Văn {name}") for name in ordered]
    assert keys == sorted(keys)


def test_given_name_decides_before_family_name():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê An"]
    assert sorted(names, key=person_sort_key) == ["Lê An", "Nguyễn Thị An", "Trần Văn Bình"]
