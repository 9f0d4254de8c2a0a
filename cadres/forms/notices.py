from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import NoticeEmail


class NoticeEmailForm(forms.Form):
    notice_email = forms.ChoiceField(label=_("Email me my notices"), choices=NoticeEmail.choices,
                                     widget=forms.RadioSelect)
