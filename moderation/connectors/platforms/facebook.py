"""Facebook: a Page's posts, every comment and reply on its posts in the window, and the
Page's block list, from the Meta Graph API with a Page access token.

- ``/{page-id}/posts?since=…``: the Page's own posts (City posts) since the window start
  (``CAPTURE_ACTIVE_DAYS``; the daily re-scan ``CAPTURE_RESCAN_DAYS``; ``--full`` all of
  them). Complete, it accounts for every City post in the window, so a post deleted on
  Facebook is found.
- ``/{post-id}/comments?filter=stream``: for every City post in the window (just listed or
  held from earlier runs), every comment and reply, replies flat with ``parent``. Comments
  the Page hid are listed to the Page's token too (``is_hidden``), so a hidden comment is
  never taken for deleted. Complete, it accounts for the post's comments and their replies.
- ``/{page-id}/blocked``: the profiles the Page has blocked (every page of it).

Paging follows ``paging.cursors.after`` while ``paging.next`` is given, never the ``next``
URL itself, which carries the token. Both listings are the ``facebook`` importer format;
each page is read with the URL it came from (``listing_url``), as a last page names no edge.
"""

from __future__ import annotations

from collections.abc import Iterator

from moderation.capture.importers import Author, CaptureError
from moderation.capture.importers.base import MAX_NAME_LENGTH, Fields, dump_payload
from moderation.connectors.base import Listing
from moderation.connectors.client import PlatformFault
from moderation.connectors.platforms.graph import GraphConnector, graph_next

POST_FIELDS = "id,message,created_time,permalink_url,from{id,name},updated_time"
COMMENT_FIELDS = "id,message,from{id,name},created_time,parent{id},is_hidden,permalink_url"
# Graph API pages hold at most 100 items.
PAGE_LIMIT = "100"


class FacebookConnector(GraphConnector):
    platform = "facebook"
    format = "facebook"

    posts_edge = "posts"
    posts_fields = POST_FIELDS
    account_label = "Page"
    # filter=stream lists the replies too, flat, each with its parent.
    comment_params = {"filter": "stream", "fields": COMMENT_FIELDS}
    comment_descendants = 1
    page_limit = PAGE_LIMIT

    def block_list(self) -> Iterator[tuple[Author, str]]:
        listing = Listing(
            key="blocked",
            path=f"{self.account_id}/blocked",
            params={"limit": PAGE_LIMIT},
            what=f"the profiles Page {self.account_id} blocked",
            format=self.format,
        )
        params = dict(listing.params)
        number = 0
        while True:
            number += 1
            page = self.client.get(listing.path, params)
            entries = page.data.get("data") if isinstance(page.data, dict) else None
            if not isinstance(entries, list):
                # Read as an empty list, it would take every block for lifted.
                raise PlatformFault(
                    f"{listing.what}, page {number}: not a Graph API listing (no “data” list)"
                )
            for index, entry in enumerate(entries):
                try:
                    fields = Fields(entry, f"data[{index}]")
                    user_id = fields.identifier("id")
                    name = fields.text("name", required=False, max_length=MAX_NAME_LENGTH)
                except CaptureError as exc:
                    raise PlatformFault(f"{listing.what}, page {number}: {exc}") from None
                author = Author(
                    platform_user_id=user_id,
                    display_name=name,
                    profile_url=f"https://www.facebook.com/{user_id}",
                )
                yield author, dump_payload(entry)
            params = graph_next(listing, page.data)
            if params is None:
                return
