from functools import cache, partial

from cadres.selectors import access_for, unread_notice_count


def navigation(request):
    """What the menu may offer; the views check access again on their own."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    return {
        "nav_is_manager": access.is_manager,
        "nav_reviews": access.is_reviewer,
        "nav_has_cadre": access.cadre_id is not None,
        # Set at login (`cadres.privacy`): the privacy notice of this version awaits acceptance.
        "nav_privacy_pending": bool(getattr(request, "session", {}).get("privacy_notice_pending")),
    }


def notices(request):
    """The menu's count of unread notices, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_count": cache(partial(unread_notice_count, user))}
