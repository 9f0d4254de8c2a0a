"""Load seed programmes (fixtures/seed_programmes/NNN_*.yaml) into a tenant, published.

Each fixture file is one source document of `shared/seeds/` (its number, "000"–"004"); a
province loads its own (`load_seed_programmes --tenant SLUG --seed 001`), never every one.
A programme's owner is named by the fixture (`owner_code`, or `owner: root` for the
province itself) or by the caller (`owners`); a code the tenant does not have refuses the
whole load, nothing is written and nothing falls back to the root.

The content goes through the same validation as the editor's (content.write_content), and
publishing runs the same "không rập khuôn" check as any programme (a tenant that blocks
near-copies refuses a seed too close to one of its programmes).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from cadres.actors import Actor
from cadres.models import Tenant, Unit
from models_registry.content import write_content, write_indicators
from models_registry.models import Programme
from models_registry.services import programme_create, programme_publish

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "seed_programmes"
FORMAT = 1


@dataclass
class Loaded:
    key: str
    programme: Programme
    created: bool


def seed_files() -> dict[str, Path]:
    """Seed number ("000") → its fixture file."""
    return {path.name.split("_", 1)[0]: path for path in sorted(FIXTURE_DIR.glob("[0-9][0-9][0-9]_*.yaml"))}


def read_seed_programmes(seeds: Sequence[str] | None = None) -> list[dict]:
    """The programmes of the given seeds (every seed when None), in file order; each spec
    carries its seed number as `seed`."""
    files = seed_files()
    unknown = sorted(set(seeds or ()) - set(files))
    if unknown:
        raise ValidationError(_("No seed %(seeds)s: the seeds are %(known)s.") % {
            "seeds": ", ".join(unknown), "known": ", ".join(files)}, code="unknown_seed")
    programmes = []
    for number, path in files.items():
        if seeds is not None and number not in seeds:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ImproperlyConfigured(f"{path.name}: unknown fixture format {data.get('format')!r}")
        for spec in data["programmes"]:
            if bool(spec.get("owner_code")) == (spec.get("owner") == "root"):
                raise ImproperlyConfigured(f"{path.name}: {spec['key']} needs either owner_code or owner: root")
            programmes.append({**spec, "seed": number})
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
        dict(title=group["title"], title_is_default="title" in (group.get("defaults") or []), criteria=[
            {**{k: v for k, v in criterion.items() if k != "audiences"},
             "audiences": expand_audiences(criterion.get("audiences"))}
            for criterion in group.get("criteria") or []
        ])
        for group in spec["groups"]
    ]


def _owners(tenant: Tenant, specs: list[dict], overrides: Mapping[str, str]) -> dict[str, Unit]:
    """Each spec's owner unit, by key; refuses (ValidationError, in Vietnamese) every owner
    the tenant does not have, all at once."""
    wanted = {spec["key"]: overrides.get(spec["seed"]) or spec.get("owner_code") or "" for spec in specs}
    units = {unit.code: unit for unit in Unit.objects.filter(tenant=tenant, code__in=set(wanted.values()) - {""},
                                                             archived_at__isnull=True)}
    owners, missing = {}, []
    for spec in specs:
        code = wanted[spec["key"]]
        if not code:
            owners[spec["key"]] = tenant.root_unit
        elif code in units:
            owners[spec["key"]] = units[code]
        else:
            missing.append(_("Seed %(seed)s (“%(name)s”) belongs to unit %(code)s, which %(tenant)s does not have: "
                             "create that unit or name another with --owner %(seed)s=CODE.") % {
                "seed": spec["seed"], "name": spec["name"], "code": code, "tenant": tenant.name})
    if missing:
        raise ValidationError(missing, code="owner_missing")
    return owners


def load_seed_programmes(tenant: Tenant, *, seeds: Sequence[str], acting_user: Actor,
                         owners: Mapping[str, str] | None = None) -> list[Loaded]:
    """Load the given seeds' programmes not yet in the tenant (by key) as published
    programmes of the unit each fixture names (`owners`: seed number → unit code, instead
    of the fixture's). One transaction: a refused owner or publication writes nothing."""
    if not seeds:
        raise ValidationError(_("Name at least one seed to load."), code="no_seed")
    specs = read_seed_programmes(seeds)
    unknown = sorted(set(owners or {}) - set(seeds))
    if unknown:
        raise ValidationError(_("--owner names seed %(seeds)s, which is not being loaded.") % {
            "seeds": ", ".join(unknown)}, code="unknown_seed")
    results = []
    with scope(tenant=tenant), transaction.atomic():
        owner_units = _owners(tenant, specs, owners or {})
        for spec in specs:
            existing = Programme.objects.filter(tenant=tenant, seed_key=spec["key"]).order_by("-version").first()
            if existing is not None:
                results.append(Loaded(spec["key"], existing, created=False))
                continue
            programme = programme_create(
                owner_unit=owner_units[spec["key"]], name=spec["name"],
                start_year=spec["start_year"], end_year=spec.get("end_year"), subject=spec["subject"],
                description=spec.get("description", ""), sectors=spec.get("sectors") or [],
                pilot_quota=spec.get("pilot_quota"), acting_user=acting_user,
            )
            programme.seed_key = spec["key"]
            programme.save(update_fields=["seed_key"])
            write_content(programme, _groups(spec))
            write_indicators(programme, spec.get("indicators") or [])
            programme_publish(programme=programme, expected_version=programme.lock_version,
                              acting_user=acting_user)
            results.append(Loaded(spec["key"], programme, created=True))
    return results
