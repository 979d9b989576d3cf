"""Pages for removals, reports, second reviews, notices, referrals and restrictions, and the
public transparency report.

Views parse input and call one service; the services check roles again and refuse bad
input with field-named errors shown next to the fields.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from config.portal import roles
from config.portal.calendar import BusinessCalendar
from config.portal.forms import submit
from config.portal.inplace import in_place_response
from config.portal.kept_input import keep_input, kept_input
from config.portal.public_cache import TRANSPARENCY, cached_data, public_page, streamed_file
from config.portal.spreadsheet import csv_cell
from config.portal.templatetags.portal import person
from moderation.capture.models import Comment, Commenter
from moderation.params import is_plain_number, record_id
from moderation.removals import forms as removal_forms
from moderation.removals import selectors, services
from moderation.removals.forms import CategoryChoiceField
from moderation.removals.models import (
    NOTICE_PLACEHOLDERS,
    AccountRestriction,
    NoticeTemplate,
    ProhibitedCategory,
    Referral,
    Removal,
    ViolationReport,
)
from sites_registry.models import Site

TST = roles.TECHNICAL_SERVICES
COMMS = roles.COMMUNICATIONS_OFFICE
STAFF = roles.STAFF_ROLES
PAGE_SIZE = 50


def _safe_next(request) -> str:
    """A same-site path to return to after a POST, or "" (never an open redirect)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=False
    ):
        return target
    return ""


def _posted(form_class, request) -> dict:
    """What could be read of a posted inline form; the service says what is missing or wrong."""
    form = form_class(request.POST)
    form.is_valid()
    return form.cleaned_data


def _inline_action(request, action, *, success: str, slot: str, fields: tuple[str, ...]) -> None:
    """Run the action of an inline form. A refusal becomes error messages, and what was typed
    is kept for the page the user is sent back to (config.portal.kept_input)."""
    try:
        action()
    except ValidationError as exc:
        keep_input(request, slot, fields)
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


# --- removal -------------------------------------------------------------------------


@roles.role_required(TST)
def comment_remove(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("site__platform", "author"), pk=pk)
    in_force = Removal.objects.in_force().filter(comment=comment).first()
    form = removal_forms.RemovalForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.removal_create(actor=request.user, comment=comment, **data),
        success=lambda removal: (
            f"Removal #{removal.pk} recorded; the Communications Office has been notified."
        ),
    )
    return done or render(
        request,
        "moderation/removals/remove.html",
        {
            "comment": comment,
            "comments": [comment],
            "form": form,
            "categories": CategoryChoiceField.described_choices(),
            "in_force": in_force,
        },
    )


@roles.role_required(TST)
def removal_bulk(request):
    """Several items removed for the same reason; one removal record per item."""
    ids = [
        int(value)
        for value in request.POST.getlist("comment") or request.GET.getlist("comment")
        if is_plain_number(value)
    ]
    comments = list(
        Comment.objects.filter(pk__in=ids).select_related("site__platform", "author").order_by("pk")
    )
    form = removal_forms.RemovalForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.removal_create_bulk(actor=request.user, comments=comments, **data),
        then="moderation:removal-list",
        success=lambda removals: (
            f"{len(removals)} removals recorded (one per item); the Communications Office has been notified."
        ),
    )
    return done or render(
        request,
        "moderation/removals/remove.html",
        {
            "comment": None,
            "comments": comments,
            "bulk": True,
            "form": form,
            "categories": CategoryChoiceField.described_choices(),
        },
    )


@roles.role_required(*STAFF)
def removal_list(request):
    site = request.GET.get("site", "")
    category = request.GET.get("category", "")
    review = request.GET.get("review", "")
    removals = selectors.removal_list(
        site_id=int(site) if is_plain_number(site) else None, category=category, review=review
    )
    page = Paginator(removals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/removals/removal_list.html",
        {
            "page": page,
            "sites": Site.objects.select_related("platform"),
            "category_choices": CategoryChoiceField.described_choices(),
            "review_choices": Removal.ReviewStatus.choices,
            "filters": {"site": site, "category": category, "review": review},
        },
    )


