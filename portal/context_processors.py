from functools import cache

from portal.selectors import MenuCount, inbox_count


def inbox(request):
    """The menu's count of items awaiting the user, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_count": cache(lambda: MenuCount(inbox_count(user)))}
