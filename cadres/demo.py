"""Demo data: two tenants with realistic units, cadres and one account per persona.

Idempotent: units are found by code, cadres by email, so a second run adds nothing.
Names come from a seeded random generator, so every run yields the same people.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from cadres import privacy
from cadres.actors import SYSTEM
from cadres.models import Cadre, Consent, Grant, GrantRole, PositionRole, Sector, Tenant, Unit, UnitLevel, User
from cadres.services.accounts import join_request_create
from cadres.services.people import cadre_create, position_create
from cadres.services.units import tenant_create, unit_create

DEMO_PASSWORD = "doan@2026"

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ",
                "Ngô", "Hồ", "Dương", "Đinh", "Lâm", "Châu", "Tô", "Lý"]
MIDDLE_NAMES = {"male": ["Văn", "Minh", "Quốc", "Thanh", "Hữu", "Đức", "Hoàng", "Công", "Tấn", "Trọng"],
                "female": ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Bích", "Mỹ", "Hồng", "Phương", "Diễm"]}
GIVEN_NAMES = {"male": ["An", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khang", "Khoa", "Lâm",
                        "Lộc", "Nam", "Nghĩa", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Toàn", "Trí", "Vinh"],
               "female": ["Anh", "Ánh", "Châu", "Diễm", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "My",
                          "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Trang", "Uyên", "Vy", "Yến"]}

# Huyện Đoàn Chợ Mới (seed 001): 41 đoàn cơ sở, 402 cadres.
CHO_MOI_COMMUNES = ["Thị trấn Chợ Mới", "Thị trấn Mỹ Luông", "Kiến An", "Kiến Thành", "Mỹ Hội Đông", "Long Điền A",
                    "Long Điền B", "Tấn Mỹ", "Mỹ Hiệp", "Bình Phước Xuân", "Long Giang", "Long Kiến", "Hòa An",
                    "Hòa Bình", "Hội An", "Nhơn Mỹ", "An Thạnh Trung", "Mỹ An"]
CHO_MOI_SCHOOLS = ["Trường THPT Chợ Mới", "Trường THPT Nguyễn Hữu Cảnh", "Trường THPT Huỳnh Thị Hưởng",
                   "Trường THPT Long Kiến", "Trường THPT Ung Văn Khiêm", "Trường THPT Hòa Bình",
                   "Trường THPT Võ Thành Trinh", "Trường THPT Châu Văn Liêm", "Trường THCS Thị trấn Chợ Mới",
                   "Trường THCS Long Điền A", "Trường Trung cấp nghề Chợ Mới"]
CHO_MOI_AGENCIES = ["Công an huyện Chợ Mới", "Ban Chỉ huy Quân sự huyện", "Bệnh viện Đa khoa huyện Chợ Mới",
                    "Khối Đảng – Đoàn thể huyện", "Khối Chính quyền huyện", "Trung tâm Y tế huyện",
                    "Ngân hàng Chính sách xã hội huyện", "Điện lực Chợ Mới", "Chi cục Thuế khu vực Chợ Mới",
                    "Trung tâm Văn hóa – Thể thao huyện", "Công ty TNHH MTV Xổ số kiến thiết (chi nhánh Chợ Mới)",
                    "Kho bạc Nhà nước huyện Chợ Mới"]
CAN_THO_DISTRICTS = ["Ninh Kiều", "Bình Thủy", "Cái Răng", "Ô Môn", "Thốt Nốt", "Phong Điền", "Cờ Đỏ", "Thới Lai",
                     "Vĩnh Thạnh"]
CAN_THO_DIRECT = ["Đoàn Khối Các cơ quan thành phố", "Đoàn Khối Doanh nghiệp thành phố", "Đoàn trường Đại học Cần Thơ",
                  "Đoàn trường Đại học Y Dược Cần Thơ", "Đoàn trường Đại học Nam Cần Thơ", "Đoàn Công an thành phố",
                  "Đoàn Bộ Chỉ huy Quân sự thành phố", "Đoàn Bộ đội Biên phòng thành phố",
                  "Đoàn trường Cao đẳng Cần Thơ", "Đoàn trường Đại học Kỹ thuật – Công nghệ Cần Thơ",
                  "Đoàn Bệnh viện Đa khoa thành phố", "Đoàn Cục Thuế thành phố", "Đoàn Ngân hàng Nhà nước chi nhánh"]
# Leadership roles a unit's first cadres take; the rest are UV BCH.
BASE_ROLES = [PositionRole.SECRETARY, PositionRole.DEPUTY_SECRETARY, PositionRole.STANDING_MEMBER]


@dataclass
class Persona:
    email: str
    unit_code: str
    role: str
    full_name: str
    gender: str = "female"
    grant: str = ""


class DemoBuilder:
    def __init__(self, tenant: Tenant, email_domain: str, rng_seed: int):
        self.tenant = tenant
        self.domain = email_domain
        self.rng = random.Random(rng_seed)
        self.units = {u.code: u for u in Unit.objects.filter(tenant=tenant)}
        self.emails = set(Cadre.objects.filter(tenant=tenant).values_list("email", flat=True))
        self.phone_base = 900_000_000 + rng_seed * 100_000
        self.created = 0
        # One hash for all demo accounts: hashing 470 passwords one by one takes minutes.
        self.password_hash = make_password(DEMO_PASSWORD)

    def unit(self, parent_code: str, code: str, name: str, level: str, sector: str = "") -> Unit:
        if code not in self.units:
            self.units[code] = unit_create(
                parent=self.units[parent_code], code=code, name=name, level=level, sector=sector, acting_user=SYSTEM
            )
        return self.units[code]

    def random_name(self) -> tuple[str, str]:
        gender = self.rng.choice(["male", "female"])
        name = " ".join(
            [self.rng.choice(FAMILY_NAMES), self.rng.choice(MIDDLE_NAMES[gender]), self.rng.choice(GIVEN_NAMES[gender])]
        )
        return name, gender

    def cadre(self, unit_code: str, role: str, email: str, full_name: str = "", gender: str = "") -> Cadre:
        # Draw the random values even when the cadre exists, so reruns stay in step.
        random_name, random_gender = self.random_name()
        birth = datetime.date(1985, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 14 * 365))
        serial = self.rng.randrange(0, 100_000)
        if email in self.emails:
            return Cadre.objects.get(tenant=self.tenant, email=email)
        unit = self.units[unit_code]
        cadre = cadre_create(
            tenant=self.tenant,
            full_name=full_name or random_name,
            gender=gender or random_gender,
            birth_date=birth,
            email=email,
            phone=f"0{self.phone_base + len(self.emails) * 100 + serial % 100}",
            is_full_time=role in (PositionRole.SECRETARY, PositionRole.DEPUTY_SECRETARY)
            and UnitLevel.is_at_least(unit.level, UnitLevel.DISTRICT),
            is_civil_servant=unit.sector == Sector.CIVIL_SERVICE,
            job_title="", acting_user=SYSTEM,
        )
        cadre.user.password = self.password_hash
        cadre.user.save(update_fields=["password"])
        position_create(cadre=cadre, unit=unit, role=role, start_date=datetime.date(2022, 10, 1), acting_user=SYSTEM)
        self.emails.add(email)
        self.created += 1
        return cadre

    def staff(self, persona: Persona) -> None:
        cadre = self.cadre(persona.unit_code, persona.role, persona.email, persona.full_name, persona.gender)
        if persona.grant:
            Grant.objects.get_or_create(
                tenant=self.tenant, user=cadre.user, unit=self.units[persona.unit_code], role=persona.grant
            )

    def fill_unit(self, unit_code: str, count: int, prefix: str) -> None:
        """`count` cadres: Bí thư, Phó Bí thư, UV BTV, then UV BCH."""
        for index in range(count):
            role = BASE_ROLES[index] if index < len(BASE_ROLES) else PositionRole.EXECUTIVE_MEMBER
            self.cadre(unit_code, role, f"{prefix}.{unit_code.lower()}.{index + 1}@{self.domain}")


def _tenant(name: str, slug: str, root_code: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=slug).first()
    return tenant or tenant_create(name=name, slug=slug, root_code=root_code, acting_user=SYSTEM)


def seed_an_giang() -> DemoBuilder:
    tenant = _tenant("Tỉnh Đoàn An Giang", "an-giang", "TDAG")
    b = DemoBuilder(tenant, "example.com", rng_seed=1)
    D, G, B = UnitLevel.DISTRICT, UnitLevel.GRASSROOTS, UnitLevel.BRANCH
    b.unit("TDAG", "CM", "Huyện Đoàn Chợ Mới", D, Sector.RESIDENTIAL)
    b.unit("TDAG", "LX", "Thành Đoàn Long Xuyên", D, Sector.RESIDENTIAL)
    b.unit("TDAG", "CD", "Thành Đoàn Châu Đốc", D, Sector.RESIDENTIAL)
    grassroots = (
        [(f"CM-X{i + 1:02d}", f"Đoàn {'xã ' if not n.startswith('Thị trấn') else ''}{n}", Sector.RESIDENTIAL)
         for i, n in enumerate(CHO_MOI_COMMUNES)]
        + [(f"CM-T{i + 1:02d}", f"Đoàn {n}", Sector.SCHOOL) for i, n in enumerate(CHO_MOI_SCHOOLS)]
        + [(f"CM-C{i + 1:02d}", f"Đoàn cơ sở {n}", Sector.CIVIL_SERVICE) for i, n in enumerate(CHO_MOI_AGENCIES)]
    )
    assert len(grassroots) == 41
    for code, name, sector in grassroots:
        b.unit("CM", code, name, G, sector)
    # Đoàn xã Mỹ Hội Đông has its chi đoàn ấp; the demo cadre and Bí thư sit in one of them.
    for i, hamlet in enumerate(["Mỹ Hòa", "Mỹ Thạnh", "Mỹ Phú"], start=1):
        b.unit("CM-X05", f"CM-X05-A{i}", f"Chi đoàn ấp {hamlet}", B, Sector.RESIDENTIAL)
    for code, name in [("LX-P01", "Đoàn phường Mỹ Bình"), ("LX-P02", "Đoàn phường Mỹ Long")]:
        b.unit("LX", code, name, G, Sector.RESIDENTIAL)
    b.unit("CD", "CD-P01", "Đoàn phường Châu Phú A", G, Sector.RESIDENTIAL)

    personas = [
        Persona("tinh.angiang@example.com", "TDAG", PositionRole.FULL_TIME_STAFF, "Trần Thị Ngọc Hân",
                grant=GrantRole.PROVINCIAL_STAFF),
        Persona("huyen.angiang@example.com", "CM", PositionRole.SECRETARY, "Lê Minh Tuấn", "male"),
        Persona("bithu.angiang@example.com", "CM-X05-A1", PositionRole.SECRETARY, "Nguyễn Thị Kim Thoa"),
        Persona("canbo.angiang@example.com", "CM-X05-A1", PositionRole.EXECUTIVE_MEMBER, "Võ Văn Hậu", "male"),
    ]
    for persona in personas:
        b.staff(persona)
    # 402 cadres in Chợ Mới: the huyện's own five (one is the manager above), then the
    # 41 đoàn cơ sở; Mỹ Hội Đông's ten include the two in its chi đoàn.
    for index, role in enumerate([PositionRole.DEPUTY_SECRETARY, PositionRole.DEPUTY_SECRETARY,
                                  PositionRole.STANDING_MEMBER, PositionRole.STANDING_MEMBER]):
        b.cadre("CM", role, f"ag.cm.{index + 1}@example.com")
    for position, (code, _name, _sector) in enumerate(grassroots):
        size = 10 if position < 28 else 9
        b.fill_unit(code, size - 2 if code == "CM-X05" else size, "ag")
    for code in ["LX", "LX-P01", "LX-P02", "CD", "CD-P01"]:
        b.fill_unit(code, 4, "ag")
    return b


def seed_can_tho() -> DemoBuilder:
    tenant = _tenant("Thành đoàn Cần Thơ", "can-tho", "TDCT")
    b = DemoBuilder(tenant, "example.com", rng_seed=2)
    for i, district in enumerate(CAN_THO_DISTRICTS, start=1):
        prefix = "Quận" if district in {"Ninh Kiều", "Bình Thủy", "Cái Răng", "Ô Môn", "Thốt Nốt"} else "Huyện"
        b.unit("TDCT", f"Q{i:02d}", f"{prefix} Đoàn {district}", UnitLevel.DISTRICT, Sector.RESIDENTIAL)
    for i, name in enumerate(CAN_THO_DIRECT, start=1):
        sector = Sector.SCHOOL if "trường" in name else Sector.CIVIL_SERVICE
        b.unit("TDCT", f"TT{i:02d}", name, UnitLevel.DISTRICT, sector)
    for i, ward in enumerate(["Tân An", "An Hòa", "Xuân Khánh", "Hưng Lợi", "An Khánh"], start=1):
        b.unit("Q01", f"Q01-P{i:02d}", f"Đoàn phường {ward}", UnitLevel.GRASSROOTS, Sector.RESIDENTIAL)
    for i, agency in enumerate(["Sở Nội vụ", "Sở Tài chính", "Văn phòng UBND thành phố"], start=1):
        b.unit("TT01", f"TT01-C{i:02d}", f"Đoàn cơ sở {agency}", UnitLevel.GRASSROOTS, Sector.CIVIL_SERVICE)
    b.unit("Q01-P01", "Q01-P01-K1", "Chi đoàn khu vực 1", UnitLevel.BRANCH, Sector.RESIDENTIAL)
    b.unit("Q01-P01", "Q01-P01-K2", "Chi đoàn khu vực 2", UnitLevel.BRANCH, Sector.RESIDENTIAL)

    personas = [
        Persona("tinh.cantho@example.com", "TDCT", PositionRole.FULL_TIME_STAFF, "Phạm Thị Thanh Trúc",
                grant=GrantRole.PROVINCIAL_STAFF),
        Persona("quan.cantho@example.com", "Q01", PositionRole.SECRETARY, "Huỳnh Quốc Bảo", "male"),
        Persona("bithu.cantho@example.com", "Q01-P01", PositionRole.SECRETARY, "Đặng Thị Mỹ Duyên"),
        Persona("canbo.cantho@example.com", "Q01-P01", PositionRole.EXECUTIVE_MEMBER, "Trương Hoàng Nam", "male"),
    ]
    for persona in personas:
        b.staff(persona)
    for code in ["Q01-P02", "Q01-P03", "Q01-P04", "Q01-P05", "TT01-C01", "TT01-C02", "TT01-C03"]:
        b.fill_unit(code, 6, "ct")
    b.fill_unit("Q01-P01-K1", 3, "ct")
    return b


DEMO_ACCOUNTS = [
    ("Tỉnh Đoàn An Giang", "provincial staff", "tinh.angiang@example.com"),
    ("Tỉnh Đoàn An Giang", "huyện manager (Bí thư Huyện Đoàn Chợ Mới)", "huyen.angiang@example.com"),
    ("Tỉnh Đoàn An Giang", "Bí thư Chi đoàn ấp Mỹ Hòa (reviewer)", "bithu.angiang@example.com"),
    ("Tỉnh Đoàn An Giang", "cadre (UV BCH Chi đoàn ấp Mỹ Hòa)", "canbo.angiang@example.com"),
    ("Thành đoàn Cần Thơ", "provincial staff", "tinh.cantho@example.com"),
    ("Thành đoàn Cần Thơ", "huyện manager (Bí thư Quận Đoàn Ninh Kiều)", "quan.cantho@example.com"),
    ("Thành đoàn Cần Thơ", "Bí thư Đoàn phường Tân An (reviewer)", "bithu.cantho@example.com"),
    ("Thành đoàn Cần Thơ", "cadre (UV BCH Đoàn phường Tân An)", "canbo.cantho@example.com"),
]


# Someone who entered the join code of each demo Bí thư's unit and waits for them.
JOIN_REQUESTS = [
    ("an-giang", "CM-X05-A1", "Phan Thị Mỹ Linh", "moi.angiang@example.com"),
    ("can-tho", "Q01-P01", "Lâm Quốc Việt", "moi.cantho@example.com"),
]


def seed_join_requests() -> None:
    for slug, code, name, email in JOIN_REQUESTS:
        if Cadre.objects.filter(tenant__slug=slug, email=email).exists():
            continue
        join_request_create(unit=Unit.objects.get(tenant__slug=slug, code=code), role=PositionRole.EXECUTIVE_MEMBER,
                            password=DEMO_PASSWORD, full_name=name, email=email, gender="female",
                            birth_date=datetime.date(2001, 5, 19))


def seed_cadres() -> list[DemoBuilder]:
    """The demo tenants, their units, cadres and personas, the pending join requests
    (`portal.demo` adds the rest); run with scopes disabled. Each builder counts the
    cadres it added."""
    builders = [seed_an_giang(), seed_can_tho()]
    seed_join_requests()
    # The demo shows a year in progress: its people accepted the privacy notice at their first
    # login (one who joins now meets it).
    accounts = User.objects.filter(cadre__tenant__in=[builder.tenant for builder in builders]).exclude(
        consents__version=privacy.VERSION)
    Consent.objects.bulk_create([Consent(user_id=pk, version=privacy.VERSION) for pk in accounts.values_list(
        "pk", flat=True)])
    return builders
