from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import gettext_lazy as _

from cadres.services.accounts import INVITATION_TEMPLATE
from cadres.tasks import enqueue_email


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
        """Render now, while the request is at hand; the worker sends it once the transaction
        that asked for it has committed (never for a change that rolled back), retrying while
        the mail server is down. An invitation's outcome goes on the cadre's trail."""
        request = context.request
        data = {"request": request, "email": email, "current_site": get_current_site(request), **context_data}
        message = self.render_mail(template_prefix, email, data)
        html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"),
                    None)
        cadre = context_data.get("cadre") if template_prefix == INVITATION_TEMPLATE else None
        enqueue_email(subject=message.subject, body=message.body, to=email, html=html,
                      invitation=[cadre.tenant_id, cadre.pk] if cadre is not None else None)
