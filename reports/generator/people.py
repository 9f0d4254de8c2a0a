"""Cadres and their positions for a generated province, and the few login accounts.

Every unit gets a Bí thư and a Phó Bí thư, then UV BCH (and a Ban Thường vụ and full-time
staff at the higher levels); the seats are trimmed or topped up so that there are exactly
N cadres, each in one seat: that seat is the cadre's deciding position (their lowest unit).
On top of it about 8% hold a second position one level up (a chi đoàn Bí thư sits on the
cơ sở's Ban Chấp hành) and about 5% left an earlier position in the last two years.
"""

import datetime
import functools
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from cadres import privacy
from cadres.models import Cadre, Consent, Grant, GrantRole, Position, PositionRole, Sector, Unit, UnitLevel, User
from cadres.text import cadre_search_text, fold, person_sort_key
from reports.generator import names as N
from reports.generator.tree import Node

ACCOUNT_PASSWORD = "doan@2026"
SEC, DEP, STANDING, EXEC, STAFF = (PositionRole.SECRETARY, PositionRole.DEPUTY_SECRETARY,
                                   PositionRole.STANDING_MEMBER, PositionRole.EXECUTIVE_MEMBER,
                                   PositionRole.FULL_TIME_STAFF)
FIRST_START = datetime.date(2019, 1, 1)
SECOND_POSITION_SHARE = 0.08
ENDED_POSITION_SHARE = 0.05
PARTY_SHARE = {UnitLevel.PROVINCE: 0.9, UnitLevel.DISTRICT: 0.8, UnitLevel.GRASSROOTS: 0.5,
               UnitLevel.INTER_BRANCH: 0.35, UnitLevel.BRANCH: 0.2}
# Born between these years, by level: chi đoàn cadres are younger.
BIRTH_YEARS = {UnitLevel.PROVINCE: (1978, 1994), UnitLevel.DISTRICT: (1982, 1996), UnitLevel.GRASSROOTS: (1985, 2001),
               UnitLevel.INTER_BRANCH: (1990, 2004), UnitLevel.BRANCH: (1990, 2007)}


def seats_for(rng: random.Random, node: Node) -> list[str]:
    """The roles one unit would like filled, most important first."""
    level = node.level
    if level == UnitLevel.PROVINCE:
        return ([SEC, DEP, DEP, DEP] + [STANDING] * rng.randint(6, 9) + [STAFF] * rng.randint(8, 15)
                + [EXEC] * rng.randint(10, 15))
    if level == UnitLevel.DISTRICT:
        return [SEC, DEP, DEP] + [STANDING] * rng.randint(2, 4) + [STAFF] * rng.randint(1, 3) + [EXEC] * rng.randint(6, 10)
    if level == UnitLevel.GRASSROOTS:
        deputies = [DEP] * rng.randint(1, 2)
        return [SEC, *deputies] + [STANDING] * rng.randint(1, 3) + [EXEC] * rng.randint(4, 9)
    if level == UnitLevel.INTER_BRANCH:
        return [SEC, DEP] + [EXEC] * rng.randint(1, 3)
    return [SEC, DEP] + [EXEC] * rng.randint(1, 5)


def plan_seats(rng: random.Random, nodes: list[Node], cadres: int) -> list[tuple[Node, str]]:
    """Exactly `cadres` (unit, role) seats in tree order: every unit's first seats are kept
    before anyone's later ones; missing seats are UV BCH of chi đoàn and cơ sở."""
    wanted = [(rank, order, node, role) for order, node in enumerate(nodes)
              for rank, role in enumerate(seats_for(rng, node))]
    if len(wanted) > cadres:
        wanted = sorted(wanted, key=lambda seat: (seat[0], seat[1]))[:cadres]
    lower = [(order, node) for order, node in enumerate(nodes)
             if node.level in (UnitLevel.GRASSROOTS, UnitLevel.BRANCH)]
    for extra in range(cadres - len(wanted)):
        order, node = rng.choice(lower)
        wanted.append((1000 + extra, order, node, EXEC))
    return [(node, role) for _rank, _order, node, role in sorted(wanted, key=lambda seat: (seat[1], seat[0]))]


@dataclass(eq=False)
class Person:
    """One generated cadre: the deciding seat, the profile and every position held."""

    node: Node
    role: str
    full_name: str
    gender: str
    is_full_time: bool
    is_civil_servant: bool
    start: datetime.date
    profile: dict
    positions: list[tuple[Node, str, datetime.date, datetime.date | None]] = field(default_factory=list)
    user: User | None = None
    pk: int | None = None


@functools.lru_cache(maxsize=None)
def _sort_key(full_name: str) -> str:
    return person_sort_key(full_name)


