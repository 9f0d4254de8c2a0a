"""The unit tree of a generated province, planned in memory and written in one bulk insert.

bulk_create skips treebeard, so the plan computes what `add_child` would: each child's
`path` is its parent's plus one 4-character base-36 step numbered from 1 in tree order,
`depth` the number of steps and `numchild` the number of children; `search_text` is what
`Unit.save` would have set.
"""

import math
import random
from dataclasses import dataclass, field

from cadres.models import Sector, Unit, UnitLevel
from cadres.text import fold
from reports.generator import names as N

# No 0/O or 1/I, like cadres.models.new_join_code.
JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DISTRICT_MIX = [Sector.CIVIL_SERVICE, Sector.SCHOOL, Sector.ENTERPRISE, Sector.ARMED_FORCES]
DISTRICT_WEIGHT = {Sector.RESIDENTIAL: 1.0, Sector.CIVIL_SERVICE: 0.6, Sector.SCHOOL: 0.5, Sector.ENTERPRISE: 0.6,
                   Sector.ARMED_FORCES: 0.5}
# Under a huyện: communes and wards, schools, agencies, companies.
RESIDENTIAL_MIX = [("commune", 72), ("high_school", 17), ("district_agency", 6), ("company", 5)]
INTER_BRANCH_FROM = 16  # a đoàn cơ sở with this many chi đoàn groups them in liên chi đoàn


@dataclass(eq=False)
class Node:
    code: str
    name: str
    level: str
    sector: str
    kind: str = ""  # naming flavour of the unit and its chi đoàn: commune, ward, high_school, …
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    path: str = ""
    depth: int = 0
    pk: int | None = None

    def add(self, child: "Node") -> "Node":
        child.parent = self
        self.children.append(child)
        return child

    @property
    def grassroots(self) -> "Node | None":
        """The đoàn cơ sở at or above this unit."""
        node = self
        while node is not None and node.level != UnitLevel.GRASSROOTS:
            node = node.parent
        return node


@dataclass(frozen=True)
class TreeSize:
    districts: int
    grassroots_under_districts: int
    grassroots_direct: int
    branches: int


def tree_size(cadres: int) -> TreeSize:
    """About 30 huyện, 1,500 đoàn cơ sở (a tenth of them xã/phường directly under the tỉnh)
    and 15,000 chi đoàn per 100,000 cadres."""
    branches = max(2, round(cadres * 0.15))
    grassroots = max(2, round(cadres * 0.015))
    direct = max(1, round(grassroots * 0.1))
    under = grassroots - direct
    districts = max(1, min(under, 60, max(2, round(cadres * 0.0003))))
    return TreeSize(districts, under, direct, branches)


