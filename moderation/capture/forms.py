from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy

from config.portal.forms import PickerSelectMultiple, PortalForm
from moderation.capture.importers import FORMATS
from moderation.capture.models import Comment, Commenter
from moderation.capture.selectors import (
    CommentFilters,
    capture_site_choices,
    commenter_label,
    commenters_by_ids,
)
from sites_registry.models import Platform, Site


class CommentSearchForm(PortalForm):
    q = forms.CharField(
        label="Words in the text",
        required=False,
        max_length=500,
        help_text='Use "quotes" for a phrase, -word to exclude a word, or to accept either word.',
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.select_related("platform"), required=False, empty_label="All sites"
    )
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.all(), required=False, empty_label="All platforms"
    )
    commenter = forms.CharField(
        required=False, max_length=200, help_text="Part of the name, or the exact platform user id."
    )
    date_from = forms.DateField(
        label="Posted on or after", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Posted on or before", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    state = forms.ChoiceField(
        label="State on the platform",
        required=False,
        choices=[("", "Any state"), *Comment.PlatformState.choices],
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", "Posts, comments and replies"), *Comment.Kind.choices]
    )
    order = forms.ChoiceField(
        required=False,
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("relevance", "Best match first")],
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end of the date range is before its start.")
        return data

    def filters(self) -> CommentFilters:
        data = self.cleaned_data
        return CommentFilters(
            q=data.get("q") or "",
            site=data.get("site"),
            platform=data.get("platform"),
            commenter=data.get("commenter") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            state=data.get("state") or "",
            kind=data.get("kind") or "",
            order=data.get("order") or "newest",
        )


class CaptureUploadForm(PortalForm):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), help_text="The City site the file was captured from."
    )
    format = forms.ChoiceField(choices=[(f.name, f.label) for f in FORMATS.values()])
    file = forms.FileField(
        help_text=(
            "One export file. The whole file is imported, or nothing of it if it has an error. "
            "Larger files: use the import_captures command."
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = capture_site_choices()
        self.fields["file"].help_text += f" At most {filesizeformat(settings.CAPTURE_UPLOAD_MAX_BYTES)}."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.CAPTURE_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the form takes at most "
                f"{filesizeformat(settings.CAPTURE_UPLOAD_MAX_BYTES)}. Use the import_captures command."
            )
        return upload

    def clean(self):
        data = super().clean()
        site, format_name = data.get("site"), data.get("format")
        if site and format_name:
            slug = FORMATS[format_name].platform_slug
            if slug and site.platform.slug != slug:
                self.add_error(
                    "format", f"This format is for {slug} sites; {site} is on {site.platform.name}."
                )
        return data


class CommenterPickerField(forms.ModelMultipleChoiceField):
    """Commenters chosen with the searchable picker: each shown with platform, name, handle or id,
    first seen and item count (two "Resident 1"s are told apart); the picker searches
    ``moderation:commenter-search`` as the clerk types. Without JavaScript, more are added by their
    platform id, one per line; an id no commenter has is refused by name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Commenter.objects.all())
        kwargs.setdefault(
            "widget",
            PickerSelectMultiple(
                source=reverse_lazy("moderation:commenter-search"),
                fallback_label="Add commenters by their platform id (one per line)",
            ),
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return commenter_label(obj)

    def picker_chosen(self, pks):
        return commenters_by_ids(pks)

    def clean(self, value):
        value = list(value or [])
        typed = [str(v).removeprefix("typed:") for v in value if str(v).startswith("typed:")]
        chosen = [v for v in value if not str(v).startswith("typed:")]
        if typed:
            found = list(Commenter.objects.filter(platform_user_id__in=typed))
            missing = sorted(set(typed) - {c.platform_user_id for c in found})
            if missing:
                raise forms.ValidationError(f"No commenter has the id(s): {', '.join(missing)}.")
            chosen += [str(c.pk) for c in found]
        return super().clean(chosen)


class SitePickerField(forms.ModelMultipleChoiceField):
    """Sites chosen with the searchable picker (every site is listed: they are few)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Site.objects.select_related("platform").order_by("account_name"))
        kwargs.setdefault("widget", PickerSelectMultiple())
        super().__init__(**kwargs)
