from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from config.portal import roles
from config.portal.forms import apply_service_errors
from config.portal.inplace import in_place_response
from config.portal.public_cache import DIRECTORY, POLICIES, cached_data, public_page
from sites_registry import selectors, services
from sites_registry.forms import (
    ConfirmItemForm,
    DecisionForm,
    ItemReasonForm,
    PolicyPublishForm,
    SiteRequestForm,
)
from sites_registry.models import ComplianceItem, PolicyDocument, Site, SiteDecision

ALL_STAFF = roles.STAFF_ROLES
COMMS = (roles.COMMUNICATIONS_OFFICE,)


class HtmlSafeJSONEncoder(DjangoJSONEncoder):
    """Escape <, > and & so the JSON stays inert if some system pastes it into a page."""

    def encode(self, o):
        return super().encode(o).translate({ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"})


DECISION_HELP = {
    SiteDecision.Action.APPROVE: "Approve: the site becomes an official City account.",
    SiteDecision.Action.REJECT: "Reject the request.",
    SiteDecision.Action.SUSPEND: "Suspend: the site is no longer listed as official until reinstated.",
    SiteDecision.Action.REINSTATE: "Reinstate the suspended site.",
    SiteDecision.Action.RETIRE: "Retire: the account is listed as no longer official.",
    SiteDecision.Action.RECERTIFY: "Re-certify that the site still shows every required disclosure.",
}
DECISION_BUTTON = {
    SiteDecision.Action.APPROVE: "Approve",
    SiteDecision.Action.REJECT: "Reject",
    SiteDecision.Action.SUSPEND: "Suspend",
    SiteDecision.Action.REINSTATE: "Reinstate",
    SiteDecision.Action.RETIRE: "Retire",
    SiteDecision.Action.RECERTIFY: "Re-certify",
}
ITEM_OPERATIONS = ("confirm", "not-possible", "reopen")


# --- Staff pages -------------------------------------------------------------------------


@roles.role_required(*ALL_STAFF)
@require_GET
def site_list(request):
    state = request.GET.get("state", "")
    sites = selectors.site_list(state=state)
    return render(
        request,
        "sites_registry/site_list.html",
        {
            "sites": sites,
            "state": state,
            "states": Site.State.choices,
            "may_request": roles.has_role(
                request.user, roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE
            ),
        },
    )


@roles.role_required(*COMMS)
@require_GET
def site_queue(request):
    return render(
        request,
        "sites_registry/site_queue.html",
        {"requested": selectors.sites_requested(), "due": selectors.sites_due_for_recertification()},
    )


@roles.role_required(roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE)
@require_http_methods(["GET", "POST"])
def site_request(request):
    form = SiteRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = services.site_request(actor=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{site.account_name} on {site.platform.name} was requested.")
            return redirect(site)
    status = 400 if form.is_bound else 200
    return render(request, "sites_registry/site_request.html", {"form": form}, status=status)


@roles.role_required(roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE)
@require_http_methods(["GET", "POST"])
def site_edit(request, pk: int):
    site = get_object_or_404(Site.objects.select_related("platform"), pk=pk)
    if site.state in (Site.State.REJECTED, Site.State.RETIRED):
        raise PermissionDenied(f"A {site.get_state_display().lower()} site is kept as it was decided.")
    form = SiteRequestForm.for_site(site, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "platform"}
        try:
            services.site_update_details(actor=request.user, site=site, **data)
        except services.InvalidTransition as error:
            raise PermissionDenied(" ".join(error.messages)) from None
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The site's details were updated.")
            return redirect(site)
    status = 400 if form.is_bound else 200
    return render(request, "sites_registry/site_edit.html", {"form": form, "site": site}, status=status)


def _detail_context(request, site: Site, *, bound_decision=None, bound_items=None, checklist_error=None):
    """``bound_items``: {(item pk, operation): bound form} of the checklist posted and refused."""
    can_decide = roles.has_role(request.user, *COMMS)
    can_keep = roles.has_role(request.user, roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE)
    bound_items = bound_items or {}
    items = []
    checklist_open = site.state not in (Site.State.REJECTED, Site.State.RETIRED)
    for item in site.compliance_items.all().select_related("checked_by"):
        items.append(_checklist_row(item, can_keep=can_keep and checklist_open, bound_items=bound_items))
    fields_with_errors = [
        form[name] for form in bound_items.values() for name in form.errors if name in form.fields
    ]
    decisions = []
    if can_decide:
        for action in services.allowed_actions(site):
            form = DecisionForm(prefix=action)
            if bound_decision is not None and bound_decision.prefix == action:
                form = bound_decision
            form.fields["reason"].label = f"Reason to {DECISION_BUTTON[action].lower()}"
            decisions.append(
                {
                    "action": action,
                    "button": DECISION_BUTTON[action],
                    "form": form,
                    "help": DECISION_HELP[action],
                }
            )
    return {
        "site": site,
        "items": items,
        "decision_forms": decisions,
        "decisions": site.decisions.select_related("decided_by"),
        "can_decide": can_decide,
        "can_keep": can_keep,
        "can_edit": can_keep and checklist_open,
        "checklist_editable": checklist_open,
        "checklist_error": checklist_error,
        "checklist_fields_with_errors": fields_with_errors,
        "open_mandatory": selectors.open_mandatory_items(site),
    }


@roles.role_required(*ALL_STAFF)
@require_GET
def site_detail(request, pk: int):
    site = get_object_or_404(
        Site.objects.select_related("platform", "requested_by", "last_certified_by"), pk=pk
    )
    return render(request, "sites_registry/site_detail.html", _detail_context(request, site))


@roles.role_required(*COMMS)
@require_POST
def site_decide(request, pk: int, action: str):
    site = get_object_or_404(Site.objects.select_related("platform"), pk=pk)
    if action not in services.SITE_DECISIONS:
        raise Http404("No such decision.")
    form = DecisionForm(request.POST, prefix=action)
    checklist_error = None
    if form.is_valid():
        try:
            services.SITE_DECISIONS[action](actor=request.user, site=site, reason=form.cleaned_data["reason"])
        except services.InvalidTransition as error:
            # Not decidable in this state (or decided by someone else meanwhile): refused.
            raise PermissionDenied(" ".join(error.messages)) from None
        except ValidationError as error:
            checklist_error = apply_service_errors(form, error, set_apart=("checklist",)).get("checklist")
        else:
            label = SiteDecision.Action(action).label.lower()
            messages.success(request, f"{site.account_name} was {label}.")
            return redirect(site)
    if action not in services.allowed_actions(site):
        raise PermissionDenied(f"{site.account_name} is {site.get_state_display().lower()}; not decidable.")
    context = _detail_context(request, site, bound_decision=form, checklist_error=checklist_error)
    return render(request, "sites_registry/site_detail.html", context, status=400)


def _checklist_row(item: ComplianceItem, *, can_keep: bool, bound_items: dict) -> dict:
    forms = {}
    if can_keep:
        forms["confirm"] = ConfirmItemForm(prefix=f"item{item.pk}-confirm")
        forms["confirm"].fields["where_shown"].label = f"Where the site shows it: {item.get_kind_display()}"
        if not item.is_mandatory:
            forms["not-possible"] = ItemReasonForm(prefix=f"item{item.pk}-not-possible")
        if item.status != ComplianceItem.Status.OPEN:
            forms["reopen"] = ItemReasonForm(prefix=f"item{item.pk}-reopen")
    bound = False
    for (pk, operation), form in bound_items.items():
        if pk == item.pk and can_keep:
            forms[operation] = form
            bound = bound or operation != "confirm"
    return {"item": item, "forms": forms, "bound": bound}


@roles.role_required(roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE)
@require_POST
def checklist_save(request, pk: int):
    """The whole checklist in one post: every row whose "where shown" was filled in or changed
    is confirmed with it, all or none (one transaction); a row left as it was is not touched."""
    site = get_object_or_404(Site.objects.select_related("platform"), pk=pk)
    if site.state in (Site.State.REJECTED, Site.State.RETIRED):
        raise PermissionDenied(f"A {site.get_state_display().lower()} site's checklist is kept as it was.")
    items = list(site.compliance_items.all())
    bound, changed = {}, []
    for item in items:
        form = ConfirmItemForm(request.POST, prefix=f"item{item.pk}-confirm")
        form.fields["where_shown"].label = f"Where the site shows it: {item.get_kind_display()}"
        posted = request.POST.get(form.add_prefix("where_shown"), "").strip()
        if not posted or (item.status == ComplianceItem.Status.CONFIRMED and posted == item.where_shown):
            continue
        if form.is_valid():
            changed.append((item, form))
        else:
            bound[(item.pk, "confirm")] = form
    if not bound:
        try:
            with transaction.atomic():
                for item, form in changed:
                    services.compliance_item_confirm(
                        actor=request.user, item=item, where_shown=form.cleaned_data["where_shown"]
                    )
        except services.InvalidTransition as error:
            raise PermissionDenied(" ".join(error.messages)) from None
        except ValidationError as error:
            return _checklist_refused(request, site, bound, error)
        else:
            if changed:
                names = ", ".join(item.get_kind_display() for item, _form in changed)
                messages.success(request, f"Checklist saved: {len(changed)} confirmed ({names}).")
            else:
                messages.info(request, "Nothing to save: no row was filled in or changed.")
            return redirect(reverse("sites_registry:site-detail", args=[pk]) + "#checklist-heading")
    return _checklist_refused(request, site, bound, None)


def _checklist_refused(request, site, bound, error):
    errors = list(error.messages) if error is not None else None
    context = _detail_context(request, site, bound_items=bound, checklist_error=errors)
    return render(request, "sites_registry/site_detail.html", context, status=400)


@roles.role_required(roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE)
@require_POST
def checklist_item(request, pk: int, item_pk: int, operation: str):
    item = get_object_or_404(ComplianceItem.objects.select_related("site__platform"), pk=item_pk, site_id=pk)
    if operation not in ITEM_OPERATIONS:
        raise Http404("No such checklist action.")
    prefix = f"item{item.pk}-{operation}"
    form = (ConfirmItemForm if operation == "confirm" else ItemReasonForm)(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            if operation == "confirm":
                services.compliance_item_confirm(
                    actor=request.user, item=item, where_shown=form.cleaned_data["where_shown"]
                )
            elif operation == "not-possible":
                services.compliance_item_mark_not_possible(
                    actor=request.user, item=item, reason=form.cleaned_data["reason"]
                )
            else:
                services.compliance_item_reopen(
                    actor=request.user, item=item, reason=form.cleaned_data["reason"]
                )
        except services.InvalidTransition as error:
            raise PermissionDenied(" ".join(error.messages)) from None
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            message = f"Checklist updated: {item.get_kind_display()}."
            if request.htmx:
                item.refresh_from_db()
                return _checklist_row_response(request, item, {}, message=message)
            messages.success(request, message)
            return redirect(reverse("sites_registry:site-detail", args=[pk]) + f"#item-{item.pk}")
    if request.htmx:
        return _checklist_row_response(request, item, {(item.pk, operation): form})
    context = _detail_context(request, item.site, bound_items={(item.pk, operation): form})
    return render(request, "sites_registry/site_detail.html", context, status=400)


def _checklist_row_response(request, item, bound_items, *, message: str = ""):
    """The row again, for htmx to swap in place, with the message in the page's status region."""
    can_keep = roles.has_role(request.user, roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE)
    context = {
        "row": _checklist_row(item, can_keep=can_keep, bound_items=bound_items),
        "site": item.site,
        "can_keep": can_keep,
        "in_place": True,
    }
    return in_place_response(request, "sites_registry/_checklist_row.html", context, message=message)


@roles.role_required(*COMMS)
@require_GET
def policy_manage(request):
    return render(
        request, "sites_registry/policy_manage.html", {"policies": selectors.policy_versions_by_kind()}
    )


@roles.role_required(*COMMS)
@require_http_methods(["GET", "POST"])
def policy_publish(request, kind: str):
    if kind not in PolicyDocument.Kind.values:
        raise Http404("No such policy.")
    current = PolicyDocument.objects.in_effect(kind)
    form = PolicyPublishForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            document = services.policy_publish(actor=request.user, kind=kind, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{document} is published and in effect from today.")
            return redirect("sites_registry:policy-manage")
    return render(
        request,
        "sites_registry/policy_publish.html",
        {"form": form, "kind_label": PolicyDocument.Kind(kind).label, "current": current},
        status=400 if form.is_bound else 200,
    )


# --- Public pages ------------------------------------------------------------------------


def _today(request) -> str:
    # Which version of a policy is in effect depends on the day (City time).
    return timezone.localdate().isoformat()


def _directory(request) -> tuple[list[Site], list[Site]]:
    return cached_data("directory", request.public_snapshot, selectors.public_directory)


@login_not_required
@require_safe
@public_page(DIRECTORY)
def directory(request):
    official, retired = _directory(request)
    return render(request, "sites_registry/public/directory.html", {"official": official, "retired": retired})


@login_not_required
@require_safe
@public_page(DIRECTORY)
def directory_json(request):
    """The directory for other City systems. Only public fields; JSON-escaped by the encoder."""
    official, retired = _directory(request)

    def entry(site: Site) -> dict:
        return {
            "platform": site.platform.name,
            "platform_slug": site.platform.slug,
            "account_name": site.account_name,
            "handle": site.handle,
            "url": site.url,
            "department": site.department,
            "state": site.state,
        }

    response = JsonResponse(
        {
            "city": "City of Kankakee",
            "policy": "Ordinance 2019-70",
            "official": [entry(site) for site in official],
            "retired": [entry(site) for site in retired],
        },
        encoder=HtmlSafeJSONEncoder,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_safe
@public_page(POLICIES, variant=_today)
def policy_list(request):
    today = timezone.localdate()
    policies = cached_data(
        "policy-list",
        request.public_snapshot,
        lambda: selectors.policies_in_effect(today),
        variant=str(today),
    )
    return render(request, "sites_registry/public/policy_list.html", {"policies": policies})


def _render_policy(request, kind: str, version: int | None = None):
    if kind not in PolicyDocument.Kind.values:
        raise Http404("No such policy.")
    today = timezone.localdate()
    page = cached_data(
        "policy-page",
        request.public_snapshot,
        lambda: selectors.policy_page(kind, version, today),
        variant=f"{kind}:{version}:{today}",
    )
    if not page["found"]:
        raise Http404("No such version of this policy.")
    return render(request, "sites_registry/public/policy_detail.html", page)


@login_not_required
@require_safe
@public_page(POLICIES, variant=_today)
def policy_current(request, kind: str):
    return _render_policy(request, kind)


@login_not_required
@require_safe
@public_page(POLICIES, variant=_today)
def policy_version(request, kind: str, version: int):
    return _render_policy(request, kind, version)


@login_not_required
@require_safe
@public_page(POLICIES, variant=_today)
def disclaimer(request):
    """The Disclaimer the ordinance requires on City sites (Sec. VII), at a short address."""
    return _render_policy(request, PolicyDocument.Kind.DISCLAIMER)
