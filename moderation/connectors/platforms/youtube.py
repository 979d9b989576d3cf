"""YouTube: the comment threads on a channel's videos and on the channel, and every reply.

- ``commentThreads.list?allThreadsRelatedToChannelId={channel}&order=time``: the threads,
  newest first, each with a few of its replies. Incremental runs stop at the window
  (``CAPTURE_ACTIVE_DAYS``; the daily re-scan ``CAPTURE_RESCAN_DAYS``; ``--full`` goes to
  the end). Complete, it accounts for every published top-level comment in the window.
- ``comments.list?parentId={thread}``: every reply of a thread whose page gave only some
  (``totalReplyCount`` above the replies included), and on a re-scan of every thread with
  replies; complete, it accounts for every published reply of the thread.

Comments held for review are not listed by default: a listing of its own
(``moderationStatus=heldForReview``) captures them, as hidden, and decides no deletion; a
comment held as hidden is never taken for deleted. YouTube's API lists no blocked ("hidden")
users. Every listing is the ``youtube`` importer format. Quota: one unit a page;
``quotaExceeded`` stops the run until the quota resets (moderation.connectors.client).
"""

from __future__ import annotations

from django.db.models import Q

from moderation.capture.models import Comment
from moderation.connectors.base import Connector, Coverage, Listing

_PUBLISHED = ~Q(platform_state=Comment.PlatformState.HIDDEN)


class YouTubeConnector(Connector):
    platform = "youtube"
    format = "youtube"

    def plan(self):
        window = self.context.window_start
        yield Listing(
            key="threads",
            path="commentThreads",
            params={
                "part": "snippet,replies",
                "allThreadsRelatedToChannelId": self.account_id,
                "order": "time",
                "maxResults": "100",
                "textFormat": "html",
            },
            what=f"the comment threads of channel {self.account_id}",
            format=self.format,
            coverage=Coverage(
                where=Q(kind=Comment.Kind.COMMENT, parent_platform_item_id="") & _PUBLISHED, since=window
            ),
            of_kinds=(Comment.Kind.COMMENT,),
            stop_before=window,
        )

        # Comments the channel holds for review are listed only when asked for: captured too
        # (as hidden), since a held threat is a record as much as a published one. Never a
        # deletion: a held comment leaves this listing when the channel publishes it.
        yield Listing(
            key="held",
            path="commentThreads",
            params={
                "part": "snippet,replies",
                "allThreadsRelatedToChannelId": self.account_id,
                "moderationStatus": "heldForReview",
                "order": "time",
                "maxResults": "100",
                "textFormat": "html",
            },
            what=f"the comments channel {self.account_id} holds for review",
            format=self.format,
            of_kinds=(Comment.Kind.COMMENT,),
            stop_before=window,
        )

    def next_params(self, listing, page):
        token = page.data.get("nextPageToken") if isinstance(page.data, dict) else None
        return {**listing.params, "pageToken": token} if token else None

    def follow(self, listing, page, items):
        if listing.key != "threads" or not isinstance(page.data, dict):
            return
        threads = [
            thread
            for thread in page.data.get("items") or []
            if isinstance(thread, dict) and isinstance(thread.get("snippet"), dict) and thread.get("id")
        ]
        held_replies = set()
        if self.context.rescan:
            # A thread whose last reply was deleted says 0 replies: listed all the same, so
            # that the reply we hold is found missing.
            held_replies = set(
                Comment.objects.filter(
                    site=self.site, parent_platform_item_id__any_of=[str(t["id"]) for t in threads]
                ).values_list("parent_platform_item_id", flat=True)
            )
        for thread in threads:
            total = thread["snippet"].get("totalReplyCount") or 0
            included = len(((thread.get("replies") or {}).get("comments")) or [])
            thread_id = str(thread["id"])
            if not isinstance(total, int):
                continue
            if total > included or (self.context.rescan and (total or thread_id in held_replies)):
                yield self.replies(thread_id)

    def replies(self, thread_id: str) -> Listing:
        return Listing(
            key=f"replies:{thread_id}",
            path="comments",
            params={"part": "snippet", "parentId": thread_id, "maxResults": "100", "textFormat": "html"},
            what=f"the replies to comment {thread_id}",
            format=self.format,
            coverage=Coverage(where=Q(parent_platform_item_id=thread_id) & _PUBLISHED),
        )