def apportion(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split `total` into len(weights) integers proportional to the weights, each at least
    `minimum` (largest remainders; ties by position)."""
    spare = total - minimum * len(weights)
    if spare < 0:
        raise ValueError("total below the minimum")
    whole = sum(weights)
    shares = [spare * w / whole for w in weights]
    counts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in by_remainder[: spare - sum(counts)]:
        counts[i] += 1
    return [minimum + c for c in counts]


class TreePlanner:
    def __init__(self, rng: random.Random, size: TreeSize, root: Node):
        self.rng = rng
        self.size = size
        self.root = root
        self.places = N.PlaceNames(rng)
        self.used_names: dict[str, set[str]] = {}

    def plan(self) -> list[Node]:
        districts = self._districts()
        grassroots = self._grassroots(districts)
        self._branches(grassroots)
        return assign_paths(self.root)

    # --- levels ---------------------------------------------------------------------------

    def _districts(self) -> list[Node]:
        count = self.size.districts
        residential = count - count * 3 // 10  # a small province has huyện only
        sectors = [Sector.RESIDENTIAL] * residential + [DISTRICT_MIX[i % 4] for i in range(count - residential)]
        districts = []
        for index, sector in enumerate(sectors, start=1):
            code = f"H{index:02d}" if sector == Sector.RESIDENTIAL else f"K{index:02d}"
            name, kind = self._district_name(sector)
            districts.append(self.root.add(Node(code, name, UnitLevel.DISTRICT, sector, kind)))
        return districts

    def _district_name(self, sector: str) -> tuple[str, str]:
        if sector == Sector.RESIDENTIAL:
            prefix = self.rng.choices(["Huyện", "Thị", "Thành"], weights=[75, 12, 13])[0]
            return f"{prefix} Đoàn {self.places.take('districts')}", "town" if prefix != "Huyện" else "rural"
        options = {
            Sector.CIVIL_SERVICE: ["Đoàn Khối các cơ quan tỉnh", "Đoàn Khối Đảng – Đoàn thể tỉnh", "Đoàn Sở Y tế"],
            Sector.SCHOOL: [f"Đoàn Trường Đại học {self.places.take('schools')}",
                            f"Đoàn Trường Cao đẳng {self.places.take('schools')}"],
            Sector.ENTERPRISE: ["Đoàn Khối Doanh nghiệp tỉnh",
                                f"Đoàn Tổng Công ty {self.rng.choice(N.COMPANY_TRADES)} {self.places.take('firms')}"],
            Sector.ARMED_FORCES: ["Đoàn Công an tỉnh", "Đoàn Bộ Chỉ huy Quân sự tỉnh", "Đoàn Bộ đội Biên phòng tỉnh"],
        }[sector]
        return self._unique("districts", options), {Sector.SCHOOL: "university"}.get(sector, "")

    def _unique(self, namespace: str, options: list[str]) -> str:
        used = self.used_names.setdefault(namespace, set())
        for option in options:
            if option not in used:
                used.add(option)
                return option
        name = f"{options[0]} {len(used) + 1}"
        used.add(name)
        return name

    def _grassroots(self, districts: list[Node]) -> list[Node]:
        weights = [DISTRICT_WEIGHT[d.sector] * self.rng.uniform(0.6, 1.4) for d in districts]
        counts = apportion(self.size.grassroots_under_districts, weights)
        grassroots = []
        for district, count in zip(districts, counts):
            serial: dict[str, int] = {}
            for _ in range(count):
                kind, sector = self._grassroots_kind(district)
                letter = {"commune": "X", "ward": "X", "high_school": "T", "faculty": "T", "company": "N",
                          "armed": "A"}.get(kind, "C")
                serial[letter] = serial.get(letter, 0) + 1
                code = f"{district.code}-{letter}{serial[letter]:02d}"
                name = self._grassroots_name(kind, district)
                grassroots.append(district.add(Node(code, name, UnitLevel.GRASSROOTS, sector, kind)))
        for index in range(1, self.size.grassroots_direct + 1):
            kind = self.rng.choices(["commune", "ward"], weights=[70, 30])[0]
            name = self._grassroots_name(kind, self.root)
            grassroots.append(self.root.add(Node(f"X{index:03d}", name, UnitLevel.GRASSROOTS, Sector.RESIDENTIAL,
                                                 kind)))
        return grassroots

    def _grassroots_kind(self, district: Node) -> tuple[str, str]:
        if district.sector == Sector.RESIDENTIAL:
            kind = self.rng.choices([k for k, _w in RESIDENTIAL_MIX], weights=[w for _k, w in RESIDENTIAL_MIX])[0]
            if kind == "commune" and district.kind == "town" and self.rng.random() < 0.6:
                kind = "ward"
            sector = {"commune": Sector.RESIDENTIAL, "ward": Sector.RESIDENTIAL, "high_school": Sector.SCHOOL,
                      "district_agency": Sector.CIVIL_SERVICE, "company": Sector.ENTERPRISE}[kind]
            return kind, sector
        kind = {Sector.CIVIL_SERVICE: "agency", Sector.SCHOOL: "faculty", Sector.ENTERPRISE: "company",
                Sector.ARMED_FORCES: "armed"}[district.sector]
        return kind, district.sector

    def _grassroots_name(self, kind: str, parent: Node) -> str:
        rng, place = self.rng, parent.name.split("Đoàn ", 1)[-1]
        if kind in ("commune", "ward"):
            label = "phường" if kind == "ward" else rng.choices(["xã", "thị trấn"], weights=[9, 1])[0]
            return f"Đoàn {label} {self.places.take(parent.code)}"
        if kind == "high_school":
            options = [f"Đoàn trường THPT {p}" for p in rng.sample(N.SCHOOL_PATRONS, 3)]
            return self._unique(parent.code, options + [f"Đoàn trường THCS {self.places.take(parent.code)}"])
        if kind == "district_agency":
            return self._unique(parent.code, [f"Đoàn cơ sở {a} {place}" for a in rng.sample(N.DISTRICT_AGENCIES, 3)])
        if kind == "agency":
            return self._unique("agencies", [f"Đoàn cơ sở {a}" for a in rng.sample(N.PROVINCIAL_AGENCIES, 3)])
        if kind == "faculty":
            return self._unique(parent.code, [f"Đoàn khoa {f}" for f in rng.sample(N.UNIVERSITY_FACULTIES, 3)])
        if kind == "company":
            firm = f"{rng.choice(N.COMPANY_KINDS)} {rng.choice(N.COMPANY_TRADES)} {self.places.take('firms')}"
            return f"Đoàn cơ sở {firm}"
        return self._unique(parent.code, [f"Đoàn cơ sở {a}" for a in rng.sample(N.ARMED_UNITS, 3)])

    def _branches(self, grassroots: list[Node]) -> None:
        weights = [self.rng.lognormvariate(0, 0.6) * (1.3 if g.kind in ("commune", "ward") else 1.0)
                   for g in grassroots]
        counts = apportion(self.size.branches, weights)
        largest = counts.index(max(counts))  # grouped from 8 chi đoàn on, so even a small province has one
        for order, (unit, count) in enumerate(zip(grassroots, counts)):
            names = BranchNames(self.rng, self.places, unit)
            if count < (8 if order == largest else INTER_BRANCH_FROM):
                for index in range(1, count + 1):
                    unit.add(Node(f"{unit.code}-{index:02d}", names.next(), UnitLevel.BRANCH, unit.sector, unit.kind))
                continue
            direct = self.rng.randint(0, 2)
            groups = apportion(count - direct, [1.0] * max(2, (count - direct) // self.rng.randint(5, 8)))
            for index in range(1, direct + 1):
                unit.add(Node(f"{unit.code}-{index:02d}", names.next(), UnitLevel.BRANCH, unit.sector, unit.kind))
            for number, size in enumerate(groups, start=1):
                inter = unit.add(Node(f"{unit.code}-L{number}", names.inter_branch(number), UnitLevel.INTER_BRANCH,
                                      unit.sector, unit.kind))
                for index in range(1, size + 1):
                    inter.add(Node(f"{inter.code}-{index:02d}", names.next(), UnitLevel.BRANCH, unit.sector,
                                   unit.kind))


class BranchNames:
    """Chi đoàn names in one đoàn cơ sở: ấp, khu phố, lớp, phòng, phân xưởng, đại đội."""

    def __init__(self, rng: random.Random, places: N.PlaceNames, unit: Node):
        self.rng, self.places, self.unit, self.count = rng, places, unit, 0

    def next(self) -> str:
        self.count += 1
        n, kind = self.count, self.unit.kind
        if kind == "commune":
            return f"Chi đoàn ấp {self.places.take(self.unit.code)}"
        if kind == "ward":
            return f"Chi đoàn khu phố {n}"
        if kind == "high_school":
            return "Chi đoàn giáo viên" if n == 1 else f"Chi đoàn lớp {10 + n % 3}A{(n + 1) // 3}"
        if kind == "faculty":
            initials = "".join(word[0] for word in fold(self.unit.name.split("khoa ")[-1]).split()).upper()
            return f"Chi đoàn lớp {initials}-K{45 + n % 4}-{n}"
        if kind in ("agency", "district_agency"):
            base = N.DEPARTMENTS[(n - 1) % len(N.DEPARTMENTS)]
            return f"Chi đoàn {base}" + (f" {(n - 1) // len(N.DEPARTMENTS) + 1}" if n > len(N.DEPARTMENTS) else "")
        if kind == "company":
            return "Chi đoàn Khối văn phòng" if n == 1 else f"Chi đoàn Phân xưởng {n - 1}"
        return f"Chi đoàn Đại đội {n}"

    def inter_branch(self, number: int) -> str:
        if self.unit.kind == "high_school":
            return f"Liên chi đoàn khối {9 + number}"
        if self.unit.kind == "faculty":
            return f"Liên chi đoàn khóa K{44 + number}"
        return f"Liên chi đoàn khu vực {number}"


def assign_paths(root: Node) -> list[Node]:
    """Paths, depths in tree order below an already stored root; returns the new nodes."""
    ordered, stack = [], [root]
    while stack:
        node = stack.pop()
        for step, child in enumerate(node.children, start=1):
            child.path = Unit._get_path(node.path, node.depth + 1, step)
            child.depth = node.depth + 1
        if node is not root:
            ordered.append(node)
        stack.extend(reversed(node.children))
    return ordered


def join_codes(seed: int, slug: str, count: int, taken) -> list[str]:
    """`count` distinct join codes drawn from (seed, slug), skipping codes `taken(codes)`
    reports as already used (join codes are unique across tenants)."""
    rng = random.Random(f"join-codes:{seed}:{slug}")
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        fresh = []
        while len(fresh) < count - len(codes):
            code = "".join(rng.choice(JOIN_ALPHABET) for _ in range(8))
            if code not in seen:
                seen.add(code)
                fresh.append(code)
        clash = taken(fresh)
        codes.extend(code for code in fresh if code not in clash)
    return codes


def next_root_path() -> str:
    """Where `Unit.objects.add_root` would put a new tenant's root: after every other root."""
    last = Unit.objects.get_last_root_node()
    return last._inc_path() if last else Unit._get_path(None, 1, 1)


def write_root(tenant_id: int, root: Node, join_code: str) -> Unit:
    """The root unit, written like the rest with bulk_create: `Unit.save` would also ask the
    reports for a full re-roll of the tenant when the transaction commits, and the generator
    decides for itself whether to roll up (--no-rollup)."""
    [unit] = Unit.objects.bulk_create([Unit(tenant_id=tenant_id, code=root.code, name=root.name, level=root.level,
                                            sector=root.sector, path=root.path, depth=1, numchild=0,
                                            join_code=join_code, search_text=fold(f"{root.code} {root.name}"))])
    root.pk = unit.pk
    return unit


def write_tree(root_unit: Unit, nodes: list[Node], codes: list[str], batch_size: int) -> None:
    """Insert the planned units (tree order) below the stored root and fix the root's numchild."""
    rows = [Unit(tenant_id=root_unit.tenant_id, code=node.code, name=node.name, level=node.level, sector=node.sector,
                 path=node.path, depth=node.depth, numchild=len(node.children), join_code=code,
                 search_text=fold(f"{node.code} {node.name}"))
            for node, code in zip(nodes, codes)]
    for node, unit in zip(nodes, Unit.objects.bulk_create(rows, batch_size=batch_size)):
        node.pk = unit.pk
    Unit.objects.filter(pk=root_unit.pk).update(numchild=sum(1 for node in nodes if node.depth == 2))
