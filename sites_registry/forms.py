from __future__ import annotations

from django import forms

from config.portal.forms import PortalForm
from sites_registry.models import Audience, Platform, Site


class SiteRequestForm(PortalForm):
    platform = forms.ModelChoiceField(queryset=Platform.objects.all(), empty_label="Choose a platform")
    account_name = forms.CharField(label="Account name", max_length=200)
    handle = forms.CharField(label="Handle", max_length=200, help_text="For example @CityofKankakee.")
    url = forms.CharField(label="Public URL", max_length=500, help_text="The account's address, https://…")
    department = forms.CharField(label="Owning department", max_length=200)
    audiences = forms.MultipleChoiceField(
        label="Target audiences", choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    authorised_posters = forms.CharField(
        label="City personnel authorised to post",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One person per line: name and title.",
    )
    contact_information = forms.CharField(
        label="City contact information shown on the site", widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label="Note to the Communications Office", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def for_site(cls, site: Site, **kwargs):
        form = cls(
            initial={
                "platform": site.platform_id,
                "account_name": site.account_name,
                "handle": site.handle,
                "url": site.url,
                "department": site.department,
                "audiences": site.audiences,
                "authorised_posters": site.authorised_posters,
                "contact_information": site.contact_information,
            },
            **kwargs,
        )
        form.fields["platform"].disabled = True
        form.fields["platform"].help_text = "A site on another platform is a new request."
        if site.state != Site.State.REQUESTED:
            # The Communications Office approved this account; another account is a new request.
            for name in ("handle", "url"):
                form.fields[name].disabled = True
                form.fields[name].help_text = "Fixed once approved: another account is a new request."
        del form.fields["note"]
        return form


class DecisionForm(PortalForm):
    reason = forms.CharField(label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmItemForm(PortalForm):
    where_shown = forms.CharField(
        label="Where the site shows it", max_length=500, help_text="URL or screenshot reference."
    )


class ItemReasonForm(PortalForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


class PolicyPublishForm(PortalForm):
    text = forms.CharField(label="Full text of the amended policy", widget=forms.Textarea(attrs={"rows": 20}))
    change_summary = forms.CharField(
        label="What the amendment changes", widget=forms.Textarea(attrs={"rows": 3})
    )
