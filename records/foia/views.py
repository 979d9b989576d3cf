"""The City Clerk's FOIA pages. Every page is for the City Clerk's group only."""

from __future__ import annotations

import copy
import uuid
from string import Template

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.portal import calendar, roles
from config.portal.forms import apply_service_errors, submit
from config.portal.inplace import Undo, in_place_response
from config.portal.kept_input import keep_input
from records.foia import forms as foia_forms
from records.foia import selectors, services
from records.foia.clock import compute_due_date
from records.foia.digest import deadlines
from records.foia.export import export_storage
from records.foia.intake import read_pasted_email
from records.foia.letters import PLACEHOLDERS, render_letter
from records.models import (
    FoiaExport,
    FoiaLetter,
    FoiaLetterTemplate,
    FoiaRequest,
    Redaction,
)
from records.series import REGISTRY

clerk_only = roles.role_required(roles.CITY_CLERK)


def _request_or_404(pk: int) -> FoiaRequest:
    return get_object_or_404(FoiaRequest.objects.select_related("requester", "assignee", "hold"), pk=pk)


@clerk_only
@require_GET
def request_list(request):
    found = deadlines()
    open_requests = (
        FoiaRequest.objects.open().select_related("requester", "assignee").order_by("due_on", "pk")
    )
    closed = FoiaRequest.objects.exclude(pk__in=open_requests.values("pk")).select_related("requester")
    return render(
        request,
        "records/foia/request_list.html",
        {
            "open_requests": open_requests,
            "closed_requests": closed.order_by("-received_on", "-pk")[:50],
            "today": found.today,
            "due_soon_until": found.due_soon_until,
        },
    )


@transaction.atomic
def _save_request(request, form, foia_request=None):
    """Requester and request in one transaction: a refused request leaves no new requester behind."""
    requester_fields, fields = form.requester_data(), form.request_data()
    if foia_request is None:
        requester = services.requester_find_or_create(actor=request.user, **requester_fields)
        return services.foia_request_create(
            actor=request.user,
            requester=requester,
            submission_token=form.cleaned_data.get("submission_token"),
            **fields,
        )
    services.requester_update(actor=request.user, requester=foia_request.requester, **requester_fields)
    return services.foia_request_update(actor=request.user, request=foia_request, **fields)


