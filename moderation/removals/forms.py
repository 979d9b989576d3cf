"""Forms for the removal pages. They parse input; the services decide (and refuse)."""

from __future__ import annotations

from django import forms

from config.portal.forms import PortalForm
from config.portal.templatetags.portal import person
from moderation.removals.models import (
    POLICY_TEXT,
    VIEWPOINT_SENSITIVE,
    AccountRestriction,
    CommenterNotice,
    IllinoisStatute,
    NoticeTemplate,
    ProhibitedCategory,
    Referral,
    Removal,
    ViolationReport,
)
from sites_registry.models import Platform, Site


class CategoryChoiceField(forms.MultipleChoiceField):
    """The fourteen categories as checkboxes, each with the ordinance's text at hand."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", ProhibitedCategory.choices)
        super().__init__(**kwargs)

    @staticmethod
    def described_choices() -> list[dict]:
        return [
            {
                "value": value,
                "label": label,
                "policy_text": POLICY_TEXT[value],
                "needs_review": value in VIEWPOINT_SENSITIVE,
            }
            for value, label in ProhibitedCategory.choices
        ]


class RemovalForm(PortalForm):
    categories = CategoryChoiceField(
        label="Prohibited categories (Sec. V)",
        required=False,  # the service refuses an empty choice with its own message
    )
    action = forms.ChoiceField(
        label="Action taken on the platform",
        choices=Removal.Action.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="Content-neutral reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Say how the item breaks the policy, not what you think of its opinion.",
    )


class ReportForm(PortalForm):
    suspected_categories = CategoryChoiceField(
        label="Categories it may fall under (optional)", required=False
    )
    concern = forms.CharField(
        label="What may violate the policy, and why", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class PickUpForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assignee = forms.ModelChoiceField(queryset=None, label="Assign to", required=False)

    def __init__(self, *args, assignees=None, me=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        # One entry for oneself ("Me (Casey Communications)"), chosen to begin with; nobody twice.
        field.queryset = assignees
        field.empty_label = None if me is not None else "Me"
        field.label_from_instance = lambda user: (
            f"Me ({person(user)})" if me is not None and user.pk == me.pk else person(user)
        )
        if me is not None and not self.is_bound:
            field.initial = me.pk


class ResolveForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="Outcome", choices=ViolationReport.Outcome.choices, widget=forms.RadioSelect, required=False
    )
    response = forms.CharField(
        label="The Communications Office's response", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class SecondReviewForm(PortalForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (Removal.ReviewStatus.UPHELD, "Uphold the removal"),
            (Removal.ReviewStatus.REINSTATED, "Reinstate the item"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label="Why (content-neutral)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class NoticeForm(PortalForm):
    status = forms.ChoiceField(
        label="Was the commenter notified?",
        choices=CommenterNotice.Status.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    channel = forms.ChoiceField(
        label="Channel", choices=[("", "—")] + CommenterNotice.Channel.choices, required=False
    )
    sent_at = forms.DateTimeField(
        label="Sent at (Central Time; empty: now)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    template = forms.ModelChoiceField(
        queryset=NoticeTemplate.objects.filter(is_active=True),
        label="Generated from template",
        required=False,
    )
    message = forms.CharField(label="Message sent", widget=forms.Textarea(attrs={"rows": 8}), required=False)
    not_possible_reason = forms.CharField(
        label="Why notice was not possible", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class NoticeTemplateForm(PortalForm):
    name = forms.CharField(label="Name", max_length=200, required=False)
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 10}), required=False)
    is_active = forms.BooleanField(label="Offered when recording a notice", required=False, initial=True)


class ReferralForm(PortalForm):
    kind = forms.ChoiceField(
        label="Refer to", choices=Referral.Kind.choices, widget=forms.RadioSelect, required=False
    )
    agency = forms.CharField(label="Law enforcement agency", max_length=200, required=False)
    statute = forms.ChoiceField(
        label="Law violated", choices=[("", "—")] + IllinoisStatute.choices, required=False
    )
    statute_other = forms.CharField(label="Other law", max_length=300, required=False)
    case_number = forms.CharField(label="Case or reference number", max_length=100, required=False)
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.all(), label="Platform (empty: the item's platform)", required=False
    )
    platform_report_id = forms.CharField(label="Platform's report id", max_length=200, required=False)
    details = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReferralUpdateForm(PortalForm):
    status = forms.ChoiceField(label="Status", choices=Referral.Status.choices, required=False)
    case_number = forms.CharField(label="Case or reference number", max_length=100, required=False)
    platform_report_id = forms.CharField(label="Platform's report id", max_length=200, required=False)
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RestrictionForm(PortalForm):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), label="Site (empty: every City site on the platform)", required=False
    )
    scope = forms.ChoiceField(
        label="Scope", choices=AccountRestriction.Scope.choices, widget=forms.RadioSelect, required=False
    )
    scope_detail = forms.CharField(label="What exactly is restricted", max_length=300, required=False)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_at = forms.DateTimeField(
        label="Starts (Central Time)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    expires_at = forms.DateTimeField(
        label="Expires (Central Time)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, commenter=None, **kwargs):
        super().__init__(*args, **kwargs)
        if commenter is not None:
            self.fields["site"].queryset = Site.objects.filter(platform=commenter.platform_id)


class RestrictionDecisionForm(PortalForm):
    approve = forms.TypedChoiceField(
        label="Decision",
        choices=[("yes", "Approve"), ("no", "Decline")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RestrictionLiftForm(PortalForm):
    lift_reason = forms.CharField(label="Why it is lifted early", widget=forms.Textarea(attrs={"rows": 2}))
