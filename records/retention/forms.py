from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from config.portal.forms import PortalForm
from moderation.models import Comment, Commenter
from moderation.params import is_plain_number
from records.models import LegalHold
from sites_registry.models import Site


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class LegalHoldForm(PortalForm):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=LegalHold.Kind.choices, initial=LegalHold.Kind.LITIGATION)
    reference = forms.CharField(max_length=200, required=False, help_text="Case or request number.")
    matter = forms.CharField(max_length=300, required=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.select_related("platform").order_by("account_name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    commenter_ids = forms.CharField(
        label="Commenters",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The commenters' platform user ids, one per line.",
    )
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    search_terms = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One term or phrase per line."
    )
    record_ids = forms.CharField(
        label="Explicitly chosen records",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Captured item numbers, one per line.",
    )

    def clean_commenter_ids(self):
        wanted = _lines(self.cleaned_data["commenter_ids"])
        found = list(Commenter.objects.filter(platform_user_id__in=wanted))
        missing = sorted(set(wanted) - {c.platform_user_id for c in found})
        if missing:
            raise ValidationError(f"No commenter has the id(s): {', '.join(missing)}.")
        return found

    def clean_record_ids(self):
        wanted = _lines(self.cleaned_data["record_ids"])
        bad = [value for value in wanted if not is_plain_number(value)]
        if bad:
            raise ValidationError(f"Not record numbers: {', '.join(bad)}.")
        found = list(Comment.objects.filter(pk__in=[int(v) for v in wanted]))
        missing = sorted(set(int(v) for v in wanted) - {c.pk for c in found})
        if missing:
            raise ValidationError(f"No captured item has the number(s): {', '.join(map(str, missing))}.")
        return found

    def scope(self) -> dict:
        data = self.cleaned_data
        return {
            "site_ids": [site.pk for site in data["sites"]],
            "commenter_ids": [c.pk for c in data["commenter_ids"]],
            "terms": _lines(data["search_terms"]),
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "explicit_ids": [c.pk for c in data["record_ids"]],
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "reference": data["reference"],
            "matter": data["matter"],
            "reason": data["reason"],
            "sites": data["sites"],
            "commenters": data["commenter_ids"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "search_terms": data["search_terms"],
            "comments": data["record_ids"],
        }


class ReleaseForm(PortalForm):
    reason = forms.CharField(label="Why is the hold released?", widget=forms.Textarea(attrs={"rows": 2}))


class FileForm(PortalForm):
    filed_on = forms.DateField(
        label="Date sent to the Commission", widget=forms.DateInput(attrs={"type": "date"})
    )
    requested_disposal_date = forms.DateField(
        label="Requested disposal date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="At least 30 days after the date sent.",
    )


class ApproveForm(PortalForm):
    approval_number = forms.CharField(label="Commission approval number", max_length=100)
    approved_on = forms.DateField(label="Date approved", widget=forms.DateInput(attrs={"type": "date"}))
    approver_name = forms.CharField(label="Approved by (name)", max_length=200)


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label="Why is the certificate withdrawn?", widget=forms.Textarea(attrs={"rows": 2})
    )
