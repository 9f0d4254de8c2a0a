"""Notices at every hand-off: a form submitted (to its reviewer), returned, approved or
rated (to the cadre), a rating proposed (to the BTV), a unit report submitted, returned or
accepted (to both units' managers), a join request (to the unit's Bí thư), a deadline
passed (to the parent unit's managers).

`notify` writes one `Notice` per person inside the caller's transaction: the notice exists
exactly when the action does. The email is never sent here: once the transaction commits,
`cadres.tasks` hands each notice whose recipient wants it at once to a Celery task that
retries while the mail server is down (`notice_email_send`); the daily digest task sends
the others in one email per person (`notice_digest_send`). A failed email therefore never
undoes, nor delays, the action it tells of.
"""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from cadres.models import Cadre, Notice, NoticeEmail, User
from cadres.services.jobs import HANDOVER_GRACE

SUBJECT_MAX = Notice._meta.get_field("subject").max_length or 200


def is_local_path(link: str) -> bool:
    """An in-app path ("/evaluations/registrations/3/"), never another site: no scheme, no
    host, no protocol-relative "//host", no backslash browsers read as a slash."""
    parts = urlsplit(link)
    return (link.startswith("/") and not link.startswith("//") and "\\" not in link
            and not parts.scheme and not parts.netloc)


def notify(*, recipients: Iterable[User], tenant_id: int, kind: str, subject: str, body: str = "", link: str = "",
           actor: User | None = None) -> list[Notice]:
    """One notice per recipient (each person once, never the one who acted, no inactive
    account), written in the caller's transaction; the email follows after the commit."""
    if link and not is_local_path(link):
        raise ValueError(f"a notice links inside the app, not to {link!r}")
    subject = " ".join(subject.split())[:SUBJECT_MAX]
    notices, seen = [], {actor.pk if actor is not None else None}
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notices.append(Notice.objects.create(tenant_id=tenant_id, recipient=user, kind=kind, subject=subject,
                                             body=body.strip(), link=link, email=user.notice_email))
    return notices


def notice_read(*, notice: Notice) -> Notice:
    """Mark one of the user's notices read (opening it); reading it again changes nothing."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def notices_read_all(*, user: User) -> int:
    """Mark every unread notice of the user read; returns how many."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def email_address(user: User) -> str:
    """The account's email, else the one on the person's cadre profile."""
    if user.email:
        return user.email
    cadre_email = Cadre.objects.filter(user=user, archived_at__isnull=True).values_list("email", flat=True).first()
    return cadre_email or ""


def absolute(link: str) -> str:
    return f"{settings.SITE_URL}{link}" if link else settings.SITE_URL


def _send(template: str, user: User, context: dict[str, object]) -> bool:
    address = email_address(user)
    if not address:
        return False
    context = {"recipient": user, "site_url": settings.SITE_URL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"cadres/email/{template}_subject.txt", context).split())
        body = render_to_string(f"cadres/email/{template}_body.txt", context)
    # Raises when the mail server does not answer: the task retries, the action stays done.
    send_mail(subject, body, None, [address])
    return True


def notice_email_send(*, notice_id: int) -> bool:
    """Email one notice at once (its recipient's choice when it was made); a notice already
    emailed, or a person without an address, sends nothing. Returns whether it was sent.
    The row stays locked while it is sent: a second task for it (a retry, the sweep) finds it
    taken, or emailed, and sends nothing; a send that raises leaves it unsent, for the retry."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update(skip_locked=True, of=("self",)).select_related("recipient").filter(
            pk=notice_id, email=NoticeEmail.IMMEDIATE, emailed_at__isnull=True).first()
        if notice is None or not _send("notice", notice.recipient,
                                       {"notice": notice, "url": absolute(notice.link)}):
            return False
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        return True


def notices_to_resend() -> list[tuple[int, int]]:
    """(tenant id, notice id) of the immediate emails the broker missed: never handed over,
    not emailed, made more than a few minutes ago (the request hands them over right after
    its commit) and less than a day ago (later, the notice in the app is enough)."""
    now = timezone.now()
    with scopes_disabled():
        return list(Notice.objects.filter(email=NoticeEmail.IMMEDIATE, emailed_at__isnull=True,
                                          email_queued_at__isnull=True, created_at__lt=now - HANDOVER_GRACE,
                                          created_at__gte=now - timedelta(days=1))
                    .order_by("pk").values_list("tenant_id", "pk"))


def digest_pending(tenant_id: int) -> list[int]:
    """The users of the tenant with notices waiting for their daily digest."""
    return sorted(set(Notice.objects.filter(tenant_id=tenant_id, email=NoticeEmail.DIGEST, emailed_at__isnull=True)
                      .values_list("recipient_id", flat=True)))


def notice_digest_send(*, tenant_id: int, user_id: int) -> int:
    """One email with every notice of the person not yet emailed in their digest, oldest
    first; returns how many it held (0: nothing to send)."""
    notices: Sequence[Notice] = list(
        Notice.objects.filter(tenant_id=tenant_id, recipient_id=user_id, email=NoticeEmail.DIGEST,
                              emailed_at__isnull=True).select_related("recipient").order_by("created_at", "id"))
    if not notices:
        return 0
    items = [(notice, absolute(notice.link)) for notice in notices]
    if not _send("digest", notices[0].recipient, {"items": items, "day": timezone.localdate()}):
        return 0
    Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(emailed_at=timezone.now())
    return len(notices)


def notice_email_choose(*, user: User, choice: str) -> User:
    """The person's choice of how notices reach them by email (their profile page); it
    applies to notices from now on."""
    if choice not in NoticeEmail.values:
        raise ValueError(f"not a notice email choice: {choice!r}")
    user.notice_email = choice
    user.save(update_fields=["notice_email"])
    return user
