"""The people of the reports pages' tests, around `factories.cho_moi()` (Huyện Đoàn Chợ
Mới's 41 đoàn cơ sở and 402 registered cadres, Thành Đoàn Long Xuyên beside it): the
huyện's manager, a manager of another huyện, a plain cadre of Chợ Mới, provincial staff
(who decide on the huyện's report), another province's staff and an outsider."""

from dataclasses import dataclass

from cadres.models import GrantRole, PositionRole
from reports.services.rollup import rollup_cycle
from tests.cadres.factories import CadreFactory, GrantFactory, UserFactory
from tests.reports.factories import cho_moi, make_tenant

PERSONAS = ["anonymous", "outsider", "cadre", "manager", "sibling", "provincial", "foreign"]


@dataclass
class World:
    data: dict
    people: dict

    def __getattr__(self, name):
        try:
            return self.__dict__["data"][name]  # not self.data: a copy being built has none yet
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    data = cho_moi()
    tenant = data["tenant"]
    plain = data["cadres"][10]  # an UV BCH of the first đoàn cơ sở, registered
    plain.user = UserFactory()
    plain.save(update_fields=["user"])
    people = {
        # Grants, not positions: the 402 cadres of Chợ Mới stay 402.
        "manager": GrantFactory(unit=data["huyen"], role=GrantRole.UNIT_MANAGER, tenant=tenant).user,
        "sibling": CadreFactory(unit=data["other"], role=PositionRole.SECRETARY).user,
        "cadre": plain.user,
        "provincial": GrantFactory(unit=data["root"], role=GrantRole.PROVINCIAL_STAFF, tenant=tenant).user,
        "foreign": GrantFactory(unit=make_tenant().root_unit, role=GrantRole.PROVINCIAL_STAFF).user,
        "outsider": UserFactory(),
    }
    rollup_cycle(cycle=data["cycle"])
    return World(data, people)