@clerk_only
@require_http_methods(["GET", "POST"])
def request_create(request):
    form = foia_forms.FoiaRequestForm(
        request.POST or None, initial={"assignee": request.user, "submission_token": uuid.uuid4()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            foia_request = _save_request(request, form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except services.AlreadyLogged as exc:
            messages.info(
                request, f"{exc.request.reference} was already logged from this form; nothing was added."
            )
            return redirect(exc.request)
        else:
            messages.success(
                request, f"{foia_request.reference} logged; due {foia_request.due_on:%B %-d, %Y}."
            )
            return redirect(foia_request)
    return render(request, "records/foia/request_form.html", {"form": form, "foia_request": None})


@clerk_only
@require_http_methods(["GET", "POST"])
def request_create_from_email(request):
    """Read a pasted e-mail and show the "Log a request" form filled in from it, with the
    original message kept in the form (and then with the request)."""
    paste = foia_forms.PastedEmailForm(request.POST or None)
    if request.method == "POST" and paste.is_valid():
        try:
            received = read_pasted_email(paste.cleaned_data["message"])
        except ValidationError as exc:
            apply_service_errors(paste, exc)
        else:
            form = foia_forms.FoiaRequestForm(
                initial={
                    "assignee": request.user,
                    "submission_token": uuid.uuid4(),
                    "requester_name": received.name,
                    "requester_email": received.email,
                    "received_on": received.received_on,
                    "channel": FoiaRequest.Channel.EMAIL,
                    "description": received.description,
                    "original_email": paste.cleaned_data["message"],
                }
            )
            messages.info(
                request, "Check what was read from the e-mail, choose the scope, then log the request."
            )
            return render(request, "records/foia/request_form.html", {"form": form, "foia_request": None})
    return render(request, "records/foia/request_from_email.html", {"form": paste})


@clerk_only
@require_http_methods(["GET", "POST"])
def request_edit(request, pk: int):
    foia_request = _request_or_404(pk)
    form = foia_forms.FoiaRequestForm(
        request.POST or None, initial=foia_forms.FoiaRequestForm.initial_for(foia_request)
    )
    done = submit(
        request,
        form,
        lambda data: _save_request(request, form, foia_request),
        success=lambda saved: f"{saved.reference} updated.",
    )
    return done or render(
        request, "records/foia/request_form.html", {"form": form, "foia_request": foia_request}
    )


def _preview(foia_request: FoiaRequest, scope, sample_size: int = 5) -> list[dict]:
    preview = []
    if not scope.has_criteria:
        return preview
    for spec in selectors.requested_series(foia_request):
        rows = spec.selected(scope).order_by("pk").values_list(*spec.value_fields)[:sample_size]
        samples = spec.build(list(rows))
        shown = spec.sample_columns or spec.columns[:4]
        positions = [spec.columns.index(column) for column in shown]
        preview.append(
            {
                "spec": spec,
                "count": spec.count(scope),
                "columns": [spec.column_labels[column] for column in shown],
                "rows": [
                    (record.id, [readable[i] for i in positions])
                    for record in samples
                    for readable in [spec.readable_row([record.values[c] for c in spec.columns])]
                ],
            }
        )
    return preview


@clerk_only
@require_GET
def request_detail(request, pk: int):
    foia_request = _request_or_404(pk)
    due = compute_due_date(foia_request)
    found = deadlines()
    # The scope is read once (its sites and commenters are queries) for the preview and the notice.
    scope = selectors.request_scope(foia_request)
    return render(
        request,
        "records/foia/request_detail.html",
        {
            "foia_request": foia_request,
            "due": due,
            "overdue": foia_request.is_open and foia_request.due_on < found.today,
            "due_soon": foia_request.is_open and found.today <= foia_request.due_on <= found.due_soon_until,
            "preview": _preview(foia_request, scope),
            "scope_empty": not scope.has_criteria,
            "series_labels": selectors.series_labels(foia_request),
            "letters": foia_request.letters.select_related("sent_by"),
            "exports": foia_request.exports.select_related("requested_by")[:10],
            "redaction_counts": {
                state: foia_request.redactions.filter(state=state).count() for state in Redaction.State.values
            },
            "exemptions": foia_request.exemptions.all(),
            "extension_allowed": foia_request.is_open
            and not foia_request.extension_reason
            and not (foia_request.is_commercial or foia_request.is_recurrent)
            and found.today <= due.original_due_on,
        },
    )


LETTER_ACTIONS = {
    "acknowledgement": "Acknowledge",
    "extension": "Extend",
    "fulfilment": "Fulfil",
    "partial": "Fulfil in part",
    "denial": "Deny",
    "withdrawal": "Record withdrawal",
    "recurrent": "Treat as a recurrent request",
}


@clerk_only
@require_http_methods(["GET", "POST"])
def request_letter_action(request, pk: int, kind: str):
    """Send one of the request's letters; the action it records goes with it."""
    if kind not in LETTER_ACTIONS:
        raise Http404("No such letter.")
    foia_request = _request_or_404(pk)
    form_class = {
        "extension": foia_forms.ExtensionForm,
        "partial": foia_forms.ResponseForm,
        "denial": foia_forms.ResponseForm,
    }.get(kind, foia_forms.LetterForm)
    if request.method == "POST":
        form = form_class(request.POST)
    else:
        keep = ("exemptions",) if kind in ("partial", "denial") else ()
        letter_for = foia_request
        if kind == "recurrent":  # the letter gives the due date the confirmation sets
            letter_for = copy.copy(foia_request)
            letter_for.recurrent_confirmed_by, letter_for.recurrent_confirmed_at = (
                request.user,
                timezone.now(),
            )
        subject, body = render_letter(kind, letter_for, clerk=request.user, keep=keep)
        form = form_class(initial={"subject": subject, "body": "" if kind == "extension" else body})
    done = submit(
        request,
        form,
        lambda data: _letter_action(request, foia_request, kind, data),
        success=f"{FoiaLetterTemplate.Kind(kind).label} letter recorded on {foia_request.reference}.",
        then=foia_request,
    )
    return done or render(
        request,
        "records/foia/letter_action.html",
        {
            "form": form,
            "foia_request": foia_request,
            "kind": kind,
            "action": LETTER_ACTIONS[kind],
            "kind_label": FoiaLetterTemplate.Kind(kind).label,
        },
    )


def _letter_action(request, foia_request: FoiaRequest, kind: str, data: dict) -> None:
    actor = request.user
    if kind == "acknowledgement":
        services.foia_request_acknowledge(
            actor=actor, request=foia_request, subject=data["subject"], body=data["body"]
        )
    elif kind == "extension":
        body = data["body"]
        if not body.strip():
            preview = copy.copy(foia_request)
            preview.extension_reason, preview.extension_days = data["reason"], data["days"]
            preview.extension_noticed_on = calendar.today()
            body = render_letter("extension", preview, clerk=actor)[1]
        services.foia_request_extend(
            actor=actor,
            request=foia_request,
            reason=data["reason"],
            days=data["days"],
            subject=data["subject"],
            body=body,
        )
    elif kind == "recurrent":
        services.foia_request_confirm_recurrent(
            actor=actor, request=foia_request, subject=data["subject"], body=data["body"]
        )
    elif kind == "withdrawal":
        services.foia_request_withdraw(
            actor=actor, request=foia_request, subject=data["subject"], body=data["body"]
        )
    else:
        outcome = {
            "fulfilment": FoiaRequest.State.FULFILLED,
            "partial": FoiaRequest.State.PARTIALLY_FULFILLED,
            "denial": FoiaRequest.State.DENIED,
        }[kind]
        exemptions = data.get("exemptions") or []
        # The letter was drafted with $exemptions left in place: cite what the Clerk entered.
        listed = "\n".join(f"- {citation}: {basis}" for citation, basis in exemptions)
        body = Template(data["body"]).safe_substitute({"exemptions": listed})
        services.foia_request_respond(
            actor=actor,
            request=foia_request,
            outcome=outcome,
            subject=data["subject"],
            body=body,
            exemptions=exemptions,
        )


def _button(request, service, foia_request: FoiaRequest, success: str) -> None:
    """A button's action on a request (no form): a success message, or the refusal as one error."""
    try:
        service(actor=request.user, request=foia_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)


@clerk_only
@require_POST
def request_start(request, pk: int):
    foia_request = _request_or_404(pk)
    _button(request, services.foia_request_start, foia_request, f"{foia_request.reference} is in progress.")
    return redirect(foia_request)


def _simple_form_view(form_class, service, *, success, title: str, button: str):
    """A page with one small form about a request, handed to ``service`` as it is; ``success``
    is the message (or makes it from the request)."""

    @clerk_only
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        foia_request = _request_or_404(pk)
        form = form_class(request.POST or None)
        done = submit(
            request,
            form,
            lambda data: service(actor=request.user, request=foia_request, **data),
            success=success(foia_request) if callable(success) else success,
            then=foia_request,
        )
        return done or render(
            request,
            "records/foia/simple_form.html",
            {"form": form, "foia_request": foia_request, "title": title, "submit": button},
        )

    return view


request_agree_date = _simple_form_view(
    foia_forms.AgreedDateForm,
    services.foia_request_agree_date,
    success="The agreed date is recorded.",
    title="Record a later date agreed in writing",
    button="Record the agreed date",
)
request_close = _simple_form_view(
    foia_forms.CloseForm,
    services.foia_request_close,
    success=lambda foia_request: f"{foia_request.reference} closed; its hold on the records is released.",
    title="Close the request",
    button="Close the request and release the hold",
)


@clerk_only
@require_GET
def letter_detail(request, pk: int):
    letter = get_object_or_404(FoiaLetter.objects.select_related("request__requester", "sent_by"), pk=pk)
    return render(request, "records/foia/letter_detail.html", {"letter": letter})


# --- Redactions -------------------------------------------------------------------------


@clerk_only
@require_http_methods(["GET", "POST"])
def redactions(request, pk: int):
    foia_request = _request_or_404(pk)
    add_form = foia_forms.RedactionAddForm(request.POST or None, prefix="add")
    done = submit(
        request,
        add_form,
        lambda data: services.redaction_add(actor=request.user, request=foia_request, **data),
        success="Redaction added.",
        then=reverse("records:foia-redactions", args=[pk]),
    )
    if done:
        return done
    state = request.GET.get("state", "suggested")
    if state not in Redaction.State.values:
        state = "suggested"
    listed = list(foia_request.redactions.filter(state=state).select_related("decided_by")[:500])
    return render(
        request,
        "records/foia/redactions.html",
        {
            "foia_request": foia_request,
            "redactions": listed,
            "contexts": selectors.redaction_contexts(listed),
            "field_labels": _field_labels(),
            "state": state,
            "states": Redaction.State.choices,
            "exemptions": Redaction.Exemption.choices,
            "add_form": add_form,
        },
    )


def _field_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for spec in REGISTRY.values():
        for column, label in spec.export_columns:
            labels.setdefault(column, label)
    return labels


def _redaction_row(request, redaction: Redaction, *, message: str, undo: Undo | None = None):
    redaction = Redaction.objects.select_related("decided_by", "request").get(pk=redaction.pk)
    context = {
        "r": redaction,
        "foia_request": redaction.request,
        "sentence": selectors.redaction_contexts([redaction]).get(redaction.pk),
        "field_labels": _field_labels(),
        "exemptions": Redaction.Exemption.choices,
        "in_place": True,
    }
    return in_place_response(request, "records/foia/_redaction_row.html", context, message=message, undo=undo)


@clerk_only
@require_POST
def redactions_suggest(request, pk: int):
    foia_request = _request_or_404(pk)
    _button(
        request,
        services.foia_redaction_scan_start,
        foia_request,
        "The scan of the responsive records for private information has started.",
    )
    return redirect("records:foia-redactions", pk=pk)


@clerk_only
@require_POST
def redaction_decide(request, pk: int):
    redaction = get_object_or_404(Redaction, pk=pk)
    form = foia_forms.RedactionDecisionForm(request.POST)
    slot = f"redaction-decide-{redaction.pk}"
    if not form.is_valid():
        if request.htmx:
            return _redaction_row(request, redaction, message="Choose accept or reject and an exemption.")
        keep_input(request, slot, ("exemption", "note"))
        messages.error(request, "Choose accept or reject and an exemption.")
    else:
        try:
            redaction = services.redaction_decide(
                actor=request.user,
                redaction=redaction,
                accept=form.cleaned_data["decision"] == "accept",
                exemption=form.cleaned_data["exemption"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            if request.htmx:
                return _redaction_row(request, redaction, message=" ".join(exc.messages))
            keep_input(request, slot, ("exemption", "note"))
            messages.error(request, " ".join(exc.messages))
        else:
            verb = "Accepted" if redaction.state == Redaction.State.ACCEPTED else "Rejected"
            message = f"{verb}: “{redaction.text[:80]}” in {redaction.record_kind} #{redaction.record_id}."
            undo_url = reverse("records:foia-redaction-undo", args=[redaction.pk])
            if request.htmx:
                undo = Undo(url=undo_url, label="Undo", target=f"#redaction-{redaction.pk}")
                return _redaction_row(request, redaction, message=message, undo=undo)
            messages.success(request, message)
    return redirect(reverse("records:foia-redactions", args=[redaction.request_id]) + "?state=suggested")


@clerk_only
@require_POST
def redaction_undo(request, pk: int):
    """Undo of accept or reject: the suggestion is open again."""
    redaction = get_object_or_404(Redaction, pk=pk)
    try:
        redaction = services.redaction_undecide(actor=request.user, redaction=redaction)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        message = f"Suggested again: “{redaction.text[:80]}”."
        if request.htmx:
            return _redaction_row(request, redaction, message=message)
        messages.success(request, message)
    return redirect(reverse("records:foia-redactions", args=[redaction.request_id]) + "?state=suggested")


@clerk_only
@require_POST
def redactions_accept(request, pk: int):
    """Bulk accept of chosen suggestions under one exemption, confirmed first."""
    foia_request = _request_or_404(pk)
    ids = [int(value) for value in request.POST.getlist("redaction") if value.isdigit()][:500]
    exemption = request.POST.get("exemption", "")
    back = reverse("records:foia-redactions", args=[pk]) + "?state=suggested"
    if not ids:
        messages.error(request, "Choose the suggestions to accept first.")
        return redirect(back)
    if request.POST.get("confirmed") != "yes":
        chosen = list(foia_request.redactions.filter(pk__in=ids, state=Redaction.State.SUGGESTED))
        return render(
            request,
            "records/foia/redactions_confirm.html",
            {
                "foia_request": foia_request,
                "chosen": chosen,
                "exemption": exemption,
                "back": back,
                "exemption_label": dict(Redaction.Exemption.choices).get(exemption, exemption),
            },
        )
    try:
        done = services.redactions_accept(
            actor=request.user, request=foia_request, redaction_ids=ids, exemption=exemption
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{len(done)} suggestion{'s' if len(done) != 1 else ''} accepted.")
    return redirect(back)


# --- Exports ------------------------------------------------------------------------------


@clerk_only
@require_POST
def export_start(request, pk: int):
    foia_request = _request_or_404(pk)
    try:
        export = services.foia_export_start(actor=request.user, request=foia_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(foia_request)
    messages.success(request, "The export bundle is being built.")
    return redirect(export)


@clerk_only
@require_GET
def export_detail(request, pk: int):
    export = get_object_or_404(FoiaExport.objects.select_related("request__requester", "requested_by"), pk=pk)
    return render(
        request,
        "records/foia/export_detail.html",
        {
            "export": export,
            "running": export.state in (FoiaExport.State.QUEUED, FoiaExport.State.RUNNING),
            "downloads": export.downloads.select_related("user")[:100],
        },
    )


@clerk_only
@require_POST
def export_release(request, pk: int):
    export = get_object_or_404(FoiaExport, pk=pk)
    try:
        services.foia_export_release(actor=request.user, export=export)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "The bundle is released: the requester's status page offers it for download."
        )
    return redirect(export)


@clerk_only
@require_GET
def export_download(request, pk: int):
    export = get_object_or_404(FoiaExport.objects.select_related("request"), pk=pk)
    if export.state != FoiaExport.State.COMPLETE:
        raise Http404("This export bundle is not complete.")
    storage = export_storage()
    if not storage.exists(export.file_name):
        raise Http404("The bundle file is missing from the export storage.")
    services.foia_export_record_download(
        actor=request.user, export=export, ip_address=request.META.get("REMOTE_ADDR") or None
    )
    response = FileResponse(
        storage.open(export.file_name, "rb"),
        as_attachment=True,
        filename=export.download_name,
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Letter templates -------------------------------------------------------------------


@clerk_only
@require_GET
def template_list(request):
    existing = {t.kind: t for t in FoiaLetterTemplate.objects.all()}
    rows = [(kind, label, existing.get(kind)) for kind, label in FoiaLetterTemplate.Kind.choices]
    return render(request, "records/foia/template_list.html", {"rows": rows})


@clerk_only
@require_http_methods(["GET", "POST"])
def template_edit(request, kind: str):
    if kind not in FoiaLetterTemplate.Kind.values:
        raise Http404("No such letter.")
    from records.foia.letters import template_for

    template = template_for(kind)
    form = foia_forms.LetterTemplateForm(
        request.POST or None, initial={"subject": template.subject, "body": template.body}
    )
    done = submit(
        request,
        form,
        lambda data: services.foia_letter_template_update(actor=request.user, template=template, **data),
        success=f"The {template.get_kind_display().lower()} letter template is saved.",
        then="records:foia-templates",
    )
    return done or render(
        request,
        "records/foia/template_edit.html",
        {
            "form": form,
            "template": template,
            "placeholders": PLACEHOLDERS,
        },
    )
