"""Forms of the Clerk's FOIA pages. They parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from config.portal import roles
from config.portal.forms import PortalForm
from moderation.capture.forms import CommenterPickerField, SitePickerField
from records.models import FoiaRequest, FoiaRequester, Redaction
from records.series import REGISTRY


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


def clerks():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.CITY_CLERK)
        .order_by("last_name", "first_name", "username")
    )


ORIGINAL_EMAIL_MAX = 200_000
REQUESTER_PREFIX = "requester_"  # the form's fields about the requester, not the request


class FoiaRequestForm(PortalForm):
    # Identifies one filling-in of the "Log a FOIA request" form (see foia_request_create).
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    requester_name = forms.CharField(label="Requester's name", max_length=200)
    requester_organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    requester_kind = forms.ChoiceField(label="Kind of requester", choices=FoiaRequester.Kind.choices)
    requester_email = forms.EmailField(label="E-mail", required=False)
    requester_phone = forms.CharField(label="Phone", max_length=50, required=False)
    requester_postal_address = forms.CharField(
        label="Postal address", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    received_on = forms.DateField(label="Received on", widget=_date_input())
    channel = forms.ChoiceField(label="Received by", choices=FoiaRequest.Channel.choices)
    description = forms.CharField(label="What was asked for", widget=forms.Textarea(attrs={"rows": 4}))
    is_commercial = forms.BooleanField(
        label="Commercial request (5 ILCS 140 §3.1): 21 business days", required=False
    )
    original_email = forms.CharField(
        label="Original e-mail",
        required=False,
        max_length=ORIGINAL_EMAIL_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a request received by e-mail: the message as received, kept with the request.",
    )
    record_kinds = forms.MultipleChoiceField(
        label="Kinds of record",
        choices=REGISTRY.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sites = SitePickerField(label="Sites", required=False)
    commenters = CommenterPickerField(
        label="Commenters",
        required=False,
        help_text="Only records by these commenters (captured items): type a name, handle or id.",
    )
    date_from = forms.DateField(label="From (posted on or after)", required=False, widget=_date_input())
    date_to = forms.DateField(label="To (posted on or before)", required=False, widget=_date_input())
    search_terms = forms.CharField(
        label="Search terms",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One term or phrase per line; a record matches if it contains any of them.",
    )
    assignee = forms.ModelChoiceField(label="Assigned to", queryset=None, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = clerks()

    def requester_data(self) -> dict:
        """The requester's fields, named as the requester services name them (no prefix)."""
        return {
            name.removeprefix(REQUESTER_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(REQUESTER_PREFIX)
        }

    def request_data(self) -> dict:
        """The request's own fields: neither the requester's nor the submission token."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not name.startswith(REQUESTER_PREFIX) and name != "submission_token"
        }

    @classmethod
    def initial_for(cls, request: FoiaRequest) -> dict:
        requester = request.requester
        return {
            "requester_name": requester.name,
            "requester_organisation": requester.organisation,
            "requester_kind": requester.kind,
            "requester_email": requester.email,
            "requester_phone": requester.phone,
            "requester_postal_address": requester.postal_address,
            "received_on": request.received_on,
            "channel": request.channel,
            "description": request.description,
            "is_commercial": request.is_commercial,
            "record_kinds": request.record_kinds,
            "sites": list(request.sites.all()),
            "commenters": list(request.commenters.all()),
            "date_from": request.date_from,
            "date_to": request.date_to,
            "search_terms": request.search_terms,
            "assignee": request.assignee,
            "notes": request.notes,
            "original_email": request.original_email,
        }


class LetterForm(PortalForm):
    subject = forms.CharField(label="Subject", max_length=300)
    body = forms.CharField(label="Letter", widget=forms.Textarea(attrs={"rows": 16}))


class ExtensionForm(PortalForm):
    reason = forms.ChoiceField(
        label="Reason (5 ILCS 140 §3(e))",
        choices=[("", "- Select -"), *FoiaRequest.ExtensionReason.choices],
    )
    days = forms.IntegerField(label="Business days (1 to 5)", min_value=1, max_value=5, initial=5)
    subject = forms.CharField(label="Subject", max_length=300)
    body = forms.CharField(
        label="Letter",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Leave empty to use the extension letter template with the reason and new date filled in.",
    )


class ResponseForm(LetterForm):
    field_order = ["subject", "exemptions", "body"]

    exemptions = forms.CharField(
        label="Exemptions cited (denials and partial denials)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: the citation, a vertical bar, then its factual basis. "
        "For example: 5 ILCS 140/7(1)(c) | The comments describe a resident's medical condition.",
    )

    def clean_exemptions(self) -> list[tuple[str, str]]:
        pairs = []
        for number, line in enumerate(self.cleaned_data["exemptions"].splitlines(), start=1):
            if not line.strip():
                continue
            if "|" not in line:
                raise forms.ValidationError(
                    f"Line {number}: write the citation, a vertical bar |, then the basis."
                )
            citation, basis = line.split("|", 1)
            pairs.append((citation.strip(), basis.strip()))
        return pairs


class AgreedDateForm(PortalForm):
    agreed_due_on = forms.DateField(label="Agreed response date", widget=_date_input())
    agreed_in_writing = forms.CharField(
        label="The requester's written agreement",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where it is and when it was given, e.g. “E-mail from the requester, Nov 18, 2026”.",
    )


class CloseForm(PortalForm):
    note = forms.CharField(label="Closing note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    public_log = forms.BooleanField(
        label="List this request in the public log of requests",
        required=False,
        help_text="The log shows the reference, the dates, the summary below and the disposition; the "
        "requester's name only if they agreed on the public form.",
    )
    public_summary = forms.CharField(
        label="Summary for the public log",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In your words; name no private person.",
    )


class PastedEmailForm(PortalForm):
    message = forms.CharField(
        label="The e-mail, with its headers",
        max_length=ORIGINAL_EMAIL_MAX,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="In your mail program, show the original message (“Show original”, “View source”) and "
        "paste all of it: From, Date and Subject headers, then the text.",
    )


class RedactionDecisionForm(PortalForm):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject")], widget=forms.HiddenInput
    )
    exemption = forms.ChoiceField(label="Exemption", choices=Redaction.Exemption.choices)
    note = forms.CharField(label="Note", required=False, max_length=500)


class RedactionAddForm(PortalForm):
    record_kind = forms.ChoiceField(label="Kind of record", choices=REGISTRY.choices)
    field = forms.ChoiceField(
        label="Field", help_text="The text is withheld wherever it occurs in the bundle."
    )
    text = forms.CharField(label="Text to withhold", widget=forms.Textarea(attrs={"rows": 2}))
    record_id = forms.IntegerField(
        label="Record number",
        min_value=1,
        required=False,
        help_text="Leave empty: the first record holding the text is named in the redaction log.",
    )
    exemption = forms.ChoiceField(label="Exemption", choices=Redaction.Exemption.choices)
    note = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every column of every series, by the label a clerk reads (the service checks the kind has it).
        labels: dict[str, str] = {}
        for spec in REGISTRY.values():
            for column, label in spec.export_columns:
                labels.setdefault(column, label)
        self.fields["field"].choices = sorted(labels.items(), key=lambda pair: (pair[0] != "text", pair[1]))
        self.fields["field"].initial = "text"


class LetterTemplateForm(PortalForm):
    subject = forms.CharField(label="Subject", max_length=300)
    body = forms.CharField(label="Letter", widget=forms.Textarea(attrs={"rows": 18}))
