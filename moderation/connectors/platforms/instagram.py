"""Instagram: a professional account's posts, and every comment and reply on its posts in
the window, from the Instagram Graph API (Instagram API with Facebook Login).

- ``/{ig-user-id}/media?since=…``: the account's posts (City posts) since the window start
  (``CAPTURE_ACTIVE_DAYS``; the daily re-scan ``CAPTURE_RESCAN_DAYS``; ``--full`` all of
  them). Complete, it accounts for every City post in the window.
- ``/{ig-media-id}/comments``: for every City post in the window (just listed or held from
  earlier runs), its top-level comments, each with the first of its replies nested.
  Comments the account hid are listed too (``hidden``). Complete, it accounts for the
  post's top-level comments (not their replies: those nested may be only some).
- ``/{ig-comment-id}/replies``: every reply of a comment whose nested replies had a next
  page, and on a re-scan of every comment with replies held; complete, it accounts for
  the comment's replies.

Paging follows ``paging.cursors.after`` while ``paging.next`` is given, never the ``next``
URL itself, which carries the token. All listings are the ``instagram`` importer format,
each page read with the URL it came from (``listing_url``), as a last page names no edge.
Instagram's API lists no accounts the City restricted or blocked: no block list.
"""

from __future__ import annotations

from django.db.models import Q

from moderation.capture.models import Comment
from moderation.connectors.base import Coverage, Listing
from moderation.connectors.platforms.graph import GONE, GraphConnector

# ``owner`` is returned only for the account's own media: its id is the one the account's
# own comments have in ``from``, so the City is one commenter whichever it wrote.
MEDIA_FIELDS = "id,caption,timestamp,permalink,username,media_type,comments_count,owner{id}"
REPLY_FIELDS = "id,text,timestamp,username,from{id,username},hidden,parent_id"
COMMENT_FIELDS = (
    f"id,text,timestamp,username,from{{id,username}},hidden,like_count,parent_id,replies{{{REPLY_FIELDS}}}"
)
# Instagram's pages hold at most 50 items.
PAGE_LIMIT = "50"


class InstagramConnector(GraphConnector):
    platform = "instagram"
    format = "instagram"

    posts_edge = "media"
    posts_fields = MEDIA_FIELDS
    account_label = "Instagram account"
    # Top-level comments, each with the first of its replies nested (followed below).
    comment_params = {"fields": COMMENT_FIELDS}
    page_limit = PAGE_LIMIT

    def follow(self, listing, page, items):
        if not listing.key.startswith("comments:") or not isinstance(page.data, dict):
            return
        comments = [c for c in page.data.get("data") or [] if isinstance(c, dict) and c.get("id")]
        held_replies = set()
        if self.context.rescan:
            # A comment whose last reply was deleted nests none: listed all the same, so that
            # the reply we hold is found missing.
            held_replies = set(
                Comment.objects.filter(
                    site=self.site, parent_platform_item_id__any_of=[str(c["id"]) for c in comments]
                )
                .exclude(platform_state__in=GONE)
                .values_list("parent_platform_item_id", flat=True)
            )
        for comment in comments:
            comment_id = str(comment["id"])
            nested = comment.get("replies")
            paging = nested.get("paging") if isinstance(nested, dict) else None
            more = isinstance(paging, dict) and bool(paging.get("next"))
            if more or comment_id in held_replies:
                yield self.replies(comment_id)

    def replies(self, comment_id: str) -> Listing:
        return self.listing(
            key=f"replies:{comment_id}",
            path=f"{comment_id}/replies",
            params={"fields": REPLY_FIELDS, "limit": PAGE_LIMIT},
            what=f"the replies to comment {comment_id}",
            coverage=Coverage(where=Q(parent_platform_item_id=comment_id)),
        )

    def block_list(self):
        return None  # the Instagram Graph API lists no restricted or blocked accounts