class PeoplePlanner:
    def __init__(self, rng: random.Random, year: int, reference: datetime.date):
        self.rng = rng
        self.year = year
        self.reference = reference  # the day positions are read on (the rollup's reference date)

    def _day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def person(self, node: Node, role: str) -> Person:
        rng = self.rng
        full_name, gender = N.person_name(rng)
        level = node.level
        full_time = role == STAFF or (role in (SEC, DEP) and level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT)) or (
            role == SEC and level == UnitLevel.GRASSROOTS and node.sector == Sector.RESIDENTIAL and rng.random() < 0.5)
        civil = node.sector == Sector.CIVIL_SERVICE or (full_time and level != UnitLevel.GRASSROOTS)
        first, last = BIRTH_YEARS[level]
        family, given = full_name.split()[0], full_name.split()[-1]
        email = f"{fold(given)}.{fold(family)}{rng.randrange(100, 1000)}@gmail.com" if rng.random() < 0.35 else ""
        profile = dict(
            birth_date=self._day(datetime.date(first, 1, 1), datetime.date(last, 12, 31)),
            phone=N.mobile_phone(rng),
            email=email,
            ethnicity=rng.choice(N.ETHNICITIES),
            job_title="Cán bộ Đoàn chuyên trách" if full_time and level != UnitLevel.GRASSROOTS
            else rng.choice(N.JOB_TITLES[node.sector]),
            is_party_member=rng.random() < PARTY_SHARE[level],
        )
        start = self._day(FIRST_START, datetime.date(self.year, 1, 1))
        person = Person(node, role, full_name, gender, full_time, civil, start, profile)
        person.positions.append((node, role, start, None))
        return person

    def plan(self, seats: list[tuple[Node, str]], nodes: list[Node]) -> list[Person]:
        people = [self.person(node, role) for node, role in seats]
        self._second_positions(people)
        self._ended_positions(people, nodes)
        return people

    def _second_positions(self, people: list[Person]) -> None:
        """A Bí thư also sits on the Ban Chấp hành of the level above."""
        candidates = [p for p in people if p.role == SEC and p.node.parent is not None
                      and p.node.level != UnitLevel.PROVINCE]
        count = min(len(candidates), round(len(people) * SECOND_POSITION_SHARE))
        for person in self.rng.sample(candidates, count):
            above = person.node.parent
            if above.level == UnitLevel.INTER_BRANCH:  # a chi đoàn in a liên chi đoàn: the cơ sở's BCH
                above = above.parent
            person.positions.append((above, EXEC, self._day(FIRST_START, datetime.date(self.year, 1, 1)), None))

    def _ended_positions(self, people: list[Person], nodes: list[Node]) -> None:
        """An earlier position that ended this year or last year; the current one started the
        day after (never after the reference date, so the current one is the active one)."""
        by_level: dict[str, list[Node]] = {}
        for node in nodes:
            by_level.setdefault(node.level, []).append(node)
        count = min(len(people), round(len(people) * ENDED_POSITION_SHARE))
        earliest = datetime.date(self.year - 1, 1, 1)
        latest = self.reference - datetime.timedelta(days=1)
        for person in self.rng.sample(people, count):
            end = self._day(earliest, latest)
            start = self._day(FIRST_START, max(FIRST_START, end - datetime.timedelta(days=200)))
            lower = {SEC: DEP, DEP: EXEC, STANDING: EXEC, STAFF: EXEC}.get(person.role)
            if lower and self.rng.random() < 0.5:
                unit, role = person.node, lower  # promoted in the same unit
            else:
                unit, role = self.rng.choice(by_level.get(person.node.level) or [person.node]), person.role
            person.positions.append((unit, role, start, end))
            current = person.positions[0]
            person.start = end + datetime.timedelta(days=1)
            person.positions[0] = (current[0], current[1], person.start, None)


def write_people(tenant_id: int, people: list[Person], batch_size: int) -> int:
    """Cadres, then their positions; returns the number of positions."""
    rows = []
    for person in people:
        profile = person.profile
        rows.append(Cadre(
            tenant_id=tenant_id, user=person.user, full_name=person.full_name, gender=person.gender,
            is_full_time=person.is_full_time, is_civil_servant=person.is_civil_servant,
            sort_key=_sort_key(person.full_name),
            search_text=cadre_search_text(person.full_name, profile["phone"], profile["email"]), **profile,
        ))
    for person, cadre in zip(people, Cadre.objects.bulk_create(rows, batch_size=batch_size)):
        person.pk = cadre.pk
    positions = [Position(tenant_id=tenant_id, cadre_id=person.pk, unit_id=unit.pk, role=role, start_date=start,
                          end_date=end)
                 for person in people for unit, role, start, end in person.positions]
    Position.objects.bulk_create(positions, batch_size=batch_size)
    return len(positions)


@dataclass
class Accounts:
    staff: User
    district_manager: User
    branch_secretary: User

    @property
    def users(self) -> list[User]:
        return [self.staff, self.district_manager, self.branch_secretary]


def account_emails(slug: str) -> list[str]:
    return [f"{who}@{slug}.example.com" for who in ("tinh", "huyen", "bithu")]


def make_accounts(rng: random.Random, slug: str, people: list[Person]) -> Accounts:
    """Three logins sharing one password hash (hashing is deliberately slow): provincial
    staff (a grant on the root, no cadre profile), the Bí thư of the first huyện and the
    Bí thư of the first chi đoàn. Written by `write_accounts` before the cadres."""
    password = make_password(ACCOUNT_PASSWORD)
    staff_email, district_email, branch_email = account_emails(slug)
    staff_name, _gender = N.person_name(rng)
    manager = next(p for p in people if p.role == SEC and p.node.level == UnitLevel.DISTRICT)
    secretary = next(p for p in people if p.role == SEC and p.node.level == UnitLevel.BRANCH)
    for person, email in ((manager, district_email), (secretary, branch_email)):
        person.user = User(email=email, full_name=person.full_name, password=password)
        person.profile["email"] = email
    return Accounts(User(email=staff_email, full_name=staff_name, password=password), manager.user, secretary.user)


def write_accounts(tenant_id: int, root: Unit, accounts: Accounts) -> None:
    User.objects.bulk_create(accounts.users)
    # Past the privacy notice, as the demo's people are: they sign in to try the province out.
    Consent.objects.bulk_create([Consent(user=user, version=privacy.VERSION) for user in accounts.users])
    Grant.objects.create(tenant_id=tenant_id, user=accounts.staff, unit=root, role=GrantRole.PROVINCIAL_STAFF)
