"""The Vietnamese catalogue follows the code: what `manage.py makemessages -l vi` extracts
from the code and templates is exactly what locale/fragments/*.po translate, and the
committed locale/vi/LC_MESSAGES/django.po and .mo are what scripts/build-messages.sh makes
of the fragments.

makemessages runs on copies in a temporary folder, so nothing is written into the
repository. vendor-<package>.po translate a package's own texts (allauth's messages, forms
and e-mails): a translation is in use when our tree or one of those packages has the text.
"""

import ast
import gettext
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import missing_service

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = ROOT / "locale" / "fragments"
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
# Not source (static/ holds no gettext), or the catalogues themselves.
NOT_SOURCE = {"static", "locale", "media", "staticfiles", "node_modules", "__pycache__"}


@dataclass(frozen=True)
class Entry:
    context: str | None
    msgid: str
    plural: str | None
    translations: tuple[str, ...]
    fuzzy: bool
    where: str  # the first "#:" reference, or the file the entry came from

    @property
    def key(self) -> tuple[str | None, str]:
        return self.context, self.msgid

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.translations) and all(self.translations)

    def __str__(self) -> str:
        context = f" [context {self.context!r}]" if self.context else ""
        return f"{self.msgid!r}{context} ({self.where})"


def parse_po(path: Path) -> list[Entry]:
    """The live entries of a .po file, header and obsolete (#~) entries left out."""
    entries, fields, flags, where, last = [], {}, set(), "", ""

    def flush():
        nonlocal fields, flags, where
        if fields.get("msgid"):
            forms = sorted(key for key in fields if key.startswith("msgstr"))
            entries.append(Entry(fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"),
                                 tuple(fields[key] for key in forms), "fuzzy" in flags, where or path.name))
        fields, flags, where = {}, set(), ""

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        starts_entry = line.startswith("#") or line.startswith(("msgctxt ", "msgid "))
        if starts_entry and any(key.startswith("msgstr") for key in fields):
            flush()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            where = where or line[2:].split()[0]
        elif line.startswith('"'):
            fields[last] += ast.literal_eval(line)
        elif not line.startswith("#"):
            last, _space, value = line.partition(" ")
            fields[last] = ast.literal_eval(value)
    flush()
    return entries


def _makemessages(source: Path, copy: Path, env: dict) -> dict:
    """Extract `source`'s texts from a copy of it, keyed by (context, msgid)."""
    shutil.copytree(source, copy, ignore=lambda folder, names: [n for n in names if n.startswith(".") or n in NOT_SOURCE])
    (copy / "locale").mkdir()
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "vi"], cwd=copy, env=env, check=True,
                   capture_output=True)
    return {entry.key: entry for entry in parse_po(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po")}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict:
    """What makemessages extracts from our code and templates."""
    if not shutil.which("xgettext"):
        missing_service("xgettext from gettext (make test installs it)")
    # The copy's own settings, so LOCALE_PATHS points into the copy.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "makemessages"}
    return _makemessages(ROOT, tmp_path_factory.mktemp("source") / "tree", env)


@pytest.fixture(scope="module")
def vendor_texts(extracted, tmp_path_factory) -> dict:
    """What makemessages extracts from each package a vendor-<package>.po translates."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    texts = {}
    for fragment in sorted(FRAGMENTS.glob("vendor-*.po")):
        package = fragment.stem.removeprefix("vendor-")
        source = Path(importlib.util.find_spec(package).submodule_search_locations[0])
        texts.update(_makemessages(source, tmp_path_factory.mktemp(package) / package, env))
    return texts


@pytest.fixture(scope="module")
def fragments() -> dict:
    """The fragments merged as scripts/build-messages.sh does: the first in name order wins."""
    merged = {}
    for path in sorted(FRAGMENTS.glob("*.po")):
        for entry in parse_po(path):
            merged.setdefault(entry.key, Entry(entry.context, entry.msgid, entry.plural, entry.translations,
                                               entry.fuzzy, path.name))
    return merged


def _report(title: str, entries) -> str:
    return f"{title}:\n" + "\n".join(f"  {entry}" for entry in sorted(entries, key=str))


def test_every_extracted_text_has_a_vietnamese_translation(extracted, fragments):
    missing = [entry for key, entry in extracted.items() if key not in fragments or not fragments[key].translated]
    assert not missing, _report(
        "Texts in the code or templates without a Vietnamese translation (add them to the right "
        "locale/fragments/*.po, then run scripts/build-messages.sh)", missing)
    plurals = [entry for key, entry in extracted.items() if entry.plural != fragments[key].plural]
    assert not plurals, _report("Plural forms that differ from the code's", plurals)


def test_the_catalogue_has_no_text_that_nothing_uses(extracted, vendor_texts, fragments):
    unused = [entry for key, entry in fragments.items() if key not in extracted and key not in vendor_texts]
    assert not unused, _report("Translations in locale/fragments that no code or template uses any more (delete them)",
                               unused)


def test_the_committed_catalogue_is_built_from_the_fragments(fragments):
    def translations(entries):
        return {entry.key: (entry.plural, entry.translations, entry.fuzzy) for entry in entries}

    built, committed = translations(fragments.values()), translations(parse_po(CATALOGUE))
    stale = sorted({key for key in built.keys() | committed.keys() if built.get(key) != committed.get(key)}, key=str)
    assert not stale, ("locale/vi/LC_MESSAGES/django.po is not what the fragments make; run "
                       f"scripts/build-messages.sh: {stale[:20]}")

    with (CATALOGUE.with_suffix(".mo")).open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    expected = {}
    for entry in fragments.values():
        if not entry.translated:
            continue  # msgfmt leaves out what is untranslated or fuzzy
        msgid = f"{entry.context}\x04{entry.msgid}" if entry.context else entry.msgid
        if entry.plural:
            expected.update({(msgid, n): text for n, text in enumerate(entry.translations)})
        else:
            expected[msgid] = entry.translations[0]
    catalog.pop("", None)  # the header
    assert catalog == expected, "locale/vi/LC_MESSAGES/django.mo is not compiled from django.po; run scripts/build-messages.sh"
