"""A realistic province for benchmarks and scale testing: `province_generate`.

Per 100,000 cadres: about 30 huyện and đoàn trực thuộc plus xã/phường directly under the
tỉnh, 1,500 đoàn cơ sở, some liên chi đoàn and 15,000 chi đoàn; one deciding position per
cadre plus second and ended ones; published programmes at the tỉnh and most huyện; an open
cycle with forms in every state, their timelines and results; an activity log. The same
seed and size give the same rows (only `random.Random(seed)` draws anything, join codes
from the seed and the slug), whatever the database.

Everything is written with bulk_create inside one transaction, so a failure leaves nothing;
then the written tables are analysed (a fresh database without statistics plans the cadre
list badly enough to take half a minute).
"""

import datetime
import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _, gettext_lazy
from django_scopes import scopes_disabled

from cadres.models import Cadre, Grant, Position, Tenant, Unit, UnitLevel, User
from cadres.services.audit import audit_record
from evaluations.models import (
    Activity,
    Commitment,
    CommitmentResult,
    Cycle,
    FormEvent,
    Initiative,
    Registration,
    SelfAssessment,
)
from models_registry.models import AudienceTarget, CriteriaGroup, Criterion, Programme, ProgrammeParticipant
from reports.generator import names as N
from reports.generator.forms import FormWriter
from reports.generator.people import (
    Accounts,
    PeoplePlanner,
    account_emails,
    make_accounts,
    plan_seats,
    write_accounts,
    write_people,
)
from reports.generator.programmes import ProgrammeWriter, open_cycle
from reports.generator.tree import Node, TreePlanner, join_codes, next_root_path, tree_size, write_root, write_tree

MIN_CADRES, MAX_CADRES = 10, 500_000
FIRST_YEAR = 2020
BATCH_SIZE = 2000
WRITTEN = [Tenant, Unit, User, Grant, Cadre, Position, Programme, CriteriaGroup, Criterion, AudienceTarget,
           ProgrammeParticipant, Cycle, Registration, Commitment, SelfAssessment, CommitmentResult, FormEvent,
           Activity, Initiative]
# Progress labels, shown as "<label> <count>".
LABELS = {
    "units": gettext_lazy("units"), "cadres": gettext_lazy("cadres"), "positions": gettext_lazy("positions"),
    "programmes": gettext_lazy("programmes"), "forms": gettext_lazy("cadres with their forms"),
    "registrations": gettext_lazy("registrations"), "commitments": gettext_lazy("commitments"),
    "self-assessments": gettext_lazy("self-assessments"), "results": gettext_lazy("results"),
    "form events": gettext_lazy("form events"), "activities": gettext_lazy("activities"),
    "initiatives": gettext_lazy("initiatives"),
}
PHASES = {"units": gettext_lazy("Units"), "cadres": gettext_lazy("Cadres and positions"),
          "programmes": gettext_lazy("Programmes and cycle"), "forms": gettext_lazy("Forms and activities"),
          "commit": gettext_lazy("Commit"), "analyze": gettext_lazy("Table statistics (ANALYZE)")}


@dataclass
class Tally:
    """Rows written and seconds spent, per kind of row."""

    counts: Counter = field(default_factory=Counter)
    seconds: defaultdict = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def timed(self, label: str, rows: int):
        started = time.perf_counter()
        yield
        self.counts[label] += rows
        self.seconds[label] += time.perf_counter() - started


@dataclass
class Generated:
    tenant: Tenant
    cycle: Cycle
    accounts: Accounts
    tally: Tally
    phases: list[tuple[str, float]]


def province_check(*, slug: str, cadres: int, year: int, name: str = "") -> None:
    """Refuse bad input before anything is written."""
    today = timezone.localdate()
    if not slug or slugify(slug) != slug:
        raise ValidationError(_("“%(slug)s” is not a valid slug: use lower-case letters, digits and hyphens.")
                              % {"slug": slug})
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError(_("A province with the slug “%(slug)s” already exists; choose another slug.")
                              % {"slug": slug})
    if name and Tenant.objects.filter(name=name).exists():
        raise ValidationError(_("A province named “%(name)s” already exists.") % {"name": name})
    if not MIN_CADRES <= cadres <= MAX_CADRES:
        raise ValidationError(_("The number of cadres must be between %(low)s and %(high)s.")
                              % {"low": f"{MIN_CADRES:,}", "high": f"{MAX_CADRES:,}"})
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationError(_("The year must be between %(low)d and %(high)d.") % {"low": FIRST_YEAR,
                                                                                    "high": today.year})
    taken = User.objects.filter(email__in=account_emails(slug)).values_list("email", flat=True).first()
    if taken:
        raise ValidationError(_("The account %(email)s already exists.") % {"email": taken})