@roles.role_required(*STAFF)
def removal_detail(request, pk: int):
    removal = get_object_or_404(
        selectors.removals_with_categories().select_related("reviewed_by", "reinstated_by"), pk=pk
    )
    report = ViolationReport.objects.filter(removal=removal).first()
    return render(
        request,
        "moderation/removals/removal_detail.html",
        {
            "removal": removal,
            "report": report,
            "notices": removal.notices.select_related("recorded_by", "template"),
            "referrals": removal.referrals.select_related("platform"),
            "restrictions": removal.account_restrictions.select_related("commenter"),
            "review_form": removal_forms.SecondReviewForm(
                initial=kept_input(request, f"removal-review-{removal.pk}")
            ),
            "is_tst": roles.has_role(request.user, TST),
            "is_comms": roles.has_role(request.user, COMMS),
            "copy_intact": removal.retained_copy_intact(),
            "commenter": removal.comment.author if removal.comment else None,
            "comment_url": removal.comment.get_absolute_url() if removal.comment else "",
        },
    )


@require_POST
@roles.role_required(COMMS)
def removal_review(request, pk: int):
    removal = get_object_or_404(Removal, pk=pk)
    data = _posted(removal_forms.SecondReviewForm, request)
    _inline_action(
        request,
        lambda: services.removal_second_review(
            actor=request.user, removal=removal, decision=data.get("decision", ""), note=data.get("note", "")
        ),
        success=f"Second review of removal #{removal.pk} recorded.",
        slot=f"removal-review-{removal.pk}",
        fields=("decision", "note"),
    )
    return redirect(_safe_next(request) or removal.get_absolute_url())


@roles.role_required(COMMS)
def review_queue(request):
    removals = selectors.removals_with_categories().awaiting_second_review().order_by("removed_at")
    page = Paginator(removals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/removals/review_queue.html",
        {"page": page, "review_form": removal_forms.SecondReviewForm()},
    )


# --- reports -------------------------------------------------------------------------


@roles.role_required(TST)
def comment_report(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("site__platform", "author"), pk=pk)
    form = removal_forms.ReportForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.violation_report_create(actor=request.user, comment=comment, **data),
        success=lambda report: f"Report #{report.pk} sent to the Communications Office.",
    )
    return done or render(
        request,
        "moderation/removals/report_form.html",
        {"comment": comment, "form": form, "categories": CategoryChoiceField.described_choices()},
    )


def _with_timers(reports, calendar: BusinessCalendar, today) -> list[dict]:
    rows = []
    for report in reports:
        left = None if report.is_resolved else calendar.business_days_between(today, report.due_date)
        overdue = report.is_overdue(today)
        rows.append(
            {
                "report": report,
                "days_left": left,
                "overdue": overdue,
                # Past due on a weekend counts as overdue by at least one day.
                "days_overdue": max(1, -left) if overdue else 0,
            }
        )
    return rows


@roles.role_required(*STAFF)
def report_list(request):
    """The Communications Office's queue, with business-day timers (config.portal.calendar)."""
    state = request.GET.get("state", "unresolved")
    assignee = request.GET.get("assignee", "")
    site = request.GET.get("site", "")
    today = timezone.localdate()
    reports = selectors.report_list(
        state=state,
        assignee=assignee,
        user=request.user,
        site_id=int(site) if is_plain_number(site) else None,
        today=today,
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/removals/report_list.html",
        {
            "page": page,
            "rows": _with_timers(page.object_list, BusinessCalendar(), today),
            "filters": {"state": state, "assignee": assignee, "site": site},
            "state_choices": [("unresolved", "Not resolved"), ("overdue", "Overdue")]
            + list(ViolationReport.State.choices),
            "sites": Site.objects.select_related("platform"),
        },
    )


def _report_page(request, report, *, pick_up_form=None, resolve_form=None, status=200):
    calendar = BusinessCalendar()
    today = timezone.localdate()
    return render(
        request,
        "moderation/removals/report_detail.html",
        {
            "report": report,
            "timer": _with_timers([report], calendar, today)[0],
            "skipped": calendar.skipped_days(timezone.localdate(report.notified_at), report.due_date),
            "is_comms": roles.has_role(request.user, COMMS),
            "is_tst": roles.has_role(request.user, TST),
            "pick_up_form": pick_up_form
            or removal_forms.PickUpForm(
                initial={"version": report.version},
                assignees=selectors.communications_office_members(),
                me=request.user,
            ),
            "resolve_form": resolve_form or removal_forms.ResolveForm(initial={"version": report.version}),
            "referrals": report.referrals.select_related("platform"),
            "text": report.removal.retained_text
            if report.removal
            else (report.comment.text if report.comment else ""),
        },
        status=status,
    )


