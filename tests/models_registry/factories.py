"""Programmes for tests, built through the services so every row is one the app could write."""

import factory

from cadres.actors import SYSTEM
from models_registry.content import write_content
from models_registry.models import Programme, ProgrammeSubject
from models_registry.services import programme_create, programme_publish
from tests.cadres.factories import UnitFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A draft programme of `owner_unit` for 2026, with `groups` (content.write_content format)
    written into it, published when `publish=True`."""

    class Meta:
        model = Programme

    owner_unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Mô hình thử nghiệm {n}")
    start_year = 2026
    end_year = 2026
    subject = ProgrammeSubject.CADRES
    description = ""
    sectors = factory.LazyFunction(list)
    parent = None
    groups = factory.LazyFunction(list)
    publish = False

    @classmethod
    def _create(cls, model_class, groups, publish, **fields):
        programme = programme_create(acting_user=SYSTEM, **fields)
        if groups:
            write_content(programme, groups)
        if publish:
            programme_publish(programme=programme, expected_version=programme.lock_version, acting_user=SYSTEM)
            programme.refresh_from_db()
        return programme


def qualitative(title: str, guidance: str = "", **extra) -> dict:
    return dict(title=title, kind="qualitative", guidance=guidance, **extra)


def quantitative(title: str, target, measure="activities", period="month", kinds=("volunteer_activity",),
                 **extra) -> dict:
    return dict(title=title, kind="quantitative", target=target, measure=measure, period=period,
                activity_kinds=list(kinds), **extra)


# A programme of a huyện, for inheritance and similarity tests: eight distinct criteria.
HUYEN_GROUPS = [
    dict(title="Những điều nên làm", criteria=[
        qualitative("Gần gũi, lắng nghe đoàn viên thanh niên", "Mỗi tháng gặp gỡ đoàn viên tại chi đoàn"),
        qualitative("Sáng tạo trong tổ chức hoạt động", "Đổi mới hình thức sinh hoạt, tránh lối mòn"),
        qualitative("Gương mẫu chấp hành kỷ luật", "Đúng giờ, đúng thành phần trong hội họp"),
        qualitative("Học tập nâng cao trình độ chuyên môn", "Tham gia các lớp bồi dưỡng nghiệp vụ công tác Đoàn"),
    ]),
    dict(title="Chỉ tiêu định lượng", criteria=[
        quantitative("Giờ tình nguyện mỗi tuần", 2, measure="hours", period="week", kinds=["volunteer_hours"]),
        quantitative("Hoạt động tình nguyện hoặc sinh hoạt chi đoàn", 3, kinds=["volunteer_activity",
                                                                                 "branch_meeting"]),
        quantitative("Sáng kiến được công nhận", 1, measure="initiatives", period="year", kinds=["initiative"]),
        dict(title="Không uống rượu bia trong giờ làm việc", kind="prohibition"),
    ]),
]

# Wholly different content: what a unit writes for itself.
OWN_GROUPS = [
    dict(title="Việc làm của chi đoàn trường học", criteria=[
        qualitative("Hướng dẫn học sinh nghiên cứu khoa học kỹ thuật", "Mỗi học kỳ một đề tài cấp trường"),
        qualitative("Tổ chức câu lạc bộ tiếng Anh hằng tuần", "Sinh hoạt chiều thứ năm tại thư viện"),
        qualitative("Phối hợp với hội cha mẹ học sinh", "Họp phụ huynh đầu năm học, vận động quỹ khuyến học"),
        quantitative("Buổi ngoại khóa kỹ năng sống", 2, kinds=["volunteer_activity"]),
    ]),
]
