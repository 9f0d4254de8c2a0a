from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # One message for an unknown email or phone and a wrong password: no account probing.
        "email_password_mismatch": _("The email or phone number, or the password, is not correct."),
    }

    def is_open_for_signup(self, request):
        # Accounts come from an import (with an invitation) or from a unit's join code.
        return False

    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        """Render now, while the request is at hand; send once the transaction that
        asked for the mail has committed (never for a change that rolled back)."""
        request = context.request
        data = {"request": request, "email": email, "current_site": get_current_site(request), **context_data}
        message = self.render_mail(template_prefix, email, data)
        transaction.on_commit(message.send)
