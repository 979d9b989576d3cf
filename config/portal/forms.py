"""The one form base of the portal's pages, the one way to show a service's refusal on a form,
and the one way to hand a posted form to its service (``submit``).

Every page form derives from ``PortalForm`` and is rendered with the partials in
``templates/portal/``: ``_form_errors.html`` (the summary at the top), ``_field.html``
(one field) and ``_form_fields.html`` (both, for a form shown whole). Hints and errors
are tied to their input by Django itself: a bound field's widget gets ``aria-invalid``
and ``aria-describedby="<id>_helptext <id>_error"``, so the partials give the hint and
the error exactly those ids.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect

# The classes that take the USWDS error border when their field has an error.
_BORDERED = ("usa-input", "usa-select", "usa-textarea")


def uswds_class(widget: forms.Widget) -> str | None:
    """The USWDS class of a widget's input; None where the partial renders the inputs itself."""
    # A CheckboxSelectMultiple is a RadioSelect too: the partial draws both as USWDS choices.
    if widget.is_hidden or isinstance(widget, forms.RadioSelect):
        return None
    if isinstance(widget, forms.CheckboxInput):
        return "usa-checkbox__input"
    if isinstance(widget, forms.Textarea):
        return "usa-textarea"  # portal.css lets a textarea keep the rows its form gives it
    if isinstance(widget, forms.Select):
        return "usa-select"
    if isinstance(widget, forms.FileInput):
        return "usa-file-input"
    return "usa-input"


class PortalBoundField(forms.BoundField):
    """A field of a PortalForm: its input takes the USWDS error border while it has an error
    (from the form's own checks or from a service's, added after them)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        classes = (widget or self.field.widget).attrs.get("class", "").split()
        if self.errors and any(css in classes for css in _BORDERED) and "class" not in attrs:
            attrs["class"] = " ".join([*classes, "usa-input--error"])
        return attrs


class PortalForm(forms.Form):
    """USWDS classes on the widgets (a class the form sets itself is kept)."""

    bound_field_class = PortalBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = uswds_class(field.widget)
            if css:
                field.widget.attrs.setdefault("class", css)

    @property
    def top_errors(self) -> list[str]:
        """The errors of the form as a whole, and those of hidden fields (no place of their own)."""
        hidden = [error for field in self.hidden_fields() for error in field.errors]
        return [*self.non_field_errors(), *hidden]

    @property
    def fields_with_errors(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.errors]

    @property
    def marks_optional(self) -> bool:
        """Whether ``_field.html`` marks the optional fields "(optional)".

        Not on a form where no field is required: a search, or a form that leaves what is
        needed to its service (the removal pages), where the mark would say too much.
        """
        return any(field.field.required for field in self.visible_fields())


def apply_service_errors(
    form: forms.Form,
    error: ValidationError,
    *,
    fieldless_to: str | None = None,
    set_apart: tuple[str, ...] = (),
) -> dict[str, list[str]]:
    """Show a service's ValidationError on the form that fed it.

    An error naming a field of the form goes next to that field; one naming something the
    form does not have goes to the top of the form, and so does one naming nothing (or it
    goes to the field ``fieldless_to``, where the page has a better place for it). The
    entries named in ``set_apart`` are not put on the form but returned, for pages that
    show them elsewhere.
    """
    apart: dict[str, list[str]] = {}
    if hasattr(error, "error_dict"):
        entries = list(error.error_dict.items())
    else:
        entries = [(NON_FIELD_ERRORS, error.error_list)]
    for name, errors in entries:
        if name in set_apart:
            apart[name] = [message for e in errors for message in e.messages]
            continue
        if name == NON_FIELD_ERRORS:
            form.add_error(fieldless_to, errors)
        else:
            form.add_error(name if name in form.fields else None, errors)
    return apart


def submit(request, form: forms.Form, save, *, success, then=None):
    """Hand a posted form to its service: the redirect that follows, or None to show the page.

    None on a GET, while the form has errors of its own, and when the service refuses:
    ``save(form.cleaned_data)`` raised a ValidationError, whose errors now stand on the form
    (``apply_service_errors``). When the service accepts, ``success`` is the success message
    (or makes it from what ``save`` returned) and the redirect goes to ``then`` (anything
    ``redirect`` takes), or else to what ``save`` returned.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
    messages.success(request, success(saved) if callable(success) else success)
    return redirect(saved if then is None else then)


class PickerSelectMultiple(forms.SelectMultiple):
    """A plain ``<select multiple>`` that ``static/portal/pickers.js`` turns into a searchable
    picker (tom-select) when JavaScript runs; without it, the select works as it is.

    With ``source`` (the URL of a JSON search, ``?q=`` -> ``{"results": [{"value", "label"}]}``)
    the select lists only the chosen options and the picker asks the source as the clerk types,
    so a page never lists every commenter. Without JavaScript such a picker shows a text box
    beside it (``<name>__add``) taking more by id, one per line (``PickerFallbackMixin``).
    """

    fallback_template = "portal/widgets/picker_fallback.html"

    def __init__(self, attrs=None, *, source: str = "", fallback_label: str = ""):
        super().__init__(attrs)
        self.source = source
        self.fallback_label = fallback_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"]["data-picker"] = "remote" if self.source else "local"
        if self.source:
            widget["attrs"]["data-picker-source"] = str(self.source)
        widget["source"] = str(self.source)
        widget["fallback_name"] = f"{name}__add"
        widget["fallback_label"] = self.fallback_label
        return context

    def _render(self, template_name, context, renderer=None):
        from django.template.loader import render_to_string
        from django.utils.safestring import mark_safe

        select = super()._render(template_name, context, renderer)
        if not self.source:
            return select
        return mark_safe(select + render_to_string(self.fallback_template, context))

    def optgroups(self, name, value, attrs=None):
        if self.source and hasattr(self.choices, "queryset"):
            # Only the chosen options: the rest come from the source as the clerk types.
            field = self.choices.field
            chosen = [v for v in (str(v) for v in value) if v.isdigit()]
            saved = self.choices
            self.choices = [(obj.pk, field.label_from_instance(obj)) for obj in field.picker_chosen(chosen)]
            try:
                return super().optgroups(name, value, attrs)
            finally:
                self.choices = saved
        return super().optgroups(name, value, attrs)

    def value_from_datadict(self, data, files, name):
        chosen = list(super().value_from_datadict(data, files, name) or [])
        if self.source:
            typed = data.get(f"{name}__add", "")
            chosen += [f"typed:{line.strip()}" for line in str(typed).splitlines() if line.strip()]
        return chosen

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and f"{name}__add" not in data