def _taken_join_codes(codes: list[str]) -> set[str]:
    taken = set()
    for start in range(0, len(codes), 500):
        taken.update(Unit.objects.filter(join_code__in=codes[start:start + 500]).values_list("join_code", flat=True))
    return taken


def analyze_tables() -> None:
    """Planner statistics for what was just written."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in WRITTEN))
        else:
            cursor.execute("ANALYZE")


def province_generate(*, slug: str, cadres: int, seed: int = 1, year: int | None = None, name: str = "",
                      progress=None) -> Generated:
    """Create the tenant `slug` with `cadres` cadres. `progress(label, count)` hears how far it got."""
    year = year or timezone.localdate().year
    province_check(slug=slug, cadres=cadres, year=year, name=name)
    say = progress or (lambda label, count: None)
    rng = random.Random(seed)
    province_name = f"Tỉnh Đoàn {N.PlaceNames(rng).take('provinces')}"
    reference = min(timezone.localdate(), datetime.date(year, 12, 31))
    tally, phases = Tally(), []

    @contextmanager
    def phase(label: str):
        started = time.perf_counter()
        yield
        phases.append((PHASES[label], time.perf_counter() - started))

    with scopes_disabled():
        with transaction.atomic():
            with phase("units"):
                tenant = Tenant.objects.create(name=name or f"{province_name} ({slug})", slug=slug)
                root = Node(slug.upper()[:40], province_name, UnitLevel.PROVINCE, "", path=next_root_path(), depth=1)
                nodes = TreePlanner(rng, tree_size(cadres), root).plan()
                codes = join_codes(seed, slug, len(nodes) + 1, _taken_join_codes)
                with tally.timed("units", len(nodes) + 1):
                    root_unit = write_root(tenant.pk, root, codes[0])
                    write_tree(root_unit, nodes, codes[1:], BATCH_SIZE)
                audit_record(actor=None, action="tenant.create", obj=tenant, tenant=tenant,
                             data={"root": root.code, "generated": {"cadres": cadres, "seed": seed, "year": year}})
                say(LABELS["units"], len(nodes) + 1)
            with phase("cadres"):
                everyone = [root, *nodes]
                people = PeoplePlanner(rng, year, reference).plan(plan_seats(rng, everyone, cadres), everyone)
                accounts = make_accounts(rng, slug, people)
                write_accounts(tenant.pk, root_unit, accounts)
                with tally.timed("cadres", len(people)):
                    positions = write_people(tenant.pk, people, BATCH_SIZE)
                tally.counts["positions"] = positions
                say(LABELS["cadres"], len(people))
                say(LABELS["positions"], positions)
            with phase("programmes"):
                districts = [node for node in root.children if node.level == UnitLevel.DISTRICT]
                programmes = ProgrammeWriter(rng, tenant.pk, year, accounts.staff).write(root, province_name, districts)
                cycle = open_cycle(tenant.pk, year, accounts.staff)
                tally.counts["programmes"] = programmes.count
                say(LABELS["programmes"], programmes.count)
            with phase("forms"):
                step = max(10_000, len(people) // 10)

                def forms_progress(done: int) -> None:
                    if done % step < 2_000 or done == len(people):
                        say(LABELS["forms"], done)

                FormWriter(rng, cycle, programmes, BATCH_SIZE, tally).write(people, forms_progress)
                for label in ("registrations", "commitments", "self-assessments", "results", "form events",
                              "activities", "initiatives"):
                    say(LABELS[label], tally.counts[label])
            body_done = time.perf_counter()
        # PostgreSQL checks the deferred foreign keys of every row written here.
        phases.append((PHASES["commit"], time.perf_counter() - body_done))
        with phase("analyze"):
            analyze_tables()
    return Generated(tenant, cycle, accounts, tally, phases)
