"""The City Clerk's retention pages: dashboard, schedules, legal holds, Disposal Certificates."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.portal import calendar, ledger, roles
from config.portal.forms import submit
from config.portal.models import JobRun
from records.models import DisposalCertificate, LegalHold, RetentionSchedule
from records.retention import selectors, services
from records.retention.eligibility import eligibility_date
from records.retention.forms import (
    ApproveForm,
    FileForm,
    HoldScopeForm,
    LegalHoldForm,
    ReleaseForm,
    WithdrawForm,
)
from records.retention.holds import held_queryset, hold_counts
from records.retention.services import JOB_NAME
from records.series import REGISTRY, Scope

clerk_only = roles.role_required(roles.CITY_CLERK)


@clerk_only
@require_GET
def dashboard(request):
    as_of = calendar.today()
    return render(
        request,
        "records/retention/dashboard.html",
        {
            "as_of": as_of,
            "summaries": selectors.dashboard(as_of),
            "open_certificates": DisposalCertificate.objects.exclude(
                state__in=[DisposalCertificate.State.EXECUTED, DisposalCertificate.State.WITHDRAWN]
            ),
            "active_holds": LegalHold.objects.active().count(),
            "runs": JobRun.objects.filter(name=JOB_NAME)[:5],
        },
    )


@clerk_only
@require_GET
def schedule_list(request):
    as_of = calendar.today()
    rows = []
    for schedule in RetentionSchedule.objects.order_by("title"):
        entry = REGISTRY.get(schedule.series)
        example_year = as_of.year
        rows.append(
            {
                "schedule": schedule,
                "entry": entry,
                "example_year": example_year,
                "example_eligible": eligibility_date(schedule, as_of.replace(month=12, day=31)),
            }
        )
    return render(request, "records/retention/schedule_list.html", {"rows": rows})


@clerk_only
@require_GET
def hold_list(request):
    holds = LegalHold.objects.select_related("placed_by", "released_by").order_by("released_at", "-placed_at")
    return render(request, "records/retention/hold_list.html", {"holds": holds})


def _preview(scope) -> list[tuple[str, int]]:
    return [(REGISTRY[key].label, count) for key, count in scope.counts().items()]


@clerk_only
@require_http_methods(["GET", "POST"])
def hold_place(request):
    form = LegalHoldForm(request.POST or None)
    preview = None
    if "preview" in request.POST and form.is_valid():
        preview = _preview(form.scope())
    else:
        placed = submit(
            request,
            form,
            lambda data: services.legal_hold_place(actor=request.user, **form.service_kwargs()),
            success=lambda hold: f"The hold “{hold.name}” is in force.",
        )
        if placed:
            return placed
    return render(request, "records/retention/hold_form.html", {"form": form, "preview": preview})


def _hold_page(request, hold, *, release_form=None, scope_form=None, preview=None, status=200):
    held = held_queryset(REGISTRY["captured-items"], [hold])
    page = Paginator(held.select_related("site", "author").order_by("posted_at", "pk"), 50).get_page(
        request.GET.get("page")
    )
    scopes = [(row, Scope.of_hold_scope(row).describe()) for row in hold.scopes.order_by("pk")]
    counts = [(REGISTRY[key].label, count) for key, count in hold_counts(hold).items() if count]
    return render(
        request,
        "records/retention/hold_detail.html",
        {
            "hold": hold,
            "scopes": scopes,
            "counts": counts,
            "page": page,
            "count": page.paginator.count,
            "release_form": release_form or ReleaseForm(),
            "scope_form": scope_form or HoldScopeForm(),
            "preview": preview,
        },
        status=status,
    )


@clerk_only
@require_GET
def hold_detail(request, pk: int):
    hold = get_object_or_404(
        LegalHold.objects.select_related("placed_by", "released_by").prefetch_related("scopes"), pk=pk
    )
    return _hold_page(request, hold)


@clerk_only
@require_POST
def hold_add_scope(request, pk: int):
    hold = get_object_or_404(
        LegalHold.objects.select_related("placed_by", "released_by").prefetch_related("scopes"), pk=pk
    )
    form = HoldScopeForm(request.POST)
    if "preview" in request.POST and form.is_valid():
        return _hold_page(request, hold, scope_form=form, preview=_preview(form.scope()))
    done = submit(
        request,
        form,
        lambda data: services.legal_hold_add_scope(actor=request.user, hold=hold, scope=form.scope()),
        success=f"The hold “{hold.name}” now covers one more scope.",
        then=hold,
    )
    return done or _hold_page(request, hold, scope_form=form, status=400)


@clerk_only
@require_POST
def hold_release(request, pk: int):
    hold = get_object_or_404(LegalHold.objects.prefetch_related("scopes"), pk=pk)
    form = ReleaseForm(request.POST)
    released = submit(
        request,
        form,
        lambda data: services.legal_hold_release(actor=request.user, hold=hold, reason=data["reason"]),
        success=f"The hold “{hold.name}” is released.",
        then=hold,
    )
    return released or _hold_page(request, hold, release_form=form, status=400)


@clerk_only
@require_GET
def certificate_list(request):
    certificates = DisposalCertificate.objects.annotate(
        listed=Count("items", distinct=True), destroyed=Count("tombstones", distinct=True)
    )
    return render(request, "records/retention/certificate_list.html", {"certificates": certificates})


def _certificate_context(certificate, request, **forms):
    tombstones = certificate.tombstones.order_by("series", "original_id")
    summary = certificate.tombstones.aggregate(first=Min("destroyed_at"), last=Max("destroyed_at"))
    holds = selectors.certificate_holds(certificate)
    return {
        "certificate": certificate,
        "holds": holds,
        "held_page": selectors.held_items_page(holds, request.GET.get("held_page")),
        "remaining": holds.remaining if holds.live else certificate.items.count(),
        "tombstone_page": Paginator(tombstones, 100).get_page(request.GET.get("page")),
        "destruction": summary,
        "file_form": forms.get("file_form") or FileForm(held_count=holds.held),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        # Anchoring: the chain head, printed on the certificate, leaves the database on paper.
        "ledger_head": ledger.head(),
    }


@clerk_only
@require_GET
def certificate_detail(request, pk: int):
    certificate = get_object_or_404(DisposalCertificate, pk=pk)
    return render(
        request, "records/retention/certificate_detail.html", _certificate_context(certificate, request)
    )


@clerk_only
@require_GET
def certificate_print(request, pk: int):
    certificate = get_object_or_404(DisposalCertificate, pk=pk)
    return render(
        request,
        "records/retention/certificate_print.html",
        {
            "certificate": certificate,
            "holds": selectors.certificate_holds(certificate),
            "ledger_head": ledger.head(),
        },
    )


def _certificate_action(request, certificate, form, form_name: str, save, success: str):
    """An action on a certificate from one of the forms of its page, shown again (400) when refused."""
    done = submit(request, form, save, success=success, then=certificate)
    if done:
        return done
    context = _certificate_context(certificate, request, **{form_name: form})
    return render(request, "records/retention/certificate_detail.html", context, status=400)


@clerk_only
@require_POST
def certificate_file(request, pk: int):
    certificate = get_object_or_404(DisposalCertificate, pk=pk)
    # The confirmation asked for is of the held records as they are now; the service counts
    # them again under the hold lock and refuses if the number is not the one confirmed.
    form = FileForm(request.POST, held_count=selectors.certificate_held_count(certificate))
    return _certificate_action(
        request,
        certificate,
        form,
        "file_form",
        lambda data: services.certificate_file(
            actor=request.user, certificate=certificate, **form.service_kwargs()
        ),
        "The certificate is recorded as filed with the Local Records Commission.",
    )


def _certificate_form(request, pk: int, form_class, form_name: str, service, success: str):
    """An action whose form's fields are the service's arguments as they are."""
    certificate = get_object_or_404(DisposalCertificate, pk=pk)
    return _certificate_action(
        request,
        certificate,
        form_class(request.POST),
        form_name,
        lambda data: service(actor=request.user, certificate=certificate, **data),
        success,
    )


@clerk_only
@require_POST
def certificate_approve(request, pk: int):
    return _certificate_form(
        request,
        pk,
        ApproveForm,
        "approve_form",
        services.certificate_approve,
        "The Commission's approval is recorded. The nightly job destroys the records on the disposal date.",
    )


@clerk_only
@require_POST
def certificate_withdraw(request, pk: int):
    return _certificate_form(
        request,
        pk,
        WithdrawForm,
        "withdraw_form",
        services.certificate_withdraw,
        "The certificate is withdrawn; its records will be listed on a later certificate.",
    )
