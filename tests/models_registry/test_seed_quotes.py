"""Faithful fixtures (issue 15, point 6): every text a seed fixture stores as content quotes its
source document (`fixtures/seed_programmes/sources/`, the documents of `shared/seeds/` as
published), once whitespace, Unicode (NFC), case, quotation marks and markdown emphasis are
normalised (dashes too). A fixture may elide with "…" between quoted parts. What the source does not say
— a grouping title, a threshold — must be listed in the item's `defaults`; a quantitative
target not marked so must be a number the quoted text states."""

import re
import unicodedata

import pytest

from models_registry.seeding import FIXTURE_DIR, read_seed_programmes, seed_files

SOURCES = FIXTURE_DIR / "sources"
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "–": "-", "—": "-",
                        "*": None})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(QUOTES).casefold()
    return " ".join(text.split())


def fragments(text: str) -> list[str]:
    """The sentences and clauses of a stored text, each of which must be found in the source."""
    parts = re.split(r"[.;:!?](?:\s+|$)|…", normalise(text))
    return [part.strip(" ,.;:\"'") for part in parts if part.strip(" ,.;:\"'")]


def unquoted(text: str, source: str) -> list[str]:
    return [part for part in fragments(text) if part not in source]


def states(number, text: str) -> bool:
    """Whether the (normalised) text writes the number, "02" for 2 included."""
    value = int(number) if float(number).is_integer() else number
    return re.search(rf"(?<![\d,.])0*{value}(?![\d,])", text) is not None


def _source(seed: str) -> str:
    name = seed_files()[seed].name
    matches = [path for path in SOURCES.glob(f"{seed}_*.txt")]
    assert len(matches) == 1, f"{name}: one source document expected in {SOURCES}"
    return normalise(matches[0].read_text(encoding="utf-8"))


def stored_texts(spec: dict):
    """(where, text) of every text of a fixture programme that is not marked as a default."""
    yield "name", spec["name"]
    yield "description", spec.get("description", "")
    for indicator in spec.get("indicators") or []:
        yield f"indicator {indicator['kind']}", indicator["text"]
    for group in spec["groups"]:
        if "title" not in (group.get("defaults") or []):
            yield "group title", group["title"]
        for criterion in group.get("criteria") or []:
            defaults = criterion.get("defaults") or []
            for field in ("title", "guidance", "target_quote"):
                if criterion.get(field) and field not in defaults:
                    yield f"{field} of “{criterion['title'][:40]}”", criterion[field]


def problems(spec: dict) -> list[str]:
    source = _source(spec["seed"])
    found = [f"{where}: “{part}”" for where, text in stored_texts(spec) for part in unquoted(text, source)]
    for group in spec["groups"]:
        for criterion in group.get("criteria") or []:
            if "target" in (criterion.get("defaults") or []):
                continue
            said = normalise(" ".join(criterion.get(field) or "" for field in ("title", "guidance", "target_quote")))
            numbers = [criterion.get("target")] + [row.get("target") for row in criterion.get("audiences") or []]
            for number in numbers:
                if number is not None and not states(number, said) and not said_by_quote(criterion, number):
                    found.append(f"target {number} of “{criterion['title'][:40]}” is not in its quoted text: "
                                 "quote it or mark it as a default")
    return found


def said_by_quote(criterion: dict, number) -> bool:
    """A target of one per period the quote states in words ("mỗi tháng", "hằng năm")."""
    quote = normalise(criterion.get("target_quote") or "")
    return number == 1 and bool(quote) and re.search(r"(mỗi|hằng|hàng) (tuần|tháng|quý|năm)", quote) is not None


@pytest.mark.parametrize("spec", read_seed_programmes(), ids=lambda spec: spec["key"])
def test_every_stored_text_of_a_seed_fixture_quotes_its_source(spec):
    assert problems(spec) == []


def test_the_check_finds_a_composed_sentence_and_an_unstated_threshold():
    spec = dict(seed="003", name="Chi đoàn 3 có", description="Tổ chức sinh hoạt chi đoàn thường xuyên, định kỳ hằng tháng.",
                groups=[dict(title="3 có", criteria=[dict(title="Chi đoàn có sinh hoạt Đoàn", kind="quantitative",
                                                          target=1, period="month")])])
    assert problems(spec) == [
        "description: “tổ chức sinh hoạt chi đoàn thường xuyên, định kỳ hằng tháng”",
        "target 1 of “Chi đoàn có sinh hoạt Đoàn” is not in its quoted text: quote it or mark it as a default"]
    spec["description"] = "Việc tổ chức sinh hoạt chi đoàn được thường xuyên hơn."
    spec["groups"][0]["criteria"][0]["defaults"] = ["target"]
    assert problems(spec) == []


def test_normalising_ignores_layout_case_quotes_and_composed_unicode():
    decomposed = unicodedata.normalize("NFD", "Phong trào “*3 trách nhiệm*”\n  trong cán bộ")
    assert normalise(decomposed) == normalise('phong trào "3 trách nhiệm" trong cán bộ')
    assert states(2, normalise("ít nhất 02 giờ")) and not states(2, normalise("ít nhất 20 giờ"))
