from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_safe

from config.portal import roles
from config.portal.portal_apps import DOMAIN_APPS, home_panels, search_sections
from config.portal.public_cache import DIRECTORY, public_page


@login_not_required
@require_safe
@public_page(DIRECTORY)
def public_home(request):
    return render(request, "public/home.html")


@roles.role_required()
@require_GET
def staff_home(request):
    return render(request, "portal/home.html", {"panels": home_panels(request)})


SEARCH_QUERY_MAX = 200


@roles.role_required()
@require_GET
def search(request):
    """The header's search: items, commenters, sites, and for the Clerk FOIA requests and holds,
    each section from the app that owns it and only what the user's roles may see."""
    query = request.GET.get("q", "").strip()
    error = ""
    if len(query) > SEARCH_QUERY_MAX:
        error = f"The search is {len(query)} characters long; at most {SEARCH_QUERY_MAX} are searched."
        query = ""
    sections = search_sections(request.user, query) if query else []
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "error": error,
            "sections": sections,
            "found": any(section.results for section in sections),
        },
    )


def _tracked_model(app_label: str, model_name: str):
    if app_label not in DOMAIN_APPS:
        raise Http404("No such record type.")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404("No such record type.") from None
    if not hasattr(model, "history") or model._meta.abstract:
        raise Http404("This record type keeps no history.")
    return model


def history_readers(model) -> tuple[str, ...]:
    """The roles that may read ``model``'s history, as the model declares them (``history_roles``).

    Deny by default: a model that declares nothing, or declares an empty tuple, has its history
    read by administrators only (tests/config/portal/test_history_roles.py makes every tracked
    model declare it on purpose)."""
    return tuple(getattr(model, "history_roles", ()))


def require_history_reader(user, model) -> None:
    allowed = history_readers(model)
    if allowed:
        roles.require_role(user, *allowed)
    elif not (user.is_active and user.is_superuser):
        raise PermissionDenied("The history of this kind of record is for administrators.")


def _readable_change(model, field_name: str, old, new) -> tuple[str, object, object]:
    """A changed field as a clerk reads it: its verbose name, codes by their labels, instants in City time."""
    try:
        model_field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return field_name, old, new

    def readable(value):
        if value is None or value == "":
            return value
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, datetime):
            return date_format(timezone.localtime(value), "N j, Y, g:i:s a T")
        return value

    return capfirst(model_field.verbose_name), readable(old), readable(new)


@roles.role_required()
@require_GET
def record_history(request, app_label: str, model_name: str, pk: int):
    """Every change to one record: who, when, why, and which fields changed how.

    Works for destroyed records too (until the disposal process removes their history),
    which is why it reads the history table rather than the record.
    """
    model = _tracked_model(app_label, model_name)
    require_history_reader(request.user, model)
    entries = list(
        model.history.filter(**{model._meta.pk.name: pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    current = model._default_manager.filter(pk=pk).first()
    if not entries and current is None:
        raise Http404("No history for this record.")
    rows = []
    previous = None
    for entry in entries:
        changes = []
        if previous is not None:
            delta = entry.diff_against(previous)
            changes = [_readable_change(model, c.field, c.old, c.new) for c in delta.changes]
        rows.append({"entry": entry, "changes": changes})
        previous = entry
    rows.reverse()
    return render(
        request,
        "portal/history.html",
        {
            "rows": rows,
            "record": current,
            "record_label": str(current) if current else f"{model._meta.verbose_name} #{pk} (no longer held)",
            "model_name": model._meta.verbose_name,
        },
    )
