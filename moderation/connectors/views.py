"""Pages of automatic capture: connecting a site to its platform (administrators: a pasted
token or the platform's consent page), disconnecting it, the capture health page (the
Technical Services Team, the Communications Office, administrators) and "Capture now" (TST).

No page shows a token: the token field is a password box never rendered back, and nothing
stored encrypted is read here except by the engine's run.
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.portal import roles
from config.portal.forms import apply_service_errors
from moderation.connectors import dispatch, oauth, selectors, services
from moderation.connectors.forms import ConnectForm, DisconnectForm
from moderation.models import CaptureState, SiteConnection
from sites_registry.models import Site

# The administrator's pending authorizations (state -> what to connect), in the session.
SESSION_KEY = "connector_oauth"
# An authorization not finished within this many seconds is refused.
AUTHORIZATION_MAX_AGE = 15 * 60


def admin_required(view):
    """Connecting and disconnecting are an administrator's (a superuser), not a role's."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _site(pk: int) -> Site:
    return get_object_or_404(Site.objects.select_related("platform"), pk=pk)


def _connect_page(request, site: Site, *, form=None, disconnect_form=None, status: int = 200):
    connection = SiteConnection.objects.select_related("connected_by").filter(site=site).first()
    state = CaptureState.objects.filter(connection=connection).first() if connection else None
    return render(
        request,
        "moderation/connectors/connect.html",
        {
            "site": site,
            "connection": connection,
            "capture_state": state,
            "connectable": site.platform.slug in services.CONNECTABLE_PLATFORMS,
            "oauth_available": oauth.platform_config(site.platform.slug) is not None,
            "form": form or ConnectForm(connection=connection),
            "disconnect_form": disconnect_form or DisconnectForm(),
            "disconnect_url": reverse("moderation:connection-disconnect", args=[site.pk]),
        },
        status=status,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def connection_connect(request, site_pk: int):
    """Connect, reconnect or reauthorize a site: with a pasted token, or through the
    platform's consent page (the "Authorize with …" button)."""
    site = _site(site_pk)
    if request.method == "GET":
        return _connect_page(request, site)
    connection = SiteConnection.objects.filter(site=site).first()
    form = ConnectForm(request.POST, connection=connection)
    if request.POST.get("how") == "oauth":
        if form.is_valid():
            return _authorization_start(request, site, form.cleaned_data)
        return _connect_page(request, site, form=form, status=400)
    if not form.require_token():
        return _connect_page(request, site, form=form, status=400)
    try:
        services.site_connect(
            actor=request.user,
            site=site,
            account_id=form.cleaned_data["account_id"],
            credentials={"access_token": form.cleaned_data["token"]},
            method=SiteConnection.Method.TOKEN,
            interval_minutes=form.cleaned_data.get("interval_minutes"),
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return _connect_page(request, site, form=form, status=400)
    messages.success(request, f"{site.account_name} is connected; it is captured at the next scheduled run.")
    return redirect("moderation:connection-connect", site_pk=site.pk)


def _authorization_start(request, site: Site, data: dict):
    try:
        authorization = oauth.authorization_start(site.platform.slug)
    except oauth.AuthorizationFailed as exc:
        messages.error(request, str(exc))
        return redirect("moderation:connection-connect", site_pk=site.pk)
    pending = {
        state: entry
        for state, entry in request.session.get(SESSION_KEY, {}).items()
        if entry.get("started", 0) > time.time() - AUTHORIZATION_MAX_AGE
    }
    pending[authorization.state] = {
        "site": site.pk,
        "account_id": data["account_id"],
        "interval_minutes": data.get("interval_minutes"),
        "verifier": authorization.verifier,
        "started": time.time(),
    }
    request.session[SESSION_KEY] = pending
    return redirect(authorization.url)


@admin_required
@require_GET
def connection_oauth_callback(request):
    """The platform sends the administrator back here with a code (or an error) and the state
    the portal gave it; a state this session did not start is refused."""
    pending = dict(request.session.get(SESSION_KEY, {}))
    state = request.GET.get("state", "")
    entry = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if entry is None or entry.get("started", 0) <= time.time() - AUTHORIZATION_MAX_AGE:
        return render(
            request,
            "moderation/connectors/oauth_refused.html",
            {
                "why": "This answer from the platform does not match an authorization started here "
                "in the last 15 minutes, so it was not used. Start again from the site's connection page."
            },
            status=400,
        )
    site = _site(entry["site"])
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(
            request,
            f"{site.platform.name} did not authorize the portal"
            + (" (the request was declined)." if request.GET.get("error") == "access_denied" else "."),
        )
        return redirect("moderation:connection-connect", site_pk=site.pk)
    try:
        credentials = oauth.authorization_finish(
            site.platform.slug,
            code=request.GET["code"],
            verifier=entry.get("verifier", ""),
            account_id=entry["account_id"],
        )
        services.site_connect(
            actor=request.user,
            site=site,
            account_id=entry["account_id"],
            credentials=credentials,
            method=SiteConnection.Method.OAUTH,
            interval_minutes=entry.get("interval_minutes"),
        )
    except oauth.AuthorizationFailed as exc:
        messages.error(request, str(exc))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{site.account_name} is connected through {site.platform.name}; it is captured at the next run.",
        )
    return redirect("moderation:connection-connect", site_pk=site.pk)


@admin_required
@require_POST
def connection_disconnect(request, site_pk: int):
    site = _site(site_pk)
    connection = get_object_or_404(SiteConnection, site=site)
    form = DisconnectForm(request.POST)
    if form.is_valid():
        try:
            services.site_disconnect(
                actor=request.user, connection=connection, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{site.account_name} is disconnected; its credentials were destroyed.")
            return redirect("moderation:connection-connect", site_pk=site.pk)
    return _connect_page(request, site, disconnect_form=form, status=400)


@roles.role_required(roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE)
@require_GET
def capture_health(request):
    """How each connected site's capture is doing (not the Clerk's: nothing here is a record)."""
    rows = selectors.capture_health()
    return render(
        request,
        "moderation/connectors/health.html",
        {
            "rows": rows,
            "days": rows[0].per_day if rows else [],
            "stale_hours": settings.CAPTURE_STALE_HOURS,
            "may_capture": roles.has_role(request.user, roles.TECHNICAL_SERVICES),
            "may_connect": request.user.is_superuser,
        },
    )


@roles.role_required(roles.TECHNICAL_SERVICES)
@require_POST
def capture_now(request, site_pk: int):
    site = _site(site_pk)
    try:
        dispatch.capture_request(actor=request.user, site=site)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"A capture of {site.account_name} was queued.")
    return redirect(reverse("moderation:capture-health") + f"#site-{site.pk}")
