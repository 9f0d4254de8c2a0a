"""The help pages, one per role: what each role does in the app and where people get stuck.

A page's prose is a whole template per language (`templates/portal/help/<language>/<role>.html`,
English as the fallback) rather than dozens of msgids: a help page is long text with
headings, lists and menu paths in between, which a translator and a reviewer read best as
one page in context. The short texts around it (titles, the menu, the index) are msgids as
everywhere else."""

from dataclasses import dataclass

from django.template import Template
from django.template.loader import select_template
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy as _

from cadres.models import AnyUser, UnitLevel
from cadres.selectors import access_for, managed_roots

FALLBACK_LANGUAGE = "en"
# Levels whose managers chase sub-units and send the unit's report up: a huyện đoàn or its
# equivalent, and a đoàn cơ sở with its chi đoàn. The province has a page of its own.
OFFICE_LEVELS = {UnitLevel.DISTRICT, UnitLevel.GRASSROOTS, UnitLevel.INTER_BRANCH}


@dataclass(frozen=True)
class HelpTopic:
    role: str
    title: Promise
    summary: Promise

    def body(self) -> Template:
        """This page's prose in the active language, or in English when it has none."""
        language = (get_language() or FALLBACK_LANGUAGE).split("-")[0]
        return select_template([f"portal/help/{language}/{self.role}.html",
                                f"portal/help/{FALLBACK_LANGUAGE}/{self.role}.html"])


# Widest responsibility first: the order the index lists a person's own pages in.
TOPICS = (
    HelpTopic("province", _("Provincial staff (Ban Tổ chức – Kiểm tra)"),
              _("Open and close the year's cycle, follow the province's figures, download the PDFs.")),
    HelpTopic("office", _("District office (huyện đoàn and equivalent)"),
              _("Load units and cadres, chase late units, write and send the unit's report.")),
    HelpTopic("secretary", _("Bí thư (reviewer)"),
              _("Review registrations and self-assessments, propose and decide ratings, confirm who joins.")),
    HelpTopic("cadre", _("Cadre (cán bộ Đoàn)"),
              _("Register your commitments (ĐKCT01), log activities, assess yourself (KĐCT01).")),
)
BY_ROLE = {topic.role: topic for topic in TOPICS}


def topic_for(role: str) -> HelpTopic | None:
    return BY_ROLE.get(role)


def fitting_roles(user: AnyUser) -> set[str]:
    """The help pages that fit what this user's positions and grants let them do."""
    access = access_for(user)
    roles = set()
    if access.provincial_tenant_ids:
        roles.add("province")
    if access.is_manager and managed_roots(user).filter(level__in=OFFICE_LEVELS).exists():
        roles.add("office")
    if access.is_reviewer:
        roles.add("secretary")
    if access.cadre_id is not None:
        roles.add("cadre")
    return roles


def topics_for(user: AnyUser) -> tuple[list[HelpTopic], list[HelpTopic]]:
    """(the pages for this user's roles, the other roles' pages), each in the index's order."""
    fits = fitting_roles(user)
    return [topic for topic in TOPICS if topic.role in fits], [topic for topic in TOPICS if topic.role not in fits]
