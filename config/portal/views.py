from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_safe

from config.portal import roles
from config.portal.portal_apps import DOMAIN_APPS, home_panels
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
            changes = [(c.field, c.old, c.new) for c in delta.changes]
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
