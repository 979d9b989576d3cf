from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from config.portal.forms import PortalForm
from moderation.capture.forms import CommenterPickerField, SitePickerField
from moderation.models import Comment
from moderation.params import is_plain_number
from records.models import LegalHold
from records.series import REGISTRY, Scope


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class HoldScopeForm(PortalForm):
    """One scope: every criterion given must match (AND); any choice within one may (OR)."""

    series = forms.MultipleChoiceField(
        label="Record series",
        choices=REGISTRY.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty to hold records of every series the other criteria reach.",
    )
    sites = SitePickerField(required=False)
    commenters = CommenterPickerField(
        required=False, help_text="Type a name, handle or id to find them; any of them may match."
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

    def clean_record_ids(self):
        wanted = _lines(self.cleaned_data["record_ids"])
        bad = [value for value in wanted if not is_plain_number(value)]
        if bad:
            raise ValidationError(f"Not record numbers: {', '.join(bad)}.")
        numbers = {int(value) for value in wanted}
        found = set(Comment.objects.filter(pk__in=numbers).values_list("pk", flat=True))
        missing = sorted(numbers - found)
        if missing:
            raise ValidationError(f"No captured item has the number(s): {', '.join(map(str, missing))}.")
        return sorted(found)

    def scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(
            series=tuple(data["series"]),
            site_ids=tuple(site.pk for site in data["sites"]),
            commenter_ids=tuple(c.pk for c in data["commenters"]),
            terms=tuple(_lines(data["search_terms"])),
            date_from=data["date_from"],
            date_to=data["date_to"],
            record_ids=tuple(data["record_ids"]),
        )


class LegalHoldForm(HoldScopeForm):
    """A new hold with its first scope; more scopes are added on the hold's page."""

    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=LegalHold.Kind.choices, initial=LegalHold.Kind.LITIGATION)
    reference = forms.CharField(max_length=200, required=False, help_text="Case or request number.")
    matter = forms.CharField(max_length=300, required=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["name", "kind", "reference", "matter", "reason"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "reference": data["reference"],
            "matter": data["matter"],
            "reason": data["reason"],
            "scopes": [self.scope()],
        }


class ReleaseForm(PortalForm):
    reason = forms.CharField(label="Why is the hold released?", widget=forms.Textarea(attrs={"rows": 2}))


class _CountOnThePage(forms.IntegerField):
    """The number of held records the page showed. Cleaned from what was posted (the number the
    Clerk confirmed), but always shown as the number now, so a refused form asks about that."""

    def bound_data(self, data, initial):
        return initial


class FileForm(PortalForm):
    filed_on = forms.DateField(
        label="Date sent to the Commission", widget=forms.DateInput(attrs={"type": "date"})
    )
    requested_disposal_date = forms.DateField(
        label="Requested disposal date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="At least 30 days after the date sent.",
    )

    def __init__(self, *args, held_count: int = 0, **kwargs):
        """``held_count``: listed records under a legal hold now; the confirmation is asked only then."""
        self.held_count = held_count
        if held_count:
            noun, verb = ("record", "is") if held_count == 1 else ("records", "are")
            # Declared for this form alone, before the base class copies and cleans the fields.
            self.base_fields = {
                **type(self).base_fields,
                "held_on_page": _CountOnThePage(
                    min_value=0, required=False, initial=held_count, widget=forms.HiddenInput
                ),
                "confirm_held_excluded": forms.BooleanField(
                    required=False,
                    label=f"I confirm the {held_count} {noun} now under a legal hold {verb} excluded "
                    "from this certificate",
                ),
            }
        super().__init__(*args, **kwargs)
        if not held_count:
            return
        confirm = self.fields["confirm_held_excluded"].widget
        confirm.attrs["class"] = "usa-checkbox__input"
        if self.is_bound and self["held_on_page"].data not in (str(held_count), held_count):
            # The count changed since the page was loaded: the box now asks about a new number.
            confirm.check_test = lambda value: False

    def date_fields(self):
        return [self["filed_on"], self["requested_disposal_date"]]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        confirmed = data.get("held_on_page") if data.get("confirm_held_excluded") else None
        return {
            "filed_on": data["filed_on"],
            "requested_disposal_date": data["requested_disposal_date"],
            "held_excluded_confirmed": confirmed,
        }


class ApproveForm(PortalForm):
    approval_number = forms.CharField(label="Commission approval number", max_length=100)
    approved_on = forms.DateField(label="Date approved", widget=forms.DateInput(attrs={"type": "date"}))
    approver_name = forms.CharField(label="Approved by (name)", max_length=200)


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label="Why is the certificate withdrawn?", widget=forms.Textarea(attrs={"rows": 2})
    )