def _get_report(pk):
    return get_object_or_404(
        ViolationReport.objects.select_related(
            "site__platform", "assignee", "reported_by", "resolved_by", "removal", "comment"
        ),
        pk=pk,
    )


@roles.role_required(*STAFF)
def report_detail(request, pk: int):
    return _report_page(request, _get_report(pk))


def _report_action(request, pk: int, form, form_name: str, service, success: str):
    """One of the Communications Office's actions on a report, made against the version the
    form was opened at: a change by someone else meanwhile is refused with 409, not 400."""
    report = _get_report(pk)
    stale = False

    def save(data):
        nonlocal stale
        fields = {name: value for name, value in data.items() if name != "version"}
        try:
            service(actor=request.user, report=report, expected_version=data["version"], **fields)
        except services.RecordChanged:
            stale = True
            raise

    done = submit(request, form, save, success=success, then=report)
    if done:
        return done
    return _report_page(request, _get_report(pk), **{form_name: form}, status=409 if stale else 400)


@require_POST
@roles.role_required(COMMS)
def report_pick_up(request, pk: int):
    form = removal_forms.PickUpForm(
        request.POST, assignees=selectors.communications_office_members(), me=request.user
    )
    if request.htmx:
        return _report_pick_up_in_place(request, pk, form)
    return _report_action(
        request,
        pk,
        form,
        "pick_up_form",
        services.violation_report_pick_up,
        f"Report #{pk} is being investigated.",
    )


def _report_pick_up_in_place(request, pk: int, form):
    """Pick up / reassign answered to htmx: the assignment section again (with the new version for
    the next action), the report's "Assigned to" and the resolve form's version out of band."""
    report = _get_report(pk)
    message, level = "", "success"
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.violation_report_pick_up(
                actor=request.user, report=report, expected_version=data["version"], assignee=data["assignee"]
            )
        except services.RecordChanged as exc:
            message, level = " ".join(exc.messages), "error"
        except ValidationError as exc:
            message, level = " ".join(exc.messages), "error"
        else:
            report = _get_report(pk)
            message = f"Report #{pk} is being investigated by {person(report.assignee)}."
            form = removal_forms.PickUpForm(
                initial={"version": report.version},
                assignees=selectors.communications_office_members(),
                me=request.user,
            )
    context = {"report": report, "pick_up_form": form, "is_comms": True, "in_place": True}
    return in_place_response(
        request, "moderation/removals/_report_assignment.html", context, message=message, level=level
    )


@require_POST
@roles.role_required(COMMS)
def report_resolve(request, pk: int):
    form = removal_forms.ResolveForm(request.POST)
    return _report_action(
        request, pk, form, "resolve_form", services.violation_report_resolve, f"Report #{pk} resolved."
    )


# --- commenter notices --------------------------------------------------------------


@roles.role_required(TST)
def removal_notice(request, pk: int):
    removal = get_object_or_404(selectors.removals_with_categories(), pk=pk)
    templates = NoticeTemplate.objects.filter(is_active=True)
    chosen = templates.filter(pk=record_id(request.GET.get("template"))).first() or templates.first()
    if request.method == "POST":
        form = removal_forms.NoticeForm(request.POST)
    else:
        message = services.notice_message_render(template=chosen, removal=removal) if chosen else ""
        form = removal_forms.NoticeForm(initial={"template": chosen, "message": message})
    done = submit(
        request,
        form,
        lambda data: services.commenter_notice_record(actor=request.user, removal=removal, **data),
        success="Commenter notice recorded.",
        then=removal,
    )
    return done or render(
        request,
        "moderation/removals/notice_form.html",
        {"removal": removal, "form": form, "templates": templates, "chosen": chosen},
    )


@roles.role_required(COMMS, TST)
def notice_template_list(request):
    return render(
        request,
        "moderation/removals/notice_template_list.html",
        {
            "templates": NoticeTemplate.objects.all(),
            "is_comms": roles.has_role(request.user, COMMS),
            "placeholders": NOTICE_PLACEHOLDERS,
        },
    )


