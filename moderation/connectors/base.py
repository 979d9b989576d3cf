"""What a platform connector declares: the listings a capture of its site fetches.

A connector never parses items itself: each page it fetches goes, as the bytes the platform
sent, to the importer of its format (moderation.capture.importers), exactly as a file of
that format would. The connector only says which listings to fetch, how to ask for the
next page, what a complete listing accounts for (``Coverage``, which is what lets the
engine mark an item deleted on the platform), and which listings an item calls for (the
replies of a comment, say).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from moderation.capture.importers import Author, CapturedItem
from moderation.connectors.client import Page, PlatformClient


@dataclass(frozen=True)
class Coverage:
    """The items a complete listing must list: every item of the site matching ``where``
    (posted at or after ``since``, if given), and their replies ``descendants`` levels down
    (posted at or after ``since`` too). An item among them that the listing lacks, though
    every page was fetched without error, is deleted on the platform."""

    where: Q
    descendants: int = 0
    since: datetime | None = None


@dataclass
class Listing:
    key: str  # stable for the site: what a resumed run recognises as done
    path: str  # relative to the platform's API base URL
    params: dict
    what: str  # in words, for the history and the run's errors: "the comments on post 123"
    format: str  # the importer format its pages are read by
    coverage: Coverage | None = None  # None: a listing that never decides a deletion
    reader_options: dict = field(default_factory=dict)
    # Items of these kinds are what the listing is "of": with ``stop_before`` (a listing sorted
    # newest first, whose API takes no start time) paging stops after a page whose items of
    # these kinds are all older.
    of_kinds: tuple[str, ...] = ()
    stop_before: datetime | None = None
    # The plan's later listings read what this one stored (the comments of every post in the
    # window): its items are committed before the plan goes on. Otherwise the items of listings
    # fetched whole wait to be written together, CAPTURE_COMMIT_ITEMS at a time.
    settles: bool = False


@dataclass
class RunContext:
    now: datetime
    full: bool  # everything the platform lists, not a window
    rescan: bool  # the daily re-scan of CAPTURE_RESCAN_DAYS
    window_start: datetime | None  # posts from here on have their comments listed; None: all


class Connector:
    platform: str = ""
    format: str = ""

    def __init__(self, *, site, account_id: str, client: PlatformClient, context: RunContext):
        self.site = site
        self.account_id = account_id
        self.client = client
        self.context = context

    def plan(self) -> Iterator[Listing]:
        """The listings of one run, in order; a generator, so that a later listing may
        depend on what earlier ones stored (the posts in the window, say)."""
        raise NotImplementedError

    def next_params(self, listing: Listing, page: Page) -> dict | None:
        """The parameters of the page after ``page``, or None when it is the last."""
        raise NotImplementedError

    def follow(self, listing: Listing, page: Page, items: list[CapturedItem]) -> Iterable[Listing]:
        """Listings a page calls for (every reply of a comment whose page gave only some),
        fetched after the listing it came in. ``page.data`` is the page as parsed JSON."""
        return ()

    def block_list(self) -> Iterator[tuple[Author, str]] | None:
        """The accounts the site has blocked, as (author, the entry's JSON), or None where
        the platform's API does not list them."""
        return None


def since_param(value: datetime | None) -> dict:
    """A Graph API ``since`` (Unix seconds), or nothing."""
    return {"since": str(int(value.timestamp()))} if value else {}
