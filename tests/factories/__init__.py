"""One factory per model, grouped by app. Import from here: ``from tests.factories import SiteFactory``."""

from tests.factories.accounts import *  # noqa: F401,F403
from tests.factories.foia import *  # noqa: F401,F403
from tests.factories.moderation import *  # noqa: F401,F403
from tests.factories.records import *  # noqa: F401,F403
from tests.factories.removals import *  # noqa: F401,F403
from tests.factories.sites import *  # noqa: F401,F403
