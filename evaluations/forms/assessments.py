"""Forms of the activity log, the self-assessment review and multi-source feedback. They
only parse input; the services decide (and their refusals land on the fields here)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import AssessmentPeriod, FeedbackSource, Rating
from evaluations.services.ratings import MeetingDetails
from models_registry.models import ActivityKind

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# Sáng kiến are logged on their own page, with a title and a document.
LOGGED_KINDS = [(value, label) for value, label in ActivityKind.choices if value != ActivityKind.INITIATIVE]


def _date_field(label) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"required": _("Choose a date."), "invalid": _("Choose a date.")})


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("What did you do?"), choices=LOGGED_KINDS)
    date = _date_field(_("Date"))
    hours = forms.CharField(label=_("Hours"), required=False, max_length=10,
                            help_text=_("Volunteer hours only: for example 2 or 2,5."),
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    description = forms.CharField(label=_("Description"), required=False, max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            help_text=_("A JPEG, PNG or WebP photo of at most 5 MB."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Title of the initiative"), max_length=300,
                            error_messages={"required": _("This field cannot be empty.")})
    recognised_by = forms.CharField(label=_("Recognised by"), required=False, max_length=300,
                                    help_text=_("The body that recognised it. It counts toward your targets once "
                                                "your reviewer confirms it with the decision's number and date; "
                                                "until then it shows as awaiting recognition."))
    date = _date_field(_("Date of the initiative"))
    document = forms.FileField(label=_("Document (optional)"), required=False,
                               help_text=_("A photo, PDF or Word (.docx) file of at most 5 MB."),
                               widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf,.docx"}))


class InitiativeRecogniseForm(forms.Form):
    """The reviewer's (or the BTV's) recognition: who recognised it and the decision."""

    recognised_by = forms.CharField(label=_("Recognised by"), max_length=300,
                                    help_text=_("The head of the agency or the higher Đoàn body that recognised it."),
                                    error_messages={"required": _("Name the body that recognised this initiative.")})
    decision_number = forms.CharField(label=_("Decision number"), max_length=100,
                                      error_messages={"required": _("Enter the number of the recognition decision.")})
    decision_date = forms.DateField(label=_("Decision date"), input_formats=DATE_FORMATS,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                    error_messages={"required": _("Enter the date of the recognition decision."),
                                                    "invalid": _("Enter the date of the recognition decision.")})


class InitiativeRefuseForm(forms.Form):
    comment = forms.CharField(label=_("Why it is not recognised"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": _("Say why this initiative is not recognised: the cadre "
                                                            "reads it.")})


class StartForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=AssessmentPeriod.choices, initial=AssessmentPeriod.YEAR)


class RatingForm(forms.Form):
    """The reviewer's proposal or the BTV's decision."""

    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Choose one of the four ratings.")})
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackRequestForm(forms.Form):
    source = forms.ChoiceField(label=_("Ask whom?"), choices=FeedbackSource.choices, widget=forms.RadioSelect,
                               initial=FeedbackSource.MEMBER)
    email = forms.CharField(label=_("Email of the committee member"), required=False, max_length=254,
                            help_text=_("Only when asking the party committee: the link is emailed to them."),
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("This field cannot be empty.")})


class MeetingForm(forms.Form):
    """The collective's meeting that decides yearly ratings: every field optional."""

    held_on = forms.DateField(label=_("Meeting date"), required=False, input_formats=DATE_FORMATS,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"invalid": _("Choose a date.")})
    minutes_number = forms.CharField(label=_("Minutes number"), required=False, max_length=50,
                                     help_text=_("As on the minutes, e.g. 03-BB/ĐTN."))
    members_present = forms.IntegerField(label=_("Members present"), required=False, min_value=0, max_value=500,
                                         widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    members_agreeing = forms.IntegerField(label=_("Members agreeing"), required=False, min_value=0, max_value=500,
                                          widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def details(self) -> MeetingDetails:
        data = self.cleaned_data
        return MeetingDetails(held_on=data.get("held_on"), minutes_number=data.get("minutes_number") or "",
                              members_present=data.get("members_present"),
                              members_agreeing=data.get("members_agreeing"))
