"""The "không rập khuôn" check: is a programme a near-copy of its parent or a sibling's?

Text is normalised (diacritics folded, punctuation dropped, spaces collapsed) and compared
line by line: the description, each group title, each criterion (title + guidance). The
name is left out on purpose: the source plan (seed 002) allows programmes to share a name,
"but not their idea or content".

Two measures, both in [0, 1]:
- `text_similarity`: Jaccard index of the two sets of 3-word shingles (taken within lines,
  so reordering criteria changes nothing);
- `identical_share`: the share of this programme's criteria found word for word (after
  normalising) among the other's.
`score` is the larger of the two: rewriting a long description cannot hide criteria
copied verbatim, and light edits to copied criteria cannot hide a copied text. The
closest programme is the one with the highest score; the warning fires when that score
reaches the tenant's threshold (RegistrySettings, default 0.70), and blocks publishing
only when the tenant chose so.

Compared with: the parent programme (any status), and the published programmes of sibling
units (same parent unit) or of the same unit whose period overlaps, other than versions
of the programme itself.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from cadres.models import Unit
from cadres.text import fold
from models_registry.models import CriteriaGroup, Criterion, Programme, ProgrammeStatus, RegistrySettings

SHINGLE_WORDS = 3
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """"Cần  sáng tạo, trong công việc!" → "can sang tao trong cong viec"."""
    return " ".join(_NOT_WORD.sub(" ", fold(text or "")).split())


def shingles(lines: list[str], size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    result = set()
    for line in lines:
        words = line.split()
        if 0 < len(words) < size:
            result.add(tuple(words))
        result.update(tuple(words[i:i + size]) for i in range(len(words) - size + 1))
    return result


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass(frozen=True)
class Text:
    """A programme's normalised content: all lines, and the criteria lines among them."""

    lines: tuple[str, ...]
    criteria: tuple[str, ...]


def compare(text: Text, other: Text) -> tuple[float, float, float]:
    """(score, text_similarity, identical_share) of `text` against `other`."""
    text_similarity = jaccard(shingles(list(text.lines)), shingles(list(other.lines)))
    own = set(text.criteria) - {""}
    identical_share = len(own & set(other.criteria)) / len(own) if own else 0.0
    return max(text_similarity, identical_share), text_similarity, identical_share


def _texts(programmes: list[Programme]) -> dict[int, Text]:
    """Normalised content of several programmes, in two queries."""
    lines: dict[int, list[str]] = defaultdict(list)
    criteria: dict[int, list[str]] = defaultdict(list)
    for programme in programmes:
        lines[programme.pk].append(normalise(programme.description))
    groups = CriteriaGroup.objects.filter(programme__in=[p.pk for p in programmes]).values_list("programme_id", "title")
    for programme_id, title in groups:
        lines[programme_id].append(normalise(title))
    rows = Criterion.objects.filter(group__programme__in=[p.pk for p in programmes]).values_list(
        "group__programme_id", "title", "guidance"
    )
    for programme_id, title, guidance in rows:
        line = normalise(f"{title} {guidance}")
        lines[programme_id].append(line)
        criteria[programme_id].append(line)
    return {p.pk: Text(tuple(line for line in lines[p.pk] if line), tuple(criteria[p.pk])) for p in programmes}


def candidates(programme: Programme) -> list[tuple[Programme, str]]:
    """(programme, relation) pairs to compare with; relation is "parent", "sibling" or "same_unit"."""
    owner = programme.owner_unit
    found: list[tuple[Programme, str]] = []
    if programme.parent_id:
        found.append((programme.parent, "parent"))
    siblings = Programme.objects.filter(
        tenant_id=programme.tenant_id, status=ProgrammeStatus.PUBLISHED,
        owner_unit__depth=owner.depth, owner_unit__path__startswith=owner.path[: len(owner.path) - Unit.steplen],
        start_year__lte=programme.end_year, end_year__gte=programme.start_year,
    ).exclude(series=programme.series).exclude(pk=programme.parent_id or 0).select_related("owner_unit")
    for sibling in siblings:
        found.append((sibling, "same_unit" if sibling.owner_unit_id == owner.pk else "sibling"))
    return found


RELATIONS = {
    "parent": lambda: _("the parent programme"),
    "sibling": lambda: _("a programme of a sibling unit"),
    "same_unit": lambda: _("another programme of the same unit"),
}


@dataclass
class Comparison:
    other: Programme
    relation: str
    score: float
    text_similarity: float
    identical_share: float


@dataclass
class SimilarityResult:
    threshold: Decimal
    blocking: bool
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def closest(self) -> Comparison | None:
        return max(self.comparisons, key=lambda c: c.score, default=None)

    @property
    def is_similar(self) -> bool:
        closest = self.closest
        return closest is not None and Decimal(str(round(closest.score, 4))) >= self.threshold

    @property
    def blocks(self) -> bool:
        return self.is_similar and self.blocking

    def message(self) -> str:
        """The Vietnamese warning naming the closest programme, or "" when none is too close."""
        if not self.is_similar:
            return ""
        closest = self.closest
        return _(
            "The content is %(score)d%% similar to “%(name)s” of %(unit)s (%(relation)s); %(identical)d%% of the "
            "criteria are the same word for word. Programmes may share a name, but not their idea or content: "
            "add or rewrite criteria of your own."
        ) % {"score": round(closest.score * 100), "name": closest.other.name, "unit": closest.other.owner_unit.name,
             "relation": RELATIONS[closest.relation](), "identical": round(closest.identical_share * 100)}

    def as_report(self) -> dict:
        """A JSON-able summary, stored on the programme when it is published."""
        closest = self.closest
        return {
            "threshold": float(self.threshold),
            "blocking": self.blocking,
            "similar": self.is_similar,
            "closest": None if closest is None else {
                "programme_id": closest.other.pk, "name": closest.other.name, "relation": closest.relation,
                "score": round(closest.score, 3), "text_similarity": round(closest.text_similarity, 3),
                "identical_share": round(closest.identical_share, 3),
            },
            "compared": len(self.comparisons),
        }


def settings_of(tenant_id: int) -> RegistrySettings:
    """The tenant's settings, or unsaved defaults when it never changed them."""
    return RegistrySettings.objects.filter(tenant_id=tenant_id).first() or RegistrySettings(tenant_id=tenant_id)


def check_similarity(programme: Programme) -> SimilarityResult:
    """Compare the programme with its parent and siblings (see the module docstring),
    against its tenant's threshold; usable before publishing to preview the warning."""
    settings = settings_of(programme.tenant_id)
    threshold, blocking = Decimal(settings.similarity_threshold), settings.block_similar
    pairs = candidates(programme)
    texts = _texts([programme] + [other for other, _relation in pairs])
    result = SimilarityResult(threshold=threshold, blocking=blocking)
    for other, relation in pairs:
        score, text_similarity, identical_share = compare(texts[programme.pk], texts[other.pk])
        result.comparisons.append(Comparison(other, relation, score, text_similarity, identical_share))
    return result
