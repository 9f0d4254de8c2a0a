"""htmx attributes are written `data-hx-*`, which HTML allows (the Nu checker refuses a bare
`hx-get`): in every template and in the widgets' attributes in Python. Run after a merge
to find the ones another branch brought in."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# An attribute name `hx-…` not preceded by `data-` (nor part of a longer name, a header or a class).
BARE = re.compile(r"(?<![\w.-])hx-[a-z]")
APPS = ["cadres", "evaluations", "models_registry", "portal", "reports", "office", "config"]


def bare_attributes() -> list[str]:
    found = []
    sources = [*(ROOT / "templates").rglob("*.html"),
               *(path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)]
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BARE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    return found


def test_htmx_attributes_are_written_data_hx():
    found = bare_attributes()
    assert not found, "Write htmx attributes as data-hx-*:\n" + "\n".join(found)


def test_the_check_sees_a_bare_attribute():
    assert BARE.search('<a hx-get="/x">') and BARE.search('"hx-post": url')
    assert not BARE.search('<a data-hx-get="/x">') and not BARE.search("HX-Request") \
        and not BARE.search("htmx-indicator")
