"""Load the seed programmes (fixtures/seed_programmes/*.yaml) into a tenant, published.

The content goes through the same validation as the editor's (content.write_content), so
a fixture with an absurd target or a wrong kind fails loudly instead of loading.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_scopes import scope

from cadres.actors import Actor
from cadres.models import Tenant, Unit
from models_registry.content import write_content
from models_registry.models import Programme
from models_registry.services import programme_create, programme_publish

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "seed_programmes"
FORMAT = 1


@dataclass
class Loaded:
    key: str
    programme: Programme
    created: bool


def read_seed_programmes() -> list[dict]:
    """Every programme of every fixture file, in file order."""
    programmes = []
    for path in sorted(FIXTURE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ImproperlyConfigured(f"{path.name}: unknown fixture format {data.get('format')!r}")
        programmes.extend(data["programmes"])
    return programmes


def _tri(value) -> str:
    return "" if value is None else ("yes" if value else "no")


def expand_audiences(rows: list[dict]) -> list[dict]:
    """Fixture audience rows → one row per (level, role) combination, in service terms."""
    expanded = []
    for row in rows or []:
        for level in row.get("unit_levels") or [row.get("unit_level", "")]:
            for role in row.get("roles") or [row.get("role", "")]:
                expanded.append(dict(unit_level=level, role=role, full_time=_tri(row.get("full_time")),
                                     civil_servant=_tri(row.get("civil_servant")),
                                     applies=row.get("applies", True), target=row.get("target")))
    return expanded


def _groups(spec: dict) -> list[dict]:
    return [
        dict(title=group["title"], criteria=[
            {**{k: v for k, v in criterion.items() if k != "audiences"},
             "audiences": expand_audiences(criterion.get("audiences"))}
            for criterion in group.get("criteria") or []
        ])
        for group in spec["groups"]
    ]


def load_seed_programmes(tenant: Tenant, *, acting_user: Actor) -> list[Loaded]:
    """Load every seed programme not yet in the tenant (by its key) as a published programme
    owned by the unit its fixture names, or else by the tenant's root unit."""
    specs = read_seed_programmes()
    results = []
    with scope(tenant=tenant), transaction.atomic():
        root = tenant.root_unit
        codes = {spec["owner_code"] for spec in specs if spec.get("owner_code")}
        units = {unit.code: unit for unit in Unit.objects.filter(tenant=tenant, code__in=codes,
                                                                 archived_at__isnull=True)}
        for spec in specs:
            existing = Programme.objects.filter(tenant=tenant, seed_key=spec["key"]).order_by("-version").first()
            if existing is not None:
                results.append(Loaded(spec["key"], existing, created=False))
                continue
            programme = programme_create(
                owner_unit=units.get(spec.get("owner_code"), root), name=spec["name"],
                start_year=spec["start_year"], end_year=spec.get("end_year"), subject=spec["subject"],
                description=spec.get("description", ""), sectors=spec.get("sectors") or [],
                pilot_quota=spec.get("pilot_quota"), acting_user=acting_user,
            )
            programme.seed_key = spec["key"]
            programme.save(update_fields=["seed_key"])
            write_content(programme, _groups(spec))
            # Seeds are documents their province already published: record the check, never block.
            programme_publish(programme=programme, expected_version=programme.lock_version,
                              acting_user=acting_user, enforce_similarity=False)
            results.append(Loaded(spec["key"], programme, created=True))
    return results
