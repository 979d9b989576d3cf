"""Staff pages for captured items: search and browse, the item page, the TST monitoring
queue, and the upload form. Reads go through selectors; writes through services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.portal import roles
from config.portal.forms import apply_service_errors
from config.portal.inplace import Undo, in_place_response
from moderation.capture import selectors
from moderation.capture.forms import CaptureUploadForm, CommentSearchForm
from moderation.capture.importers import CaptureError
from moderation.capture.models import Comment
from moderation.capture.search import highlight_terms
from moderation.capture.selectors import CommentFilters, screening_hints, search_comments
from moderation.capture.services import (
    captures_import_file,
    comment_mark_answered,
    comment_mark_reviewed,
    comment_unmark_reviewed,
    comments_mark_reviewed,
)
from moderation.params import is_plain_number
from sites_registry.models import Site

PAGE_SIZE = 50
QUEUE_PAGE_SIZE = 25
THREAD_REPLIES_SHOWN = 200
ANCESTORS_SHOWN = 20


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@roles.role_required()
@require_GET
def comment_search(request):
    """Search and browse captured items (every staff role)."""
    form = CommentSearchForm(request.GET or None)
    results, has_next = [], False
    page = _page_number(request)
    searched = bool(request.GET) and form.is_valid()
    if searched or not request.GET:
        # No search yet: browse everything, newest first.
        filters = form.filters() if searched else CommentFilters()
        start = (page - 1) * PAGE_SIZE
        # One more than a page, to know whether there is a next page without counting
        # a million rows.
        results = list(search_comments(filters)[start : start + PAGE_SIZE + 1])
        has_next = len(results) > PAGE_SIZE
        results = results[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "moderation/comment_search.html",
        {
            "form": form,
            "results": results,
            "page": page,
            "has_next": has_next,
            "query_string": query.urlencode(),
            "terms": highlight_terms(form.cleaned_data.get("q", "")) if searched else [],
        },
    )


@roles.role_required()
@require_GET
def comment_detail(request, pk: int):
    """One captured item with the thread around it, its raw payload and hints (every staff role)."""
    comment = get_object_or_404(
        Comment.objects.select_related("site__platform", "author", "reviewed_by", "response_answered_by"),
        pk=pk,
    )
    replies = selectors.comment_replies(comment, limit=THREAD_REPLIES_SHOWN + 1)
    previous_id, next_id = selectors.queue_neighbours(pk)
    return render(
        request,
        "moderation/comment_detail.html",
        {
            "comment": comment,
            "ancestors": selectors.comment_ancestors(comment, limit=ANCESTORS_SHOWN),
            "replies": replies[:THREAD_REPLIES_SHOWN],
            "more_replies": len(replies) > THREAD_REPLIES_SHOWN,
            "hints": screening_hints(comment.text, private=comment.private_hints),
            "city_replied": any(reply.from_city for reply in replies),
            "payload_intact": comment.payload_intact,
            "previous_id": previous_id,
            "next_id": next_id,
            "may_review": roles.has_role(request.user, roles.TECHNICAL_SERVICES),
        },
    )


@roles.role_required(roles.TECHNICAL_SERVICES)
@require_GET
def review_queue(request):
    """TST monitoring queue: new and changed items, oldest first, with screening hints."""
    view = request.GET.get("show", "new")
    if view != "questions":
        view = "new"
    site = None
    if is_plain_number(request.GET.get("site", "")):
        site = Site.objects.filter(pk=int(request.GET["site"])).first()
    after = request.GET.get("after", "")
    rows = selectors.review_queue_items(
        show=view,
        site=site,
        after=int(after) if is_plain_number(after) else None,
        limit=QUEUE_PAGE_SIZE + 1,
    )
    has_more = len(rows) > QUEUE_PAGE_SIZE
    rows = rows[:QUEUE_PAGE_SIZE]
    replied = selectors.city_replied_to([c.pk for c in rows])
    return render(
        request,
        "moderation/queue.html",
        {
            "rows": [
                {
                    "comment": c,
                    "hints": screening_hints(c.text, private=c.private_hints),
                    "city_replied": c.pk in replied,
                }
                for c in rows
            ],
            "view": view,
            "site": site,
            "sites": selectors.capture_site_choices(),
            "next_after": rows[-1].pk if has_more and rows else None,
            "after": after if is_plain_number(after) else "",
            "can_remove": roles.has_role(request.user, roles.TECHNICAL_SERVICES),
        },
    )


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@roles.role_required(roles.TECHNICAL_SERVICES)
@require_POST
def comment_review(request, pk: int):
    comment = get_object_or_404(Comment, pk=pk)
    comment_mark_reviewed(actor=request.user, comment=comment)
    if request.htmx:
        # In place: the row stays where it was, with an undo; the message says it in the status region.
        queue_url = _back(request, reverse("moderation:queue"))
        undo = Undo(
            url=reverse("moderation:comment-review-undo", args=[pk]),
            label="Undo",
            target=f"#item-{pk}",
            fields=(("next", queue_url),),
        )
        return in_place_response(
            request,
            "moderation/_queue_row_reviewed.html",
            {"comment": comment, "queue_url": queue_url},
            message=f"Marked reviewed: {comment.get_kind_display()} {comment.platform_item_id}.",
            undo=undo,
        )
    if request.POST.get("then") == "next":
        following = selectors.next_in_queue(pk)
        if following is not None:
            return redirect(following)
        messages.success(request, "Reviewed. The queue is empty.")
        return redirect("moderation:queue")
    messages.success(request, "Marked reviewed.")
    return redirect(_back(request, reverse("moderation:queue")))


@roles.role_required(roles.TECHNICAL_SERVICES)
@require_POST
def comment_review_undo(request, pk: int):
    """Puts a reviewed item back in the queue (the undo of "Mark reviewed")."""
    comment = get_object_or_404(Comment.objects.select_related("site__platform", "author", "parent"), pk=pk)
    comment = comment_unmark_reviewed(actor=request.user, comment=comment)
    message = f"Back in the queue: {comment.get_kind_display()} {comment.platform_item_id}."
    if request.htmx:
        comment = Comment.objects.select_related("site__platform", "author", "parent").get(pk=pk)
        row = {
            "comment": comment,
            "hints": screening_hints(comment.text, private=comment.private_hints),
            "city_replied": pk in selectors.city_replied_to([pk]),
        }
        context = {
            "row": row,
            "view": "new",
            "in_place": True,
            "queue_url": _back(request, reverse("moderation:queue")),
            "can_remove": True,
        }
        return in_place_response(request, "moderation/_queue_row.html", context, message=message)
    messages.success(request, message)
    return redirect(_back(request, comment.get_absolute_url()))


@roles.role_required(roles.TECHNICAL_SERVICES)
@require_POST
def queue_review_all(request):
    ids = [int(value) for value in request.POST.getlist("comment") if is_plain_number(value)][
        :QUEUE_PAGE_SIZE
    ]
    if ids and request.POST.get("confirmed") != "yes":
        # A bulk action is confirmed first: in the page by portal/actions.js, else on a page of its own.
        next_url = _back(request, reverse("moderation:queue"))
        return render(request, "moderation/queue_confirm.html", {"ids": ids, "next": next_url})
    if not ids:
        messages.error(request, "Nothing was selected.")
    else:
        done = comments_mark_reviewed(actor=request.user, comment_ids=ids)
        messages.success(request, f"{len(done)} item{'s' if len(done) != 1 else ''} marked reviewed.")
    return redirect(_back(request, reverse("moderation:queue")))


@roles.role_required(roles.TECHNICAL_SERVICES)
@require_POST
def comment_answered(request, pk: int):
    comment = get_object_or_404(Comment, pk=pk)
    try:
        comment_mark_answered(actor=request.user, comment=comment, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Marked answered.")
    return redirect(_back(request, comment.get_absolute_url()))


@roles.role_required(roles.TECHNICAL_SERVICES)
@require_http_methods(["GET", "POST"])
def capture_upload(request):
    """TST uploads an export file; it is imported at once, whole or not at all."""
    # The site and format of the last import stay chosen: the next file is usually the same site's.
    last = request.session.get("last_import") or {}
    form = CaptureUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"site": last.get("site"), "format": last.get("format")},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            upload.seek(0)
            result = captures_import_file(
                actor=request.user,
                site=form.cleaned_data["site"],
                format_name=form.cleaned_data["format"],
                stream=upload.file,
                source_name=upload.name,
            )
        except CaptureError as exc:
            form.add_error("file", f"{exc}. Nothing from this file was imported.")
        except ValidationError as exc:
            apply_service_errors(form, exc, fieldless_to="file")
        else:
            linked = f", {result.linked} linked to their parent" if result.linked else ""
            site = form.cleaned_data["site"]
            request.session["last_import"] = {
                "site": site.pk,
                "format": form.cleaned_data["format"],
                "file": upload.name[:200],
                "summary": f"{result}{linked}",
                "needs_review": result.created + result.updated,
            }
            messages.success(request, f"{upload.name}: {result}{linked}.")
            return redirect("moderation:capture-upload")
    last_site = Site.objects.select_related("platform").filter(pk=last.get("site")).first() if last else None
    return render(
        request,
        "moderation/upload.html",
        {
            "form": form,
            "max_bytes": settings.CAPTURE_UPLOAD_MAX_BYTES,
            "last_import": last if last_site else None,
            "last_site": last_site,
        },
    )


@roles.role_required()
@require_GET
def commenter_search(request):
    """The commenter picker's source: at most ``COMMENTER_MATCHES_MAX`` commenters matching ``q``
    (two characters at least), each with the label that tells them apart (every staff role sees
    commenters on the search page)."""
    query = request.GET.get("q", "")[:200]
    if len(query.strip()) < 2:
        return JsonResponse({"results": [], "detail": "Type at least two characters."})
    matches = selectors.commenters_matching(query, limit=selectors.COMMENTER_MATCHES_MAX)
    return JsonResponse(
        {"results": [{"value": str(c.pk), "label": selectors.commenter_label(c)} for c in matches]}
    )
