"""Form fields with the app's own wording, shared by every app's forms: text that is
trimmed (and for one-line names, has its inner spaces collapsed) and numbers written as a
person writes them, 2 or 2,5."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, gettext_lazy

EMPTY = gettext_lazy("This field cannot be empty.")


class TextField(forms.CharField):
    """Trimmed text of at most `max_length` characters ("Tối đa n ký tự.")."""

    def __init__(self, *, max_length: int, collapse_spaces: bool = False, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault("required", EMPTY)
        # Not CharField's max_length: its validator words the refusal differently.
        self.limit, self.collapse_spaces = max_length, collapse_spaces
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        text = super().to_python(value)
        return " ".join(text.split()) if self.collapse_spaces else text

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > self.limit:
            raise ValidationError(_("At most %(n)d characters.") % {"n": self.limit}, code="max_length")

    def widget_attrs(self, widget) -> dict:
        return {**super().widget_attrs(widget), "maxlength": str(self.limit)}


class DecimalText(forms.CharField):
    """A number typed with a comma or a point; empty is None. Out of [min_value, max_value]
    is refused with the same message as text that is no number; `places` rounds."""

    default_error_messages = {"invalid": gettext_lazy("Enter a number, such as 2 or 2,5.")}

    def __init__(self, *, min_value: Decimal | None = None, max_value: Decimal | None = None,
                 places: int | None = None, max_length: int | None = None, **kwargs):
        # The longest text the input takes; not CharField's max_length, whose validator would measure a Decimal.
        self.input_length = max_length
        super().__init__(**kwargs)
        self.min_value, self.max_value, self.places = min_value, max_value, places

    def to_python(self, value) -> Decimal | None:
        if isinstance(value, Decimal):
            number = value
        else:
            text = str(value if value is not None else "").strip()
            if text in self.empty_values:
                return None
            try:
                number = Decimal(text.replace(",", "."))
            except InvalidOperation:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite() or (self.min_value is not None and number < self.min_value) or (
                self.max_value is not None and number > self.max_value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number.quantize(Decimal(1).scaleb(-self.places)) if self.places is not None else number

    def validate(self, value) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def widget_attrs(self, widget) -> dict:
        attrs = super().widget_attrs(widget)
        return {**attrs, "maxlength": str(self.input_length)} if self.input_length else attrs