@roles.role_required(COMMS)
def notice_template_edit(request, pk: int | None = None):
    template = get_object_or_404(NoticeTemplate, pk=pk) if pk else None
    initial = (
        {"name": template.name, "body": template.body, "is_active": template.is_active} if template else {}
    )
    form = removal_forms.NoticeTemplateForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.notice_template_save(actor=request.user, template=template, **data),
        success=lambda saved: f"Notice template “{saved.name}” saved.",
        then="moderation:notice-template-list",
    )
    return done or render(
        request,
        "moderation/removals/notice_template_form.html",
        {"template": template, "form": form, "placeholders": NOTICE_PLACEHOLDERS},
    )


# --- referrals ----------------------------------------------------------------------


@roles.role_required(*STAFF)
def referral_list(request):
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    referrals = selectors.referral_list(kind=kind, status=status)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/removals/referral_list.html",
        {
            "page": page,
            "filters": {"kind": kind, "status": status},
            "kind_choices": Referral.Kind.choices,
            "status_choices": Referral.Status.choices,
        },
    )


@roles.role_required(TST)
def referral_create(request):
    source = request.POST if request.method == "POST" else request.GET
    removal = (
        Removal.objects.filter(pk=record_id(source.get("removal"))).select_related("site__platform").first()
    )
    report = (
        ViolationReport.objects.filter(pk=record_id(source.get("report")))
        .select_related("site__platform")
        .first()
    )
    if removal is None and report is None:
        raise Http404("A referral is started from a removal or a report.")
    site = (removal or report).site
    initial = {"kind": source.get("kind") or Referral.Kind.LAW_ENFORCEMENT, "platform": site.platform}
    form = removal_forms.ReferralForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.referral_create(actor=request.user, removal=removal, report=report, **data),
        success=lambda referral: f"Referral #{referral.pk} recorded.",
    )
    return done or render(
        request,
        "moderation/removals/referral_form.html",
        {"form": form, "removal": removal, "report": report, "site": site},
    )


@roles.role_required(*STAFF)
def referral_detail(request, pk: int):
    referral = get_object_or_404(
        Referral.objects.select_related("platform", "removal__site", "report__site", "referred_by"), pk=pk
    )
    form = removal_forms.ReferralUpdateForm(
        request.POST or None,
        initial={
            "status": referral.status,
            "case_number": referral.case_number,
            "platform_report_id": referral.platform_report_id,
            "outcome": referral.outcome,
        },
    )
    if request.method == "POST":
        roles.require_role(request.user, TST)
    done = submit(
        request,
        form,
        lambda data: services.referral_update(actor=request.user, referral=referral, **data),
        success=f"Referral #{referral.pk} updated.",
        then=referral,
    )
    return done or render(
        request,
        "moderation/removals/referral_detail.html",
        {"referral": referral, "form": form, "is_tst": roles.has_role(request.user, TST)},
    )


# --- account restrictions -----------------------------------------------------------


@roles.role_required(*STAFF)
def restriction_list(request):
    now = timezone.now()
    restrictions = selectors.restriction_list()
    return render(
        request,
        "moderation/removals/restriction_list.html",
        {
            "rows": [{"restriction": r, "in_force": r.is_in_force(now)} for r in restrictions[:500]],
            "is_comms": roles.has_role(request.user, COMMS),
            "can_lift": roles.has_role(request.user, COMMS, TST),
        },
    )


@roles.role_required(TST)
def restriction_create(request):
    source = request.POST if request.method == "POST" else request.GET
    commenter = get_object_or_404(
        Commenter.objects.select_related("platform"), pk=record_id(source.get("commenter"))
    )
    removal = Removal.objects.filter(pk=record_id(source.get("removal"))).first()
    form = removal_forms.RestrictionForm(request.POST or None, commenter=commenter)
    done = submit(
        request,
        form,
        lambda data: services.account_restriction_request(
            actor=request.user, commenter=commenter, removals=[removal] if removal else [], **data
        ),
        success="Restriction requested; the Communications Office approves it.",
        then="moderation:restriction-list",
    )
    return done or render(
        request,
        "moderation/removals/restriction_form.html",
        {"form": form, "commenter": commenter, "removal": removal},
    )


@require_POST
@roles.role_required(COMMS)
def restriction_decide(request, pk: int):
    restriction = get_object_or_404(AccountRestriction, pk=pk)
    data = _posted(removal_forms.RestrictionDecisionForm, request)

    def decide():
        approve = data.get("approve")
        if not isinstance(approve, bool):
            # Without a choice there is no decision: a note alone is not a decline.
            raise ValidationError({"approve": "Choose Approve or Decline."})
        services.account_restriction_decide(
            actor=request.user, restriction=restriction, approve=approve, note=data.get("note", "")
        )

    _inline_action(
        request,
        decide,
        success="Decision recorded.",
        slot=f"restriction-decide-{restriction.pk}",
        fields=("approve", "note"),
    )
    return redirect(reverse("moderation:restriction-list") + f"#restriction-{restriction.pk}")


