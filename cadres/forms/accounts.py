"""Forms for logging in, invitations, join codes and MFA."""

from allauth.account import forms as account_forms
from allauth.account.models import EmailAddress
from allauth.mfa.totp import forms as totp_forms
from allauth.utils import set_form_field_order
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cadres.models import Gender, PositionRole
from cadres.selectors import can_use_mfa
from cadres.text import INVALID_PHONE, normalize_phone

User = get_user_model()


def _phone_or_none(value: str) -> str | None:
    try:
        return normalize_phone(value)
    except ValueError:
        return None


class LoginForm(account_forms.LoginForm):
    """allauth's login form whose "login" field also takes a Vietnamese phone number.

    A phone is turned into the account's email before allauth authenticates, so its
    failed-login rate limit, stages (MFA) and messages apply unchanged.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("Email or phone number"),
            max_length=254,
            widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        )
        set_form_field_order(self, ["login", "password", "remember"])

    def user_credentials(self) -> dict:
        credentials = super().user_credentials()
        credentials["email"] = self._email_for_login(self.cleaned_data["login"])
        return credentials

    @staticmethod
    def _email_for_login(login: str) -> str:
        if "@" in login:
            return login
        phone = _phone_or_none(login)
        if phone is None:
            return login
        email = User.objects.filter(phone=phone).exclude(email=None).values_list("email", flat=True).first()
        # An unknown phone stays the rate-limit key and matches no account: same error as a bad password.
        return email or phone


class ResetPasswordKeyForm(account_forms.ResetPasswordKeyForm):
    def save(self) -> None:
        super().save()
        # Following the emailed link proves the address; allauth.mfa refuses TOTP to
        # accounts whose address is recorded as unverified.
        if self.user.email:
            EmailAddress.objects.update_or_create(
                user=self.user, email=self.user.email, defaults={"verified": True, "primary": True}
            )


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """TOTP is offered to staff only; for anyone else the activation page does not exist."""

    def __init__(self, *args, **kwargs):
        if not can_use_mfa(kwargs["user"]):
            raise Http404
        super().__init__(*args, **kwargs)


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=20,
        help_text=_("The 8-character code your unit gave you."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


class JoinForm(forms.Form):
    """A person registering with a unit through its join code."""

    full_name = forms.CharField(label=_("Full name"), max_length=120)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y"),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    phone = forms.CharField(
        label=_("Phone number"), max_length=20, help_text=_("A mobile or a landline, such as 0912 345 678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    role = forms.ChoiceField(label=_("Position in this unit"), choices=PositionRole.choices)
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    accept_notice = forms.BooleanField(label=_("I have read the privacy notice and I agree to it"))

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_phone(self) -> str:
        phone = _phone_or_none(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(INVALID_PHONE)
        return phone

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(email=cleaned.get("email"), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def profile(self) -> dict:
        """The cadre profile fields, as `cadre_create` takes them."""
        return {key: self.cleaned_data[key] for key in ("full_name", "birth_date", "gender", "phone", "email")}
