"""The public request pages (no login): the form, confirmation, status page, re-send, public log.

The status pages (reached by a secret link) answer with ``Referrer-Policy: no-referrer`` (the
link never leaves in a Referer header), ``Cache-Control: no-store`` and ``X-Robots-Tag: noindex``.
Pages with a form (the request form, the confirmation page, the re-send form) say
``same-origin`` instead: with ``no-referrer`` browsers send ``Origin: null`` on the POST, which
Django's CSRF check rightly refuses; ``same-origin`` still gives other sites nothing. A wrong,
expired or destroyed status link gets exactly the answer of a link that never existed, and that
404 is not written to Django's request log (which would record the path, token included).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from config.portal.accounts.signin import client_address
from records.foia import services as foia_services
from records.foia.clock import compute_due_date
from records.foia.export import export_storage
from records.foia_public import selectors, services
from records.foia_public.forms import PublicRequestForm, ResendForm


def _private_headers(referrer_policy: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Referrer-Policy"] = referrer_policy
            response["Cache-Control"] = "no-store"
            response["X-Robots-Tag"] = "noindex, nofollow"
            return response

        return wrapped

    return decorator


# Headers of every page about one request or one person.
private = _private_headers("no-referrer")
private_form = _private_headers("same-origin")


def _unlogged(response):
    # Django's request logger writes "Not Found: <path>" for every 4xx: the path holds a token.
    response._has_been_logged = True
    return response


def not_found(request):
    """The one answer for a status link that is wrong, expired, or whose request was destroyed."""
    return _unlogged(render(request, "records/foia/public/not_found.html", status=404))


def _refused(request, message: str, status: int, retry_after: int | None = None):
    response = render(request, "records/foia/public/refused.html", {"message": message}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


HONEYPOT_REFUSAL = (
    "The form was refused because the field “Leave this field empty” was filled in; automatic "
    "form fillers do that. If you are a person, go back, empty that field and send the form again."
)


@login_not_required
@private_form
@require_http_methods(["GET", "POST"])
def request_form(request):
    form = PublicRequestForm(request.POST or None)
    if request.method == "POST":
        if form.honeypot_filled():
            return _refused(request, HONEYPOT_REFUSAL, 400)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.foia_submission_create(
                    name=data["name"],
                    organisation=data["organisation"],
                    kind=data["kind"],
                    email=data["email"],
                    postal_address=data["postal_address"],
                    description=data["description"],
                    is_commercial=data["is_commercial"],
                    sites=data["sites"],
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    name_public=data["name_public"],
                    ip_address=client_address(request) or "",
                )
            except services.Refused as exc:
                return _refused(request, exc.message, exc.status, exc.retry_after)
            return redirect("records:foia-public-sent")
    return render(
        request,
        "records/foia/public/request_form.html",
        {"form": form, "foia_office_address": settings.FOIA_OFFICE_ADDRESS},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_not_required
@private
@require_GET
def request_sent(request):
    return render(
        request,
        "records/foia/public/request_sent.html",
        {"confirmation_hours": settings.FOIA_CONFIRMATION_HOURS},
    )


@login_not_required
@private_form
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    if request.method == "POST":
        try:
            foia_request, status_path = services.foia_submission_confirm(token=token)
        except services.LinkInvalid:
            return _unlogged(render(request, "records/foia/public/confirm_invalid.html", status=404))
        messages.success(
            request,
            f"Your request is logged as {foia_request.reference}. Keep the link of this page, or the one "
            "we just e-mailed you: it is the only way to this page.",
        )
        return redirect(status_path)
    submission = services.submission_for_token(token)
    if submission is None:
        return _unlogged(render(request, "records/foia/public/confirm_invalid.html", status=404))
    return render(request, "records/foia/public/confirm.html", {"submission": submission})


@login_not_required
@private
@require_GET
def status(request, token: str):
    foia_request = selectors.request_for_status_token(token)
    if foia_request is None:
        return not_found(request)
    return render(
        request,
        "records/foia/public/status.html",
        {
            "foia_request": foia_request,
            "token": token,
            "due": compute_due_date(foia_request),
            "letters": foia_request.letters.order_by("sent_on", "pk"),
            "exports": selectors.released_exports(foia_request),
        },
    )


@login_not_required
@private
@require_GET
def bundle_download(request, token: str, export_id: int):
    foia_request = selectors.request_for_status_token(token)
    if foia_request is None:
        return not_found(request)
    export = selectors.released_exports(foia_request).filter(pk=export_id).first()
    storage = export_storage()
    if export is None or not storage.exists(export.file_name):
        return not_found(request)
    try:
        foia_services.foia_export_record_requester_download(export=export)
    except ValidationError:
        return not_found(request)
    return FileResponse(
        storage.open(export.file_name, "rb"),
        as_attachment=True,
        filename=export.download_name,
        content_type="application/zip",
    )


@login_not_required
@private_form
@require_http_methods(["GET", "POST"])
def resend(request):
    form = ResendForm(request.POST or None)
    if request.method == "POST":
        if form.honeypot_filled():
            return _refused(request, HONEYPOT_REFUSAL, 400)
        if form.is_valid():
            try:
                services.foia_status_links_resend(
                    email=form.cleaned_data["email"], ip_address=client_address(request) or ""
                )
            except services.Refused as exc:
                return _refused(request, exc.message, exc.status, exc.retry_after)
            return redirect("records:foia-public-resend-sent")
    return render(
        request,
        "records/foia/public/resend.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_not_required
@private
@require_GET
def resend_sent(request):
    return render(request, "records/foia/public/resend_sent.html")


@login_not_required
@require_GET
def public_log(request):
    page = Paginator(selectors.public_log(), 50).get_page(request.GET.get("page"))
    rows = [(foia_request, selectors.disposition(foia_request)) for foia_request in page.object_list]
    return render(request, "records/foia/public/log.html", {"page": page, "rows": rows})
