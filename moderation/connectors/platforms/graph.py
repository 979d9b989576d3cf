"""What the Facebook and Instagram connectors share: the Meta Graph API's paging, and pages
read with the URL they came from."""

from __future__ import annotations

from django.db.models import Q

from moderation.capture.models import Comment
from moderation.connectors.base import Connector, Coverage, Listing, since_param

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
    """The account's posts in the window (complete: a post deleted on the platform is found),
    then the comments of every City post in the window, one listing each."""

    posts_edge = ""  # "posts" (a Facebook Page) or "media" (an Instagram account)
    posts_fields = ""
    account_label = ""  # "Page", "Instagram account": for the run's words
    comment_params: dict = {}
    comment_descendants = 0  # levels of replies a comments listing includes
    page_limit = "100"

    def plan(self):
        window = self.context.window_start
        yield self.listing(
            key=self.posts_edge,
            path=f"{self.account_id}/{self.posts_edge}",
            params={"fields": self.posts_fields, "limit": self.page_limit, **since_param(window)},
            what=f"the posts of {self.account_label} {self.account_id}",
            coverage=Coverage(where=Q(kind=Comment.Kind.CITY_POST), since=window),
            of_kinds=(Comment.Kind.CITY_POST,),
            settles=True,
        )
        # Asked after the posts are stored: the posts just captured and those held already.
        for post_id in self.city_posts():
            yield self.listing(
                key=f"comments:{post_id}",
                path=f"{post_id}/comments",
                params={**self.comment_params, "limit": self.page_limit},
                what=f"the comments on post {post_id}",
                coverage=Coverage(
                    where=Q(parent_platform_item_id=post_id), descendants=self.comment_descendants
                ),
            )

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