@require_POST
@roles.role_required(COMMS, TST)
def restriction_lift(request, pk: int):
    restriction = get_object_or_404(AccountRestriction, pk=pk)
    _inline_action(
        request,
        lambda: services.account_restriction_lift(
            actor=request.user, restriction=restriction, reason=request.POST.get("lift_reason", "")
        ),
        success="Restriction lifted.",
        slot=f"restriction-lift-{restriction.pk}",
        fields=("lift_reason",),
    )
    return redirect(reverse("moderation:restriction-list") + f"#restriction-{restriction.pk}")


# --- public transparency report -------------------------------------------------------


def _chart(rows, key: str, label_key: str, peak: int, *, bar_x: int) -> dict:
    """Geometry of a server-rendered SVG bar chart (readable without JavaScript)."""
    bars = []
    for index, row in enumerate(rows):
        value = row[key]
        width = round(400 * value / peak) if peak else 0
        y = 10 + index * 26
        bars.append(
            {
                "label": row[label_key] if label_key != "month" else f"{row['month']:%b}",
                "value": value,
                "y": y,
                "text_y": y + 16,
                "width": width,
                "value_x": bar_x + width + 6,
            }
        )
    return {"bars": bars, "height": 20 + len(rows) * 26, "width": bar_x + 460, "bar_x": bar_x}


def _year(request) -> int:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    if is_plain_number(raw) and 2000 <= int(raw) <= this_year + 1:
        return int(raw)
    return this_year


def _transparency_variant(request) -> str:
    # The year shown, and this year (the page offers every year up to it).
    return f"{_year(request)}:{timezone.localdate().year}"


@login_not_required
@require_safe
@public_page(TRANSPARENCY, variant=_transparency_variant)
def transparency_report(request):
    year = _year(request)
    snap = request.public_snapshot
    data = cached_data(
        "transparency-year", snap, lambda: selectors.transparency_counts(year), variant=str(year)
    )
    known_years = cached_data("transparency-years", snap, selectors.transparency_years)
    years = sorted(set(known_years) | {timezone.localdate().year, year}, reverse=True)
    return render(
        request,
        "moderation/removals/transparency.html",
        {
            **data,
            "years": years,
            "month_chart": _chart(data["month_rows"], "removals", "month", data["peak"], bar_x=60),
            "category_chart": _chart(data["category_rows"], "total", "label", data["peak"], bar_x=300),
        },
    )


CSV_HEADER = (
    "month",
    "platform",
    "site",
    "category",
    "category_label",
    "removals",
    "later_reinstated",
    "awaiting_second_review",
)
CSV_CHUNK_BYTES = 64 * 1024


class _Line:
    """What csv.writer writes to: it hands back each line instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _transparency_csv_chunks():
    """The CSV in chunks of about 64 KiB, read on a server-side cursor (PostgreSQL)."""
    writer = csv.writer(_Line())
    buffer = [writer.writerow(CSV_HEADER)]
    size = len(buffer[0])
    for row in selectors.transparency_csv_rows().iterator(chunk_size=2000):
        line = writer.writerow(
            [
                csv_cell(f"{selectors.month_of(row['month']):%Y-%m}"),
                csv_cell(row["removal__site__platform__name"]),
                csv_cell(row["removal__site__account_name"]),
                row["category"],
                csv_cell(ProhibitedCategory(row["category"]).label),
                row["removals"],
                row["reinstated"],
                row["awaiting_review"],
            ]
        )
        buffer.append(line)
        size += len(line)
        if size >= CSV_CHUNK_BYTES:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    yield "".join(buffer).encode()


@login_not_required
@require_safe
@public_page(TRANSPARENCY, keep=False)
def transparency_csv(request):
    """Every month, site and category with at least one removal: counts only. Streamed, and kept
    in the cache once streamed whole until the next change."""
    response = streamed_file(
        request, "transparency-csv", _transparency_csv_chunks, content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="kankakee-social-media-removals.csv"'
    return response
