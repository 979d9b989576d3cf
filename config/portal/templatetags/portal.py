from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def history_url(obj) -> str:
    """URL of the history page of any tracked record."""
    meta = obj._meta
    return reverse("portal:history", args=[meta.app_label, meta.model_name, obj.pk])


@register.filter
def person(user) -> str:
    """A staff member as every page names them: full name, else the username; "—" for nobody.
    A builtin filter (settings.TEMPLATES), so every template says people the same way."""
    if user is None or user == "":
        return "—"
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full_name.strip() or (user.get_username() if hasattr(user, "get_username") else str(user))


@register.filter
def local_date(value):
    """A date or datetime as a clerk reads it, in the City's time zone."""
    from django.utils import timezone
    from django.utils.formats import date_format

    if value is None:
        return "—"
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
        return date_format(value, "N j, Y, P")
    return date_format(value, "N j, Y")


@register.simple_tag(takes_context=True)
def kept(context, slot: str, pk, name: str) -> str:
    """What the user typed into field ``name`` of the inline form ``slot``-``pk`` before the
    action was refused (see config.portal.kept_input); escaped like any other output."""
    from config.portal.kept_input import kept_input

    request = context.get("request")
    if request is None:
        return ""
    return kept_input(request, f"{slot}-{pk}").get(name, "")


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:key }}``: a dictionary's value for a key a template holds in a variable."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)
