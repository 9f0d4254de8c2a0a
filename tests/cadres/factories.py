import datetime

import factory
from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled

from cadres import privacy
from cadres.actors import SYSTEM
from cadres.models import Consent, Grant, GrantRole, Position, PositionRole, Tenant, Unit, UnitLevel
from cadres.services.people import cadre_create
from cadres.services.units import tenant_create, unit_create

PASSWORD = "mat-khau-thu-nghiem-2026"

_CHILD_LEVEL = {
    UnitLevel.PROVINCE: UnitLevel.DISTRICT,
    UnitLevel.DISTRICT: UnitLevel.GRASSROOTS,
    UnitLevel.GRASSROOTS: UnitLevel.BRANCH,
    UnitLevel.INTER_BRANCH: UnitLevel.BRANCH,
}


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Tỉnh Đoàn Thử Nghiệm {n}")
    slug = factory.Sequence(lambda n: f"tinh-{n}")

    @classmethod
    def _create(cls, model_class, name, slug):
        return tenant_create(name=name, slug=slug, root_code=slug.upper(), acting_user=SYSTEM)


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit under `parent` (default: a new tenant's root), one level below it."""

    class Meta:
        model = Unit

    parent = factory.LazyFunction(lambda: TenantFactory().root_unit)
    code = factory.Sequence(lambda n: f"DV{n:04d}")
    name = factory.Sequence(lambda n: f"Đoàn cơ sở Thử nghiệm {n}")
    level = factory.LazyAttribute(lambda o: _CHILD_LEVEL[o.parent.level])
    sector = ""

    @classmethod
    def _create(cls, model_class, parent, **kwargs):
        with scopes_disabled():
            return unit_create(parent=parent, acting_user=SYSTEM, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"nguoidung{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Người Dùng {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    # A test's people have accepted the privacy notice unless one says otherwise
    # (`consented=False`: the notice then stands before every page, `cadres.middleware`).
    consented = factory.PostGeneration(lambda user, create, extracted: accept_notice(user, create, extracted))

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def accept_notice(user, create: bool, extracted: bool | None) -> None:
    if create and extracted is not False:
        Consent.objects.get_or_create(user=user, version=privacy.VERSION)


class CadreFactory(factory.django.DjangoModelFactory):
    """A cadre of `unit` with an account whose password is PASSWORD and a position held since
    `start_date` (long enough ago to count in any year the tests look at)."""

    class Meta:
        model = "cadres.Cadre"

    unit = factory.SubFactory(UnitFactory)
    role = PositionRole.EXECUTIVE_MEMBER
    start_date = datetime.date(2020, 1, 1)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Cán Bộ {n}")
    email = factory.Sequence(lambda n: f"canbo{n}@example.vn")
    phone = ""
    birth_date = datetime.date(1995, 5, 17)
    gender = "male"

    @classmethod
    def _create(cls, model_class, unit, role, start_date, consented_notice=True, **profile):
        with scopes_disabled():
            cadre = cadre_create(tenant=unit.tenant, acting_user=SYSTEM, **profile)
            if cadre.user is not None:
                cadre.user.set_password(PASSWORD)
                cadre.user.save(update_fields=["password"])
                accept_notice(cadre.user, True, consented_notice)
            if role:
                Position.objects.create(tenant=unit.tenant, cadre=cadre, unit=unit, role=role, start_date=start_date)
        return cadre


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    tenant = factory.SelfAttribute("unit.tenant")
    role = GrantRole.UNIT_MANAGER


def province_pair() -> dict:
    """Tỉnh Đoàn A (slug "a"): D1 → G1 → B1 and D2 → G2; Tỉnh Đoàn B (slug "b") with its
    own D1 ("foreign"): the same code in another tenant, for isolation tests."""
    root = TenantFactory(name="Tỉnh Đoàn A", slug="a").root_unit
    d1 = UnitFactory(parent=root, code="D1", name="Huyện Đoàn Một")
    d2 = UnitFactory(parent=root, code="D2", name="Huyện Đoàn Hai")
    g1 = UnitFactory(parent=d1, code="G1", name="Đoàn xã Mỹ Hội Đông")
    b1 = UnitFactory(parent=g1, code="B1", name="Chi đoàn Ấp 1")
    g2 = UnitFactory(parent=d2, code="G2", name="Đoàn xã Khác")
    other = TenantFactory(name="Tỉnh Đoàn B", slug="b").root_unit
    foreign = UnitFactory(parent=other, code="D1", name="Huyện Đoàn Một (B)")
    return dict(root=root, d1=d1, d2=d2, g1=g1, b1=b1, g2=g2, other=other, foreign=foreign)


# The people of a permission matrix on `province_pair`, after "anonymous".
PROVINCE_PERSONAS = ["anonymous", "outsider", "platform_admin", "member", "secretary", "manager", "sibling_manager",
                     "provincial", "foreign_provincial"]


def province_people(tree: dict, member=None) -> dict:
    """One account per persona of `PROVINCE_PERSONAS` on a `province_pair` tree: B1's member
    (`member`, a cadre, when the matrix needs them) and Bí thư, D1's and D2's Bí thư,
    provincial staff of A and of B, an outsider and a platform admin."""
    member = member or CadreFactory(unit=tree["b1"])
    return {
        "outsider": UserFactory(),
        "platform_admin": UserFactory(is_staff=True, is_superuser=True),
        "member": member.user,
        "secretary": CadreFactory(unit=tree["b1"], role=PositionRole.SECRETARY).user,
        "manager": CadreFactory(unit=tree["d1"], role=PositionRole.SECRETARY).user,
        "sibling_manager": CadreFactory(unit=tree["d2"], role=PositionRole.SECRETARY).user,
        "provincial": GrantFactory(unit=tree["root"], role=GrantRole.PROVINCIAL_STAFF).user,
        "foreign_provincial": GrantFactory(unit=tree["other"], role=GrantRole.PROVINCIAL_STAFF).user,
    }
