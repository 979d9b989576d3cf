"""What the Facebook and Instagram connectors share: the Meta Graph API's paging, and pages
read with the URL they came from."""

from __future__ import annotations

from moderation.capture.models import Comment
from moderation.connectors.base import Connector, Listing

# Posts known gone are not asked for their comments: the Graph API refuses them (code 100).
GONE = (Comment.PlatformState.DELETED, Comment.PlatformState.UNAVAILABLE)


def graph_next(listing: Listing, data) -> dict | None:
    """The parameters of the page after a Graph API page: its ``after`` cursor, when the page
    says there is a next one (``paging.next``). The ``next`` URL itself is never followed:
    it carries the token."""
    paging = data.get("paging") if isinstance(data, dict) else None
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return {**listing.params, "after": str(after)} if after else None


class GraphConnector(Connector):
    def listing(self, *, key: str, path: str, **fields) -> Listing:
        """A listing of this connector's format whose pages are read with the URL they came
        from (``listing_url``): a last or only page has no paging URL to say what it lists."""
        return Listing(
            key=key,
            path=path,
            format=self.format,
            reader_options={"listing_url": self.client.url(path)},
            **fields,
        )

    def city_posts(self) -> list[str]:
        """The City posts whose comments a run lists: those in the window (all on a full
        run), just captured or held from earlier runs, newest first; not those known gone."""
        posts = Comment.objects.filter(site=self.site, kind=Comment.Kind.CITY_POST).exclude(
            platform_state__in=GONE
        )
        if self.context.window_start is not None:
            posts = posts.filter(posted_at__gte=self.context.window_start)
        return list(
            posts.order_by("-posted_at", "platform_item_id").values_list("platform_item_id", flat=True)
        )

    def next_params(self, listing, page):
        return graph_next(listing, page.data)
