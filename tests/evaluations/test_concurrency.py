"""Twenty reviewers acting on one submitted form at once: exactly one transition lands."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django_scopes import scopes_disabled

from cadres.models import AuditEvent, GrantRole
from evaluations.models import FormAction, FormEvent, Registration
from evaluations.workflow import registration_approve, registration_return
from tests.cadres.factories import GrantFactory, UserFactory
from tests.evaluations.factories import RESPONSIBILITY, submitted_registration, world

ATTEMPTS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_approve_or_return_attempts_record_exactly_one(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = world()
    registration = submitted_registration(w)
    version = registration.lock_version
    reviewers = [w.secretary.user, w.deputy.user]
    reviewers += [GrantFactory(unit=w.b1, user=UserFactory(), role=GrantRole.REVIEWER).user
                  for _ in range(ATTEMPTS - 2)]
    criterion = str(w.criteria[RESPONSIBILITY].pk)
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(index: int, user) -> None:
        try:
            with scopes_disabled():
                form = Registration.objects.get(pk=registration.pk)
                barrier.wait(timeout=30)
                try:
                    if index % 2:
                        registration_approve(registration=form, acting_user=user, expected_version=version)
                    else:
                        registration_return(registration=form, comments={criterion: "Sửa"}, acting_user=user,
                                            expected_version=version)
                    result = "ok"
                except ValidationError as error:
                    result = error.messages[0]
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, user)) for i, user in enumerate(reviewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == ATTEMPTS
    assert outcomes.count("ok") == 1
    refusals = [outcome for outcome in outcomes if outcome != "ok"]
    assert all(r.startswith("Biểu mẫu vừa được người khác xử lý sau khi bạn mở trang") for r in refusals), refusals
    with scopes_disabled():
        registration.refresh_from_db()
        assert registration.state in ("approved", "returned")
        assert registration.lock_version == version + 1
        decisions = FormEvent.objects.filter(registration=registration,
                                             action__in=[FormAction.APPROVE, FormAction.RETURN])
        assert decisions.count() == 1
        assert AuditEvent.objects.filter(object_id=str(registration.pk), object_type="evaluations.registration",
                                         action__in=["registration.approve", "registration.return"]).count() == 1
