"""Asking for a capture now, from the health page: the run is queued on the capture queue
with who asked, and the run records it (``CaptureRun.requested_by``).

Apart from services.py because it queues the capture task, whose module imports the engine,
which imports the services (a service importing the task would close that circle). Where
tasks run in-process (no broker), the capture runs when the request's transaction commits,
before the page answers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from config.portal import roles
from moderation.connectors.tasks import capture_site
from moderation.models import SiteConnection
from sites_registry.models import Site


def capture_request(*, actor, site: Site) -> None:
    """Queue a capture of ``site`` now, for the Technical Services Team or an administrator."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    connection = SiteConnection.objects.filter(site=site).first()
    if connection is None or connection.state != SiteConnection.State.CONNECTED:
        state = connection.get_state_display().lower() if connection else "not connected"
        raise ValidationError(f"{site} is {state}; an administrator must connect it before it is captured.")
    if site.state != Site.State.APPROVED:
        raise ValidationError(
            f"{site} is {site.get_state_display().lower()}; only an approved site is captured."
        )
    capture_site.delay_on_commit(site.pk, requested_by_id=actor.pk)
