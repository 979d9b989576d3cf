"""Forms of the public request pages. Every field is bounded; everything typed is hostile."""

from __future__ import annotations

import re

from django import forms

from config.portal.forms import PortalForm
from records.models import FoiaRequester
from sites_registry.models import Site

# 5 ILCS 140/2(c-10), shown on the form as the statute words it.
COMMERCIAL_PURPOSE_DEFINITION = (
    "“Commercial purpose” means the use of any part of a public record or records, or information "
    "derived from public records, in any form for sale, resale, or solicitation or advertisement for "
    "sales or services. For purposes of this definition, requests made by news media and non-profit, "
    "scientific, or academic organizations shall not be considered to be made for a “commercial "
    "purpose” when the principal purpose of the request is (i) to access and disseminate information "
    "concerning news and current or passing events, (ii) for articles of opinion or features of "
    "interest to the public, or (iii) for the purpose of academic, scientific, or public research or "
    "education. (5 ILCS 140/2(c-10))"
)

NAME_MAX = 200
ADDRESS_MAX = 1000
DESCRIPTION_MAX = 10000
# Control characters (newlines included) have no place in a one-line field: they could fold
# into an e-mail header or a CSV row.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(value: str, label: str) -> str:
    if _CONTROL.search(value):
        raise forms.ValidationError(f"{label} must be one line, without line breaks or control characters.")
    return value


def public_sites():
    """The accounts of the public directory: the scope helper lists what the public can see."""
    return (
        Site.objects.filter(state__in=[Site.State.APPROVED, Site.State.RETIRED])
        .select_related("platform")
        .order_by("platform__name", "account_name")
    )


class SiteChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, site: Site) -> str:
        label = f"{site.platform.name}: {site.account_name} ({site.handle})"
        return label if site.state == Site.State.APPROVED else f"{label}, retired"


class PublicRequestForm(PortalForm):
    name = forms.CharField(label="Your name", max_length=NAME_MAX)
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We send a link to confirm your request here, then every letter and a link to follow it.",
    )
    postal_address = forms.CharField(
        label="Postal address",
        required=False,
        max_length=ADDRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if you also want letters by mail.",
    )
    organisation = forms.CharField(label="Organisation", required=False, max_length=NAME_MAX)
    kind = forms.ChoiceField(
        label="You are asking as",
        choices=FoiaRequester.Kind.choices,
        initial=FoiaRequester.Kind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label="The records you are asking for",
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Describe the records as precisely as you can: which account, which posts or comments, "
        "which people or words, which dates. At most 10,000 characters.",
    )
    sites = SiteChoiceField(
        label="Which official City accounts (optional help)",
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked if you do not know, or for every account.",
    )
    date_from = forms.DateField(
        label="From (optional help)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To (optional help)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_commercial = forms.TypedChoiceField(
        label="Are the records for a commercial purpose?",
        choices=[("no", "No"), ("yes", "Yes, for a commercial purpose")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=COMMERCIAL_PURPOSE_DEFINITION
        + " The City answers a commercial request within 21 business days (5 ILCS 140/3.1); "
        "saying so falsely is a violation of the Act.",
    )
    name_public = forms.BooleanField(
        label="Show my name in the City's public log of requests",
        required=False,
        help_text="Unticked, the public log (if the Clerk lists this request in it) never shows your name.",
    )
    # The honeypot: hidden from people by CSS and from assistive technology; a robot fills it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = public_sites()

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"], "Your name")

    def clean_organisation(self) -> str:
        return _one_line(self.cleaned_data["organisation"], "The organisation")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the date range is before its start.")
        return cleaned

    def honeypot_filled(self) -> bool:
        return bool(self.data.get("website", "").strip())


class ResendForm(PortalForm):
    email = forms.EmailField(label="The e-mail address you gave with your request", max_length=254)
    website = PublicRequestForm.base_fields["website"]

    def honeypot_filled(self) -> bool:
        return bool(self.data.get("website", "").strip())
