from functools import cache, partial

from cadres.selectors import access_for, unread_notice_count

# The menu's entries (templates/_nav_item.html), the most used first for who has them: the
# first two stay in the menu's one row on a phone, the next three join them from 48em up,
# the rest are under "Thêm" (which holds "Đăng xuất" too, apart).
ROW_ON_PHONE = 2
ROW_ON_DESK = 5
MENU_ORDER = ["inbox", "registration", "manage", "activities", "notices", "home", "programmes", "unit_forms", "profile",
              "help"]


def navigation(request):
    """What the menu may offer; the views check access again on their own."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    offered = {"inbox": access.is_reviewer, "registration": access.cadre_id is not None,
               "manage": access.is_manager, "activities": access.cadre_id is not None,
               # A Bí thư registers their unit for unit programmes; a BTV decides on its forms.
               "unit_forms": access.is_reviewer}
    entries = [entry for entry in MENU_ORDER if offered.get(entry, True)]
    return {
        "nav_is_manager": access.is_manager,
        "nav_reviews": access.is_reviewer,
        "nav_has_cadre": access.cadre_id is not None,
        "nav_cadre_id": access.cadre_id,
        "nav_row": entries[:ROW_ON_PHONE],
        "nav_wide": entries[ROW_ON_PHONE:ROW_ON_DESK],
        "nav_more": entries[ROW_ON_DESK:],
    }


def notices(request):
    """The menu's count of unread notices, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_count": cache(partial(unread_notice_count, user))}
