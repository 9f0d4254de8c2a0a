"""`make run` shows the year at work: after seeding, every demo reviewer's inbox holds at
least one item of each kind they decide, their notices say how each came, and following
the menu shows them; in each tenant a unit's ratings were decided together at a meeting."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cadres.models import Notice, NoticeKind
from evaluations.models import RatingMeeting
from portal.demo import seed_demo
from portal.selectors import Inbox

pytestmark = pytest.mark.django_db

FORMS = {"registration", "amendment", "self_assessment", "rating"}
EXPECTED = {
    "bithu.angiang@example.com": FORMS | {"join_request"},
    "bithu.cantho@example.com": FORMS | {"join_request", "unit_report"},
    # The huyện/quận Bí thư decides ratings in their subtree, its join requests and the
    # reports of the units right below.
    "huyen.angiang@example.com": {"rating", "join_request", "unit_report"},
    "quan.cantho@example.com": {"rating", "join_request", "unit_report"},
}


def test_every_demo_reviewer_finds_each_kind_they_decide(client):
    seed_demo()
    seed_demo()  # safe to run again: the same items, none twice
    for email, expected in EXPECTED.items():
        user = get_user_model().objects.get(email=email)
        inbox = Inbox(user)
        items = inbox[0:len(inbox)]
        assert {item.kind.key for item in items} >= expected, email
        assert len({(item.kind.key, item.obj.pk) for item in items}) == len(items)
        client.force_login(user)
        home = client.get(reverse("home")).content.decode()
        assert f"{len(items)} việc chờ duyệt" in home, email
        # The hand-offs that put them there left notices too (made once, however often it is seeded).
        notices = Notice.objects.filter(recipient=user)
        assert notices.exists() and f'aria-label="{notices.count()} thông báo chưa đọc"' in home, email
        assert notices.first().subject in client.get(reverse("notice_list")).content.decode()


def test_each_demo_tenant_shows_ratings_decided_together_at_a_meeting(client):
    seed_demo()
    seed_demo()  # once, however often it is seeded
    meetings = RatingMeeting.objects.select_related("unit").order_by("tenant__slug")
    assert [(m.tenant.slug, m.unit.code, m.minutes_number) for m in meetings] == [
        ("an-giang", "CM-X05-A1", "04-BB/ĐTN"), ("can-tho", "Q01-P01", "04-BB/ĐTN")]
    for meeting, count in zip(meetings, (1, 2), strict=True):
        forms = list(meeting.self_assessments.select_related("cadre__user"))
        assert [(form.state, form.final_rating) for form in forms] == [("finalised", "good")] * count
        assert meeting.recorded_by not in {form.proposed_by for form in forms}
        # Each cadre was told, and their form's page shows the meeting that decided it.
        cadre = forms[0].cadre.user
        assert Notice.objects.filter(recipient=cadre, kind=NoticeKind.RATED).count() == 1
        client.force_login(cadre)
        page = client.get(reverse("self_assessment_detail", args=[forms[0].pk])).content.decode()
        assert "biên bản số 04-BB/ĐTN" in page
