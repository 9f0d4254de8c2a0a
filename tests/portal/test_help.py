"""Help per role, reached from the menu: each person follows the menu's "Trợ giúp" to the
index, where the pages for their own roles come first, and from there to their page; every
role's page is reachable by anyone logged in, in Vietnamese with English as the fallback."""

import re

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from cadres.models import GrantRole, PositionRole
from portal.help import TOPICS
from tests.cadres.factories import CadreFactory, GrantFactory, UserFactory, province_pair

pytestmark = pytest.mark.django_db

# A sentence each page says in Vietnamese, to know which page was reached.
PAGE_TEXT = {
    "cadre": "Thế nào là một cam kết tốt?",
    "secretary": "Quyết định xếp loại sau cuộc họp",
    "office": "Báo cáo của đơn vị (hạn huyện nộp tỉnh: trước 30/10)",
    "province": "Đóng đợt và khoá sổ số liệu",
}
TITLES = {
    "cadre": "Cán bộ Đoàn",
    "secretary": "Bí thư: duyệt và đánh giá",
    "office": "Văn phòng huyện đoàn và tương đương",
    "province": "Ban Tổ chức – Kiểm tra tỉnh/thành đoàn",
}


@pytest.fixture
def people():
    tree = province_pair()
    return {
        "cadre": CadreFactory(unit=tree["b1"]).user,
        "secretary": CadreFactory(unit=tree["b1"], role=PositionRole.SECRETARY).user,
        "office": CadreFactory(unit=tree["d1"], role=PositionRole.SECRETARY).user,
        "province": GrantFactory(unit=tree["root"], role=GrantRole.PROVINCIAL_STAFF).user,
        "nobody": UserFactory(),
    }


def menu_link(page: str, text: str) -> str:
    menu = re.search(r'<nav class="mainnav".*?</nav>', page, re.S).group(0)
    return re.search(rf'<a href="([^"]+)"[^>]*>{text}</a>', menu).group(1)


def section_links(page: str, section: str) -> list[str]:
    """The links, in order, of the index's section `section` ("help-mine", "help-others")."""
    found = re.search(rf'<section class="card" aria-labelledby="{section}">.*?</section>', page, re.S)
    return re.findall(r'<a class="item" href="([^"]+)"', found.group(0)) if found else []


def role_links(page: str, section: str) -> list[str]:
    """The roles whose help pages the section lists, in order."""
    return [re.fullmatch(r"/help/([a-z]+)/", href).group(1) for href in section_links(page, section)]


@pytest.mark.parametrize("role, mine", [
    ("cadre", ["cadre"]),
    ("secretary", ["secretary", "cadre"]),
    ("office", ["office", "secretary", "cadre"]),
    ("province", ["province", "secretary"]),
])
def test_each_role_follows_the_menu_to_its_own_help_page(client, people, role, mine):
    client.force_login(people[role])
    home = client.get(reverse("home")).content.decode()
    index = client.get(menu_link(home, "Trợ giúp"))
    assert index.status_code == 200
    page = index.content.decode()
    assert role_links(page, "help-mine") == mine
    # Every role's page is reachable from the index, the others after one's own.
    assert sorted(mine + role_links(page, "help-others")) == sorted(PAGE_TEXT)
    own = client.get(section_links(page, "help-mine")[0])  # the first page listed for them
    assert own.status_code == 200
    text = own.content.decode()
    assert f"<h1>{TITLES[role]}</h1>" in text and PAGE_TEXT[role] in text
    assert 'aria-current="page">Trợ giúp</a>' in text  # the menu marks where they are
    # The page links to every other role's page.
    assert sorted(set(re.findall(r'href="/help/([a-z]+)/"', text))) == sorted(set(PAGE_TEXT) - {role})


def test_someone_with_no_role_sees_every_page_by_role(client, people):
    client.force_login(people["nobody"])
    page = client.get(menu_link(client.get(reverse("home")).content.decode(), "Trợ giúp")).content.decode()
    assert role_links(page, "help-mine") == []
    assert role_links(page, "help-others") == ["province", "office", "secretary", "cadre"]
    assert "Theo vai trò" in page and "Dành cho bạn" not in page
    for role, text in PAGE_TEXT.items():
        assert text in client.get(reverse("help_page", args=[role])).content.decode()


def test_a_cadre_reads_the_province_page_too(client, people):
    client.force_login(people["cadre"])
    assert PAGE_TEXT["province"] in client.get(reverse("help_page", args=["province"])).content.decode()


def test_an_unknown_role_is_not_found(client, people):
    client.force_login(people["cadre"])
    assert client.get(reverse("help_page", args=["admin"])).status_code == 404


def test_in_english_the_pages_are_in_english(client, people):
    client.force_login(people["office"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("help_page", args=["office"])).content.decode()
    assert "<h1>District office (huyện đoàn and equivalent)</h1>" in page
    assert "The unit's report (huyện to province: before 30/10)" in page
    assert PAGE_TEXT["office"] not in page


def test_every_page_has_its_vietnamese_and_english_text_and_other_languages_fall_back_to_english():
    for topic in TOPICS:
        for language in ("vi", "en"):
            get_template(f"portal/help/{language}/{topic.role}.html")  # raises if missing
        with translation.override("fr"):
            assert topic.body().origin.name.endswith(f"portal/help/en/{topic.role}.html")
        with translation.override("vi"):
            assert topic.body().origin.name.endswith(f"portal/help/vi/{topic.role}.html")
